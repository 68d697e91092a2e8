/**
 * A background job that drains a queue (an outbox) in rounds: when kicked (after a commit that
 * wrote work), on a timer, and at start, so work a process left behind goes out from the next
 * one. One round runs at a time; a kick during a round asks for another right after it. A failed
 * round (or one that throws) backs off, doubling from `retryBaseMs` up to `retryMaxMs`, and kicks
 * are ignored until then; a round that succeeds resets the back-off.
 */
import type { Logger } from './logger';

/** One round: `more` when a full batch went out (run again), `done`, or `failed` (back off). */
export type DrainRound = () => Promise<'more' | 'done' | 'failed'>;

export interface DrainLoopOptions {
  /** For the log line of a round that throws, e.g. `outbox relay`. */
  name: string;
  logger: Logger;
  /** How often a round runs without a kick (default 1 s). */
  intervalMs?: number;
  retryBaseMs?: number;
  retryMaxMs?: number;
}

export class DrainLoop {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | null = null;
  private again = false;
  private failures = 0;
  private retryAt = 0;
  private stopped = true;

  constructor(
    private readonly round: DrainRound,
    private readonly options: DrainLoopOptions,
  ) {}

  /** True before `start` and after `stop`: a round in progress should hand its work back. */
  get isStopped(): boolean {
    return this.stopped;
  }

  start(): void {
    this.stopped = false;
    this.timer = setInterval(() => this.kick(), this.options.intervalMs ?? 1_000);
    this.timer.unref();
    this.kick();
  }

  /** Runs a round now, unless stopped or backing off after a failure. */
  kick(): void {
    if (this.stopped || Date.now() < this.retryAt) return;
    void this.drain();
  }

  /**
   * Runs rounds until one is `done` or `failed` (one round only while stopped); resolves when
   * they are over. Called during a round, it asks for another after it.
   */
  drain(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = this.run().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.running;
  }

  /** The back-off after `attempt` consecutive failures (1 for the first). */
  delay(attempt: number): number {
    const base = this.options.retryBaseMs ?? 500;
    return Math.min(this.options.retryMaxMs ?? 60_000, base * 2 ** Math.max(0, attempt - 1));
  }

  private async run(): Promise<void> {
    do {
      this.again = false;
      let outcome: 'more' | 'done' | 'failed';
      try {
        outcome = await this.round();
      } catch (error) {
        this.options.logger.error(`${this.options.name} failed`, { error });
        outcome = 'failed';
      }
      if (outcome === 'failed') {
        this.failures += 1;
        this.retryAt = Date.now() + this.delay(this.failures);
        return;
      }
      this.failures = 0;
      this.retryAt = 0;
      if (outcome === 'more') this.again = true;
    } while (this.again && !this.stopped && Date.now() >= this.retryAt);
  }
}
