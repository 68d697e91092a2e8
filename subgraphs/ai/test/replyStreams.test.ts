import Redis from 'ioredis';
import { MemoryCache, MemoryPubSub, RedisCache, RedisPubSub } from '@learncraft/kit';
import { TEST_REDIS_URL } from '@learncraft/kit/testing';
import { ReplyStreams, type FollowEvent } from '../src/services/replyStreams';

const PREFIX = `lc-test-replies-${process.pid}-${Date.now()}:`;

async function collect(events: AsyncIterableIterator<FollowEvent>): Promise<FollowEvent[]> {
  const seen: FollowEvent[] = [];
  for await (const event of events) seen.push(event);
  return seen;
}

afterAll(async () => {
  const redis = new Redis(TEST_REDIS_URL);
  const keys = await redis.keys(`${PREFIX}*`);
  if (keys.length > 0) await redis.del(...keys);
  await redis.quit();
});

const never = { isFinished: async () => false, onStall: async () => undefined, stallMs: 10_000 };

describe.each([
  ['memory', () => ({ pubsub: new MemoryPubSub(), cache: new MemoryCache() })],
  [
    'redis',
    () => ({
      pubsub: new RedisPubSub(TEST_REDIS_URL, PREFIX),
      cache: new RedisCache(TEST_REDIS_URL, PREFIX),
    }),
  ],
])('reply streams over %s', (_name, create) => {
  let deps: ReturnType<typeof create>;
  let streams: ReplyStreams;
  let n = 0;
  const id = () => `message-${(n += 1)}`;
  beforeEach(() => {
    deps = create();
    streams = new ReplyStreams(deps);
  });
  afterEach(async () => {
    await deps.pubsub.close();
    await deps.cache.close();
  });

  it('gives a follower who arrives mid-reply the text so far at once, then the rest, each delta once', async () => {
    const messageId = id();
    const writer = streams.writer(messageId);
    await writer.delta('A Pod ');
    await writer.delta('is the ');
    const follower = await streams.follow(messageId, never);
    const seen = collect(follower);
    await writer.delta('smallest unit.');
    await writer.done();
    expect(await seen).toEqual([{ delta: 'A Pod is the ' }, { delta: 'smallest unit.' }, { done: true }]);
  });

  it('gives a follower of a finished reply only its end', async () => {
    const messageId = id();
    const writer = streams.writer(messageId);
    await writer.delta('Done.');
    await writer.done();
    const late = await streams.follow(messageId, never);
    expect(await collect(late)).toEqual([{ delta: 'Done.' }, { done: true }]);
    const stored = await streams.follow(messageId, { ...never, isFinished: async () => true });
    expect(await collect(stored)).toEqual([{ done: true }]);
  });

  it('gives up on a reply whose writer went silent, so no stream waits forever', async () => {
    const messageId = id();
    await streams.writer(messageId).delta('Half a');
    let stalled = 0;
    const follower = await streams.follow(messageId, {
      isFinished: async () => false,
      onStall: async () => {
        stalled += 1;
      },
      stallMs: 200,
    });
    expect(await collect(follower)).toEqual([{ delta: 'Half a' }, { done: true }]);
    expect(stalled).toBe(1);
  });

  it('stops following when the client unsubscribes', async () => {
    const messageId = id();
    const follower = await streams.follow(messageId, never);
    const pending = follower.next();
    await follower.return!();
    expect(await pending).toEqual({ value: undefined, done: true });
    expect(deps.pubsub.subscriberCount(`ai:reply:${messageId}`)).toBe(0);
  });
});
