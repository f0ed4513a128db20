import { overfitBench } from '../../../tsup.bench';

export default overfitBench('training', 'throughput');
