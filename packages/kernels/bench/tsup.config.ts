import { overfitBench } from '../../../tsup.bench';

export default overfitBench('kernels');
