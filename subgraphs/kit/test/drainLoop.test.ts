import { createLogger, DrainLoop, type DrainRound } from '../src';

const logger = createLogger('drain-test', 'silent');

/** A loop over scripted round outcomes, counting the rounds that ran. */
function scripted(outcomes: ('more' | 'done' | 'failed' | Error)[], retryBaseMs = 60_000) {
  let rounds = 0;
  const round: DrainRound = () => {
    const outcome = outcomes[rounds] ?? 'done';
    rounds += 1;
    return outcome instanceof Error ? Promise.reject(outcome) : Promise.resolve(outcome);
  };
  const loop = new DrainLoop(round, { name: 'test relay', logger, intervalMs: 60_000, retryBaseMs });
  return { loop, rounds: () => rounds };
}

describe('DrainLoop', () => {
  it('runs rounds while they report a full batch, and stops at the first that is done', async () => {
    const { loop, rounds } = scripted(['more', 'more', 'done', 'more']);
    loop.start();
    await loop.drain();
    expect(rounds()).toBe(3);
    await loop.stop();
  });

  it('a kick during a round asks for one more round right after it', async () => {
    let release!: () => void;
    let rounds = 0;
    const loop = new DrainLoop(
      () => {
        rounds += 1;
        return rounds === 1
          ? new Promise((resolve) => (release = () => resolve('done')))
          : Promise.resolve('done');
      },
      { name: 'test relay', logger, intervalMs: 60_000 },
    );
    loop.start(); // the first round, at once
    const again = loop.drain(); // while it runs
    release();
    await again;
    expect(rounds).toBe(2);
    await loop.stop();
  });

  it('after a failed round, kicks are ignored until the back-off has passed', async () => {
    const { loop, rounds } = scripted(['failed', 'done']);
    loop.start(); // the first round, at once
    await loop.drain();
    const afterFailure = rounds();
    loop.kick();
    loop.kick();
    await loop.stop();
    expect([afterFailure, rounds()]).toEqual([1, 1]);
  });

  it('a round that throws counts as failed (logged), and a later success resets the back-off', async () => {
    const { loop, rounds } = scripted([new Error('bus down'), 'done', 'done']);
    loop.start();
    await loop.drain(); // the first round threw: backing off for a minute
    loop.kick();
    expect(rounds()).toBe(1);
    await loop.drain(); // run on purpose: it succeeds, and kicks count again
    loop.kick();
    expect(rounds()).toBe(3);
    await loop.stop();
  });

  it('doubles the back-off per consecutive failure up to the cap', () => {
    const loop = new DrainLoop(() => Promise.resolve('done'), {
      name: 'test relay',
      logger,
      retryBaseMs: 500,
      retryMaxMs: 3_000,
    });
    expect([1, 2, 3, 4, 5].map((attempt) => loop.delay(attempt))).toEqual([500, 1_000, 2_000, 3_000, 3_000]);
  });

  it('stop waits for the round in progress and reports the loop stopped', async () => {
    let finished = false;
    const loop = new DrainLoop(
      async () => {
        await new Promise((resolve) => setTimeout(resolve, 20));
        finished = true;
        return 'done';
      },
      { name: 'test relay', logger, intervalMs: 60_000 },
    );
    loop.start();
    expect(loop.isStopped).toBe(false);
    await loop.stop();
    expect([finished, loop.isStopped]).toEqual([true, true]);
  });
});
