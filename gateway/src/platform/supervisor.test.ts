import {
  DEFAULT_RESTART_POLICY,
  Supervisor,
  restartDelayMs,
  type SupervisedChild,
  type SupervisorClock,
} from './supervisor';

/** A clock whose timers fire only when the test advances it. */
class FakeClock implements SupervisorClock {
  time = 0;
  private timers: { at: number; callback: () => void; id: number }[] = [];
  private nextId = 1;
  now = () => this.time;
  setTimeout = (callback: () => void, ms: number) => {
    const id = this.nextId++;
    this.timers.push({ at: this.time + ms, callback, id });
    return id;
  };
  clearTimeout = (handle: unknown) => {
    this.timers = this.timers.filter((timer) => timer.id !== handle);
  };
  get pending(): number {
    return this.timers.length;
  }
  advance(ms: number): void {
    this.time += ms;
    for (const timer of this.timers.filter((t) => t.at <= this.time)) {
      this.timers = this.timers.filter((t) => t !== timer);
      timer.callback();
    }
  }
}

class FakeChild implements SupervisedChild {
  readonly signals: NodeJS.Signals[] = [];
  private listener?: (code: number | null, signal: NodeJS.Signals | null) => void;
  constructor(readonly pid: number) {}
  kill(signal: NodeJS.Signals): void {
    this.signals.push(signal);
  }
  onExit(listener: (code: number | null, signal: NodeJS.Signals | null) => void): void {
    this.listener = listener;
  }
  exit(code: number | null, signal: NodeJS.Signals | null = null): void {
    this.listener?.(code, signal);
  }
}

function setup(policy = {}) {
  const clock = new FakeClock();
  const children: FakeChild[] = [];
  const lines: string[] = [];
  const gaveUp: string[] = [];
  const supervisor = new Supervisor({
    name: 'catalog',
    spawn: () => {
      const child = new FakeChild(100 + children.length);
      children.push(child);
      return child;
    },
    log: (line) => lines.push(line),
    onGiveUp: (reason) => gaveUp.push(reason),
    policy,
    clock,
  });
  const last = () => children[children.length - 1] as FakeChild;
  return { clock, children, lines, gaveUp, supervisor, last };
}

describe('restartDelayMs', () => {
  it('doubles from 0.5 s and stays at 30 s', () => {
    const delays = [1, 2, 3, 4, 5, 6, 7, 8, 9].map((n) => restartDelayMs(n, DEFAULT_RESTART_POLICY));
    expect(delays).toEqual([500, 1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000]);
  });
});

describe('Supervisor', () => {
  it('restarts a crashed healthy service after the back-off and logs the reason and restart count', () => {
    const { clock, children, lines, supervisor, last } = setup();
    supervisor.start();
    supervisor.markHealthy();
    clock.advance(5_000);
    last().exit(null, 'SIGKILL');
    expect(supervisor.running).toBe(false);
    clock.advance(499);
    expect(children).toHaveLength(1);
    clock.advance(1);
    expect(children).toHaveLength(2);
    expect(supervisor.pid).toBe(101);
    expect(lines).toEqual([
      'catalog started (pid 100)',
      'catalog exited (signal SIGKILL) after 5.0 s; restart 1 in 0.5 s',
      'catalog started (pid 101, restart 1)',
    ]);
  });

  it('doubles the delay for each consecutive crash up to 30 s', () => {
    const { clock, children, lines, supervisor, last } = setup();
    supervisor.start();
    supervisor.markHealthy();
    const delays: string[] = [];
    for (let i = 0; i < 8; i++) {
      last().exit(1);
      delays.push(lines.at(-1)?.replace(/.* in /, '') ?? '');
      clock.advance(30_000);
    }
    expect(delays).toEqual(['0.5 s', '1.0 s', '2.0 s', '4.0 s', '8.0 s', '16.0 s', '30.0 s', '30.0 s']);
    expect(children).toHaveLength(9);
    expect(supervisor.restarts).toBe(8);
  });

  it('resets the back-off once a process has run for a minute', () => {
    const { clock, lines, supervisor, last } = setup();
    supervisor.start();
    supervisor.markHealthy();
    for (let i = 0; i < 3; i++) {
      last().exit(1);
      clock.advance(30_000);
    }
    expect(lines.at(-2)).toBe('catalog exited (code 1) after 0.0 s; restart 3 in 2.0 s');
    clock.advance(60_000);
    last().exit(137);
    expect(lines.at(-1)).toBe('catalog exited (code 137) after 60.0 s; restart 4 in 0.5 s');
  });

  it('gives up on a service that crashes 5 times before it was ever healthy', () => {
    const { clock, children, gaveUp, supervisor, last } = setup();
    supervisor.start();
    for (let i = 0; i < 5; i++) {
      last().exit(1);
      clock.advance(30_000);
    }
    expect(children).toHaveLength(5);
    expect(gaveUp).toEqual(['catalog exited 5 times before it ever became healthy (last: code 1)']);
    expect(clock.pending).toBe(0);
  });

  it('keeps restarting a service that was healthy once, however often it crashes', () => {
    const { clock, children, gaveUp, supervisor, last } = setup();
    supervisor.start();
    supervisor.markHealthy();
    for (let i = 0; i < 10; i++) {
      last().exit(1);
      clock.advance(30_000);
    }
    expect(children).toHaveLength(11);
    expect(gaveUp).toEqual([]);
  });

  it('does not restart after stop, even when the exit comes later', async () => {
    const { clock, children, lines, supervisor, last } = setup();
    supervisor.start();
    supervisor.markHealthy();
    const stopped = supervisor.stop();
    expect(last().signals).toEqual(['SIGTERM']);
    last().exit(0);
    await stopped;
    clock.advance(60_000);
    expect(children).toHaveLength(1);
    expect(lines).toEqual(['catalog started (pid 100)']);
  });

  it('cancels a pending restart when stopped during the back-off', async () => {
    const { clock, children, supervisor, last } = setup();
    supervisor.start();
    supervisor.markHealthy();
    last().exit(null, 'SIGSEGV');
    await supervisor.stop();
    clock.advance(60_000);
    expect(children).toHaveLength(1);
    expect(clock.pending).toBe(0);
  });
});
