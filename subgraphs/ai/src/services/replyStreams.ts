/**
 * How a reply's text travels from the process writing it to every subscriber, on any replica:
 * each delta is appended to a short-lived backlog (kit Cache: Redis or memory) and published on
 * the reply's topic (kit PubSub), both numbered. A subscriber subscribes first, then reads the
 * backlog, so it neither misses the deltas written before it arrived nor sees one twice.
 */
import type { Cache, PubSub, Subscription } from '@learncraft/kit';

export type ReplyStreamEvent = { seq: number; delta: string } | { seq: number; done: true };

/** What a follower yields: text in order, then the end. */
export type FollowEvent = { delta: string } | { done: true };

export const replyTopic = (messageId: string) => `ai:reply:${messageId}`;
const backlogKey = (messageId: string) => `ai:reply-backlog:${messageId}`;

/** A reply longer than this many deltas cannot be replayed whole (the final event still carries it). */
const MAX_BACKLOG = 20_000;

export interface ReplyWriter {
  delta(text: string): Promise<void>;
  done(): Promise<void>;
}

export interface FollowOptions {
  /** Whether the reply has already finished (read from the store). */
  isFinished(): Promise<boolean>;
  /**
   * Called when nothing arrived for `stallMs` and the reply is still unfinished: its writer died.
   * The follower then ends as if the reply had finished (the caller marks it failed).
   */
  onStall(): Promise<void>;
  stallMs: number;
}

export class ReplyStreams {
  constructor(private readonly deps: { pubsub: PubSub; cache: Cache; backlogTtlSeconds?: number }) {}

  private get ttl() {
    return this.deps.backlogTtlSeconds ?? 3_600;
  }

  writer(messageId: string): ReplyWriter {
    let seq = 0;
    const emit = async (event: ReplyStreamEvent) => {
      await this.deps.cache.append(backlogKey(messageId), JSON.stringify(event), this.ttl, MAX_BACKLOG);
      await this.deps.pubsub.publish(replyTopic(messageId), event);
    };
    return {
      delta: (text) => emit({ seq: (seq += 1), delta: text }),
      done: () => emit({ seq: (seq += 1), done: true }),
    };
  }

  /** The reply's text from its start, then live, ending after its final event. */
  async follow(messageId: string, options: FollowOptions): Promise<AsyncIterableIterator<FollowEvent>> {
    const source = await this.deps.pubsub.subscribe<ReplyStreamEvent>(replyTopic(messageId), {
      queueLimit: MAX_BACKLOG,
    });
    const queue: FollowEvent[] = [];
    let lastSeq = 0;
    let ended = false;
    try {
      if (await options.isFinished()) {
        queue.push({ done: true });
        ended = true;
      } else {
        const backlog = (await this.deps.cache.list(backlogKey(messageId))).map(
          (raw) => JSON.parse(raw) as ReplyStreamEvent,
        );
        const text = backlog.flatMap((event) => ('delta' in event ? [event.delta] : [])).join('');
        lastSeq = backlog.reduce((max, event) => Math.max(max, event.seq), 0);
        if (text) queue.push({ delta: text });
        if (backlog.some((event) => 'done' in event)) {
          queue.push({ done: true });
          ended = true;
        }
      }
    } catch (error) {
      await source.return?.();
      throw error;
    }
    if (ended) await source.return?.();
    return followIterator(source, queue, lastSeq, ended, options);
  }
}

function followIterator(
  source: Subscription<ReplyStreamEvent>,
  queue: FollowEvent[],
  startSeq: number,
  startEnded: boolean,
  options: FollowOptions,
): AsyncIterableIterator<FollowEvent> {
  let lastSeq = startSeq;
  let ended = startEnded;
  let pending: Promise<IteratorResult<ReplyStreamEvent>> | null = null;
  const finish = async (): Promise<IteratorResult<FollowEvent>> => {
    ended = true;
    await source.return?.();
    return { value: { done: true }, done: false };
  };
  const iterator: AsyncIterableIterator<FollowEvent> = {
    async next(): Promise<IteratorResult<FollowEvent>> {
      const queued = queue.shift();
      if (queued) return { value: queued, done: false };
      if (ended) return { value: undefined, done: true };
      for (;;) {
        pending ??= source.next();
        let timer: NodeJS.Timeout | undefined;
        const stalled = new Promise<'stalled'>((resolve) => {
          timer = setTimeout(() => resolve('stalled'), options.stallMs);
        });
        const result = await Promise.race([pending, stalled]).finally(() => clearTimeout(timer));
        if (result === 'stalled') {
          if (!(await options.isFinished())) await options.onStall();
          return finish();
        }
        pending = null;
        if (result.done) {
          ended = true;
          return { value: undefined, done: true };
        }
        const event = result.value;
        if (event.seq <= lastSeq) continue;
        lastSeq = event.seq;
        if ('done' in event) return finish();
        return { value: { delta: event.delta }, done: false };
      }
    },
    async return(): Promise<IteratorResult<FollowEvent>> {
      ended = true;
      queue.length = 0;
      await source.return?.();
      return { value: undefined, done: true };
    },
    [Symbol.asyncIterator]: () => iterator,
  };
  return iterator;
}
