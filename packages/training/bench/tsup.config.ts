import { overfitBench } from '../../../tsup.bench.ts';

export default overfitBench('training');
