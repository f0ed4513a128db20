import { overfitVitest } from '../../vitest.shared.ts';

export default overfitVitest();
