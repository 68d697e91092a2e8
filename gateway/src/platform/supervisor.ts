/**
 * Keeps one service process of `npm start` running: a process that exits while the platform is
 * not stopping is started again after an exponential back-off, so one crashed subgraph (say,
 * killed by its heap limit) is a short partial outage instead of the whole platform going down.
 * A service that keeps crashing before it was ever healthy is given up on, so a broken first
 * start still fails fast. Spawning and time are injected so the policy is unit-tested.
 */

/** The part of a child process the supervisor needs (node's ChildProcess in `npm start`). */
export interface SupervisedChild {
  readonly pid?: number;
  kill(signal: NodeJS.Signals): void;
  /** Called once when the process has exited (or could not be spawned). */
  onExit(listener: (code: number | null, signal: NodeJS.Signals | null) => void): void;
}

export interface SupervisorClock {
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface RestartPolicy {
  /** Delay before the first restart; each further consecutive crash doubles it. */
  initialDelayMs: number;
  maxDelayMs: number;
  /** A process that ran this long before it exited counts as having been healthy: back-off resets. */
  resetAfterMs: number;
  /** Consecutive crashes before the service was ever healthy after which the supervisor gives up. */
  maxStartFailures: number;
}

export const DEFAULT_RESTART_POLICY: RestartPolicy = {
  initialDelayMs: 500,
  maxDelayMs: 30_000,
  resetAfterMs: 60_000,
  maxStartFailures: 5,
};

export interface SupervisorOptions {
  name: string;
  spawn: () => SupervisedChild;
  /** One line per event: start (with pid), exit (with reason and the restart it schedules). */
  log: (line: string) => void;
  /** The service crash-looped before it was ever healthy; the platform should stop. */
  onGiveUp: (reason: string) => void;
  policy?: Partial<RestartPolicy>;
  clock?: SupervisorClock;
}

const systemClock: SupervisorClock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/** Delay before restart number `crashes` of a run of consecutive crashes (1-based). */
export function restartDelayMs(crashes: number, policy: RestartPolicy): number {
  return Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** Math.max(0, crashes - 1));
}

export function exitReason(code: number | null, signal: NodeJS.Signals | null): string {
  return signal ? `signal ${signal}` : `code ${code ?? 'unknown'}`;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

export class Supervisor {
  readonly name: string;
  private readonly options: SupervisorOptions;
  private readonly policy: RestartPolicy;
  private readonly clock: SupervisorClock;
  private child: SupervisedChild | undefined;
  private startedAt = 0;
  private restartTimer: unknown;
  private consecutiveCrashes = 0;
  private everHealthy = false;
  private stopped = false;
  private exited: Promise<void> = Promise.resolve();
  /** Restarts since the platform started. */
  restarts = 0;

  constructor(options: SupervisorOptions) {
    this.name = options.name;
    this.options = options;
    this.policy = { ...DEFAULT_RESTART_POLICY, ...options.policy };
    this.clock = options.clock ?? systemClock;
  }

  /** The pid of the running process, if any. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  get running(): boolean {
    return this.child !== undefined;
  }

  start(): void {
    if (this.stopped || this.child) return;
    const child = this.options.spawn();
    this.child = child;
    this.startedAt = this.clock.now();
    this.options.log(
      `${this.name} started (pid ${child.pid ?? 'unknown'}${this.restarts > 0 ? `, restart ${this.restarts}` : ''})`,
    );
    this.exited = new Promise((resolve) =>
      child.onExit((code, signal) => {
        this.child = undefined;
        this.handleExit(code, signal);
        resolve();
      }),
    );
  }

  /** The service answered its health check: from now on it is restarted however often it crashes. */
  markHealthy(): void {
    this.everHealthy = true;
  }

  /** Stops supervising: no restart from now on; signals the process and resolves once it exited. */
  stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    this.stopped = true;
    if (this.restartTimer !== undefined) this.clock.clearTimeout(this.restartTimer);
    this.restartTimer = undefined;
    this.child?.kill(signal);
    return this.exited;
  }

  /** Signals the running process without stopping supervision (SIGKILL after a stop that hangs). */
  kill(signal: NodeJS.Signals): void {
    this.child?.kill(signal);
  }

  private handleExit(code: number | null, signal: NodeJS.Signals | null): void {
    if (this.stopped) return;
    const ranMs = this.clock.now() - this.startedAt;
    if (ranMs >= this.policy.resetAfterMs) this.consecutiveCrashes = 0;
    this.consecutiveCrashes++;
    const reason = exitReason(code, signal);
    if (!this.everHealthy && this.consecutiveCrashes >= this.policy.maxStartFailures) {
      this.stopped = true;
      this.options.onGiveUp(
        `${this.name} exited ${this.consecutiveCrashes} times before it ever became healthy (last: ${reason})`,
      );
      return;
    }
    const delay = restartDelayMs(this.consecutiveCrashes, this.policy);
    this.restarts++;
    this.options.log(
      `${this.name} exited (${reason}) after ${seconds(ranMs)}; restart ${this.restarts} in ${seconds(delay)}`,
    );
    this.restartTimer = this.clock.setTimeout(() => {
      this.restartTimer = undefined;
      this.start();
    }, delay);
  }
}
