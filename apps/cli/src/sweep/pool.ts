import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { TrainConfig } from '../args.js';
import type { ChildMessage, RunMessage } from './child.js';
import type { RunRecord } from './run-job.js';

/** Beside main.js in dist/ (tsup builds it as its own entry). */
export const CHILD_SCRIPT = fileURLToPath(new URL('./sweep-child.js', import.meta.url));

/**
 * Each process trains on one thread: wasm and cpu are single-threaded in Node already;
 * TensorFlow's native backend (tfjs-node) and OpenMP read these, so N processes use N cores
 * instead of N x cores threads fighting over them.
 */
export const ONE_THREAD_ENV = {
  TF_NUM_INTRAOP_THREADS: '1',
  TF_NUM_INTEROP_THREADS: '1',
  OMP_NUM_THREADS: '1',
};

/** A training that did not produce a record. */
export class JobFailure extends Error {
  constructor(
    message: string,
    /** True when trying again cannot help (bad configuration, non-finite loss). */
    readonly permanent: boolean,
  ) {
    super(message);
    this.name = 'JobFailure';
  }
}

interface Task {
  id: number;
  name: string;
  config: TrainConfig;
  resolve: (record: RunRecord) => void;
  reject: (error: JobFailure) => void;
}

interface Slot {
  child: ChildProcess;
  ready: boolean;
  task: Task | null;
}

/**
 * `size` long-lived training processes; `run()` queues a configuration for the next free one.
 * A process that dies mid-training fails its task (retryably) and is replaced on demand.
 */
export class TrainingPool {
  private readonly slots: Slot[] = [];
  private readonly queue: Task[] = [];
  private nextTask = 0;
  private closed = false;

  constructor(
    readonly size: number,
    private readonly options: { script?: string; onSpawn?: (pid: number) => void } = {},
  ) {}

  /** PIDs of the live training processes. */
  pids(): number[] {
    return this.slots
      .map((slot) => slot.child.pid)
      .filter((pid): pid is number => pid !== undefined);
  }

  run(name: string, config: TrainConfig): Promise<RunRecord> {
    if (this.closed) return Promise.reject(new JobFailure('the training pool is closed', false));
    return new Promise((resolve, reject) => {
      this.queue.push({ id: this.nextTask++, name, config, resolve, reject });
      this.dispatch();
    });
  }

  private dispatch(): void {
    for (const slot of this.slots) {
      if (this.queue.length === 0) return;
      if (!slot.ready || slot.task !== null) continue;
      const task = this.queue.shift()!;
      slot.task = task;
      const message: RunMessage = {
        type: 'run',
        task: task.id,
        name: task.name,
        config: task.config,
      };
      slot.child.send(message);
    }
    // Start processes for what is still queued (each calls dispatch once it is ready).
    let starting = this.slots.filter((slot) => !slot.ready).length;
    while (this.queue.length > starting && this.slots.length < this.size) {
      this.spawn();
      starting++;
    }
  }

  private spawn(): void {
    const child = fork(this.options.script ?? CHILD_SCRIPT, [], {
      env: { ...process.env, ...ONE_THREAD_ENV },
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    });
    const slot: Slot = { child, ready: false, task: null };
    this.slots.push(slot);
    if (child.pid !== undefined) this.options.onSpawn?.(child.pid);
    child.on('message', (message: ChildMessage) => {
      if (message.type === 'ready') slot.ready = true;
      else if (slot.task !== null && message.task === slot.task.id) {
        const task = slot.task;
        slot.task = null;
        if (message.type === 'done') task.resolve(message.record as RunRecord);
        else task.reject(new JobFailure(message.error, message.permanent));
      }
      this.dispatch();
    });
    const gone = (why: string) => {
      const index = this.slots.indexOf(slot);
      if (index < 0) return;
      this.slots.splice(index, 1);
      if (slot.task !== null) {
        slot.task.reject(new JobFailure(`training process ${child.pid} ${why}`, false));
        slot.task = null;
      }
      if (!this.closed) this.dispatch();
    };
    child.on('exit', (code, signal) => gone(`exited (${signal ?? `code ${code}`})`));
    child.on('error', (error) => gone(`failed: ${error.message}`));
  }

  /** Stops every process (SIGTERM, then SIGKILL after `graceMs`); queued tasks fail. */
  async close(graceMs = 2000): Promise<void> {
    this.closed = true;
    for (const task of this.queue.splice(0))
      task.reject(new JobFailure('the training pool was closed', false));
    await Promise.all(
      this.slots.map(
        ({ child }) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
            child.once('exit', () => {
              clearTimeout(timer);
              resolve();
            });
            child.kill('SIGTERM');
          }),
      ),
    );
  }
}
