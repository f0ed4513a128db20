/** Exit codes of a process ended by a signal: 128 + its number. */
export const SIGNAL_EXIT_CODES = { SIGINT: 130, SIGTERM: 143 } as const;
export type StopSignal = keyof typeof SIGNAL_EXIT_CODES;

/**
 * SIGINT / SIGTERM as an AbortSignal: the first one aborts (the Trainer stops before its next
 * batch and the command writes what it has), a second one exits at once.
 */
export class Interrupts {
  private readonly controller = new AbortController();
  private received: StopSignal | undefined;
  private readonly handlers = new Map<StopSignal, () => void>();

  constructor(private readonly exit: (code: number) => never = (code) => process.exit(code)) {}

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** The first signal received, if any. */
  get signalName(): StopSignal | undefined {
    return this.received;
  }

  get exitCode(): number | undefined {
    return this.received === undefined ? undefined : SIGNAL_EXIT_CODES[this.received];
  }

  install(): this {
    for (const name of Object.keys(SIGNAL_EXIT_CODES) as StopSignal[]) {
      const handler = () => this.receive(name);
      this.handlers.set(name, handler);
      process.on(name, handler);
    }
    return this;
  }

  receive(name: StopSignal): void {
    if (this.received !== undefined) this.exit(SIGNAL_EXIT_CODES[name]);
    this.received = name;
    this.controller.abort(new Error(`interrupted (${name})`));
  }

  dispose(): void {
    for (const [name, handler] of this.handlers) process.off(name, handler);
    this.handlers.clear();
  }
}
