import { overfitTsup } from '../../tsup.shared.ts';

// `node` is the one entry that touches the file system (the checkpoint directory handler).
export default overfitTsup({ index: 'src/index.ts', node: 'src/node.ts' });
