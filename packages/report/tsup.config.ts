import { overfitTsup } from '../../tsup.shared.ts';

export default overfitTsup();
