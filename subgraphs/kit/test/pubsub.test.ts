import { MemoryPubSub, RedisPubSub, type PubSub } from '../src/pubsub';
import { TEST_REDIS_URL } from '../src/testing';

const REDIS_PREFIX = `lc-test-${process.pid}-${Date.now()}:`;

const adapters: [string, () => PubSub][] = [
  ['memory', () => new MemoryPubSub()],
  // One prefix for the run: two instances must share channels (a prefix per call made them differ
  // whenever the clock ticked between them, which failed the shared-broker test on busy machines).
  ['redis', () => new RedisPubSub(TEST_REDIS_URL, REDIS_PREFIX)],
];

describe.each(adapters)('PubSub contract on %s', (_name, create) => {
  let pubsub: PubSub;
  let other: PubSub;
  beforeEach(() => {
    pubsub = create();
    other = create();
  });
  afterEach(async () => {
    await pubsub.close();
    await other.close();
  });

  it('delivers events in publish order to every subscriber of the topic', async () => {
    const first = await pubsub.subscribe<{ n: number }>('course:1');
    const second = await pubsub.subscribe<{ n: number }>('course:1');
    for (const n of [1, 2, 3]) await pubsub.publish('course:1', { n });
    for (const subscription of [first, second]) {
      const seen = [];
      for (let i = 0; i < 3; i++) seen.push((await subscription.next()).value);
      expect(seen).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
    }
  });

  it('does not deliver events of other topics', async () => {
    const subscription = await pubsub.subscribe<{ n: number }>('course:a');
    await pubsub.publish('course:b', { n: 1 });
    await pubsub.publish('course:a', { n: 2 });
    expect((await subscription.next()).value).toEqual({ n: 2 });
  });

  it('stops delivering once the subscriber returns', async () => {
    const subscription = await pubsub.subscribe<{ n: number }>('course:r');
    await subscription.return?.();
    await pubsub.publish('course:r', { n: 1 });
    expect(await subscription.next()).toEqual({ value: undefined, done: true });
  });

  it('bounds a slow subscriber queue, dropping the oldest and counting them', async () => {
    const subscription = await pubsub.subscribe<{ n: number }>('course:slow', { queueLimit: 2 });
    for (const n of [1, 2, 3, 4]) await pubsub.publish('course:slow', { n });
    await waitFor(() => subscription.dropped === 2);
    expect((await subscription.next()).value).toEqual({ n: 3 });
    expect((await subscription.next()).value).toEqual({ n: 4 });
    expect(subscription.dropped).toBe(2);
  });

  it('reaches subscribers of another instance only through a shared broker', async () => {
    const remote = await other.subscribe<{ n: number }>('course:x');
    await pubsub.publish('course:x', { n: 7 });
    const shared = _name === 'redis';
    // Through Redis the event must arrive (a loaded CI machine may take a while); in memory it must
    // not, which a short wait shows.
    const result = await Promise.race([
      remote.next(),
      sleep(shared ? 5_000 : 300).then(() => 'timeout' as const),
    ]);
    expect(result === 'timeout' ? 'not delivered' : (result as IteratorResult<{ n: number }>).value).toEqual(
      shared ? { n: 7 } : 'not delivered',
    );
  });
});

function sleep(ms: number) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function waitFor(condition: () => boolean, timeoutMs = 2_000) {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error('condition not met in time');
    await sleep(10);
  }
}
