// A sweep's training process: it receives configurations over IPC, trains them one at a time
// and sends back the record. The parent pins its math libraries to one thread (see pool.ts).
// It exits when its parent goes away (the IPC channel closes), even after kill -9 of the parent.
import { OverfitError } from '@overfit/core';
import { setThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import type { TrainConfig } from '../args.js';
import { runJob } from './run-job.js';

/** Parent to child. */
export interface RunMessage {
  type: 'run';
  task: number;
  name: string;
  config: TrainConfig;
}

/** Child to parent. */
export type ChildMessage =
  | { type: 'ready' }
  | { type: 'done'; task: number; record: unknown }
  | { type: 'failed'; task: number; error: string; permanent: boolean };

function send(message: ChildMessage): void {
  // The parent may be gone (kill -9): then there is no one to tell, and 'disconnect' exits.
  if (process.connected) process.send?.(message, undefined, {}, () => {});
}

if (!process.send) {
  process.stderr.write('overfit sweep child: must be started by overfit sweep or overfit worker\n');
  process.exit(2);
}
setThreadsCount(1);
process.on('disconnect', () => process.exit(0));
// Ctrl-C reaches the whole process group: the parent decides (finish the job, or SIGTERM us).
process.on('SIGINT', () => {});
process.on('message', async (message: RunMessage) => {
  if (message?.type !== 'run') return;
  try {
    const record = await runJob(message.config, message.name);
    send({ type: 'done', task: message.task, record });
  } catch (error) {
    send({
      type: 'failed',
      task: message.task,
      error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
      // An OverfitError (bad configuration, non-finite loss) fails the same way every time.
      permanent: error instanceof OverfitError,
    });
  }
});
send({ type: 'ready' });
