/**
 * The outbox: progress a learner makes (video positions, completions, quiz answers) is written to
 * the device before it is sent, and leaves the device only once the server has answered it — with
 * data or with userErrors: the server decides, the answer is recorded. Without an answer (no
 * network, the gateway down, the session expired) the action stays queued and is sent again
 * later, in the order it was made, one at a time. A quiz submission carries an idempotency key
 * fixed when it is queued, so a response lost on the way back and the resend that follows make
 * exactly one attempt on the server. Heartbeats of one lesson coalesce to the furthest position,
 * which is all the server keeps.
 *
 * Pure logic: storage and delivery are injected (AsyncStorage and the Apollo client in the app,
 * a map and a local HTTP server in tests).
 */
import type { QuizAnswerInput } from '@learncraft/operations/types';
import type { FailureKind } from './errors';

export type OutboxAction =
  | { kind: 'videoProgress'; lessonId: string; positionSeconds: number }
  | { kind: 'lessonComplete'; lessonId: string }
  | { kind: 'quizSubmit'; lessonId: string; answers: QuizAnswerInput[] };

interface QueuedFields {
  /** The outbox's id of the action. */
  id: string;
  /** When the learner did it (ISO-8601). */
  queuedAt: string;
  /**
   * The signed-in learner who did it (null: not known). Sent only while that learner is signed
   * in, so one learner's progress is never recorded on the account of the next one on the phone.
   */
  ownerId: string | null;
}

export type QueuedAction = QueuedFields &
  (
    | { kind: 'videoProgress'; lessonId: string; positionSeconds: number }
    | { kind: 'lessonComplete'; lessonId: string }
    | { kind: 'quizSubmit'; lessonId: string; answers: QuizAnswerInput[]; idempotencyKey: string }
  );

/** What the server answered to an action: its mutation payload (userErrors included). */
export type Delivery<Result> =
  { ok: true; result: Result } | { ok: false; failure: FailureKind; message: string };

export type OutboxOutcome<Result = unknown> =
  | { status: 'sent'; result: Result }
  | { status: 'queued' }
  /** The server refused it outright (a GraphQL error that resending cannot change); not kept. */
  | { status: 'refused'; message: string };

/** A quiz's submission as the outbox knows it: waiting to be sent, or the server's answer. */
export type QuizOutcome<Result = unknown> =
  | { status: 'pending'; queuedAt: string }
  | { status: 'sent'; result: Result; queuedAt: string }
  | { status: 'refused'; message: string; queuedAt: string };

/** AsyncStorage's shape (its subset the outbox uses). */
export interface KeyValueStorage {
  getItem(key: string): Promise<string | null>;
  setItem(key: string, value: string): Promise<void>;
  removeItem(key: string): Promise<void>;
}

export interface OutboxOptions<Result> {
  storage: KeyValueStorage;
  deliver: (action: QueuedAction) => Promise<Delivery<Result>>;
  /** The storage key (one outbox per app). */
  key?: string;
  newId?: () => string;
  now?: () => Date;
  /** The learner signed in now (their user id), or null. */
  owner?: () => string | null;
  /** Told when a write to storage fails: the action is still kept in memory and sent. */
  onStorageError?: (error: unknown) => void;
}

interface Stored<Result> {
  version: 1;
  queue: QueuedAction[];
  quizOutcomes: Record<string, QuizOutcome<Result>>;
}

export const OUTBOX_STORAGE_KEY = 'learncraft:outbox';

/** Why a flush stopped before the queue was empty, or null when it emptied it. */
export type FlushStop = Exclude<FailureKind, 'refused'> | null;

export class Outbox<Result = unknown> {
  private queue: QueuedAction[] = [];
  private quizOutcomes: Record<string, QuizOutcome<Result>> = {};
  /** Answers kept for the `send` calls still waiting on them (coalesced heartbeats share one). */
  private readonly answers = new Map<string, OutboxOutcome<Result>>();
  private readonly waiting = new Map<string, number>();
  private readonly listeners = new Set<() => void>();
  private readonly options: Required<Omit<OutboxOptions<Result>, 'onStorageError'>> &
    Pick<OutboxOptions<Result>, 'onStorageError'>;
  private loaded: Promise<void>;
  private running: Promise<FlushStop> | null = null;
  private rerun = false;
  private inFlight: string | null = null;
  private writes: Promise<void> = Promise.resolve();
  private lastStop: FlushStop = null;

  constructor(options: OutboxOptions<Result>) {
    this.options = {
      key: OUTBOX_STORAGE_KEY,
      newId: randomId,
      owner: () => null,
      now: () => new Date(),
      ...options,
    };
    this.loaded = this.load();
  }

  /** Resolves once the actions stored by an earlier run of the app are back in the queue. */
  ready(): Promise<void> {
    return this.loaded;
  }

  get pending(): readonly QueuedAction[] {
    return this.queue;
  }

  /** Why the last flush left actions queued (network, unauthenticated, unavailable), or null. */
  get stoppedBy(): FlushStop {
    return this.lastStop;
  }

  /** The signed-in learner's quiz outcome for the lesson (another learner's is not theirs to see). */
  quizOutcome(lessonId: string): QuizOutcome<Result> | null {
    return this.quizOutcomes[outcomeKey(this.options.owner(), lessonId)] ?? null;
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Queues the action (stored before anything is sent), then sends the queue in order. `sent`
   * when the server answered this action during that flush, `queued` when it is kept for later.
   */
  async send(action: OutboxAction): Promise<OutboxOutcome<Result>> {
    await this.loaded;
    const id = this.enqueue(action);
    this.waiting.set(id, (this.waiting.get(id) ?? 0) + 1);
    try {
      await this.persist();
      await this.flush();
      return this.answers.get(id) ?? { status: 'queued' };
    } finally {
      const left = (this.waiting.get(id) ?? 1) - 1;
      if (left > 0) this.waiting.set(id, left);
      else {
        this.waiting.delete(id);
        this.answers.delete(id);
      }
    }
  }

  /** Sends what is queued, oldest first, one at a time, until the queue is empty or a send fails. */
  async flush(): Promise<FlushStop> {
    await this.loaded;
    if (this.running) {
      // Whatever was queued after the running pass started is sent by one more pass.
      this.rerun = true;
      return this.running;
    }
    this.running = this.drain().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async drain(): Promise<FlushStop> {
    let stop: FlushStop = null;
    // A flush asked for while a pass runs (the connection came back while a send was failing)
    // gets a pass of its own, even after a failed one; only such requests make the loop go on.
    do {
      this.rerun = false;
      stop = await this.drainOnce();
    } while (this.rerun);
    this.lastStop = stop;
    this.emit();
    return stop;
  }

  private async drainOnce(): Promise<FlushStop> {
    for (let next = this.nextSendable(); next; next = this.nextSendable()) {
      this.inFlight = next.id;
      let delivery: Delivery<Result>;
      try {
        delivery = await this.options.deliver(next);
      } catch (error) {
        delivery = {
          ok: false,
          failure: 'network',
          message: error instanceof Error ? error.message : String(error),
        };
      } finally {
        this.inFlight = null;
      }
      if (!delivery.ok && delivery.failure !== 'refused') return delivery.failure;
      const outcome: OutboxOutcome<Result> = delivery.ok
        ? { status: 'sent', result: delivery.result }
        : { status: 'refused', message: delivery.message };
      this.settle(next, outcome);
      await this.persist();
    }
    return null;
  }

  /** The oldest action the signed-in learner may send: theirs, or one whose learner is not known. */
  private nextSendable(): QueuedAction | undefined {
    return pendingFor(this.queue, this.options.owner())[0];
  }

  private enqueue(action: OutboxAction): string {
    const queuedAt = this.options.now().toISOString();
    const ownerId = this.options.owner();
    if (action.kind === 'videoProgress') {
      // The server keeps only the furthest position: one waiting heartbeat per lesson says it all.
      const waiting = this.queue.find(
        (item) =>
          item.kind === 'videoProgress' &&
          item.lessonId === action.lessonId &&
          item.ownerId === ownerId &&
          item.id !== this.inFlight,
      );
      if (waiting && waiting.kind === 'videoProgress') {
        const furthest = {
          ...waiting,
          positionSeconds: Math.max(waiting.positionSeconds, action.positionSeconds),
        };
        this.queue = this.queue.map((item) => (item.id === waiting.id ? furthest : item));
        this.emit();
        return waiting.id;
      }
    }
    const id = this.options.newId();
    const queued: QueuedAction =
      action.kind === 'quizSubmit'
        ? { ...action, id, queuedAt, ownerId, idempotencyKey: this.options.newId() }
        : { ...action, id, queuedAt, ownerId };
    this.queue = [...this.queue, queued];
    if (queued.kind === 'quizSubmit')
      this.quizOutcomes[outcomeKey(ownerId, queued.lessonId)] = { status: 'pending', queuedAt };
    this.emit();
    return id;
  }

  private settle(item: QueuedAction, outcome: OutboxOutcome<Result>) {
    this.queue = this.queue.filter((queued) => queued.id !== item.id);
    if (this.waiting.has(item.id)) this.answers.set(item.id, outcome);
    if (item.kind === 'quizSubmit' && outcome.status !== 'queued') {
      this.quizOutcomes[outcomeKey(item.ownerId ?? null, item.lessonId)] =
        outcome.status === 'sent'
          ? { status: 'sent', result: outcome.result, queuedAt: item.queuedAt }
          : { status: 'refused', message: outcome.message, queuedAt: item.queuedAt };
    }
    this.emit();
  }

  /** Forgets a quiz's recorded answer (the learner has seen it and starts again). */
  async clearQuizOutcome(lessonId: string): Promise<void> {
    const key = outcomeKey(this.options.owner(), lessonId);
    if (this.quizOutcomes[key]?.status === 'pending') return;
    delete this.quizOutcomes[key];
    this.emit();
    await this.persist();
  }

  private async load(): Promise<void> {
    let raw: string | null = null;
    try {
      raw = await this.options.storage.getItem(this.options.key);
    } catch (error) {
      this.options.onStorageError?.(error);
    }
    const stored = parseStored<Result>(raw);
    if (!stored) return;
    this.queue = [...stored.queue, ...this.queue];
    this.quizOutcomes = { ...stored.quizOutcomes, ...this.quizOutcomes };
    this.emit();
  }

  /** Writes run one after another, each with the state as it is when it runs. */
  private persist(): Promise<void> {
    this.writes = this.writes.then(async () => {
      const stored: Stored<Result> = { version: 1, queue: this.queue, quizOutcomes: this.quizOutcomes };
      try {
        await this.options.storage.setItem(this.options.key, JSON.stringify(stored));
      } catch (error) {
        this.options.onStorageError?.(error);
      }
    });
    return this.writes;
  }

  private emit() {
    this.listeners.forEach((listener) => listener());
  }
}

/**
 * Quiz outcomes are kept per learner and lesson; one made with nobody known (an older queue) is
 * under the lesson id alone.
 */
function outcomeKey(ownerId: string | null, lessonId: string): string {
  return ownerId ? `${ownerId}:${lessonId}` : lessonId;
}

/** What the learner may see of the queue: their actions, and those whose learner is not known. */
export function pendingFor(queue: readonly QueuedAction[], ownerId: string | null): readonly QueuedAction[] {
  return queue.filter((item) => (item.ownerId ?? null) === null || item.ownerId === ownerId);
}

function parseStored<Result>(raw: string | null): Stored<Result> | null {
  if (!raw) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    // A corrupt record cannot be sent; starting empty beats crashing on every launch.
    return null;
  }
  if (typeof parsed !== 'object' || parsed === null || !('queue' in parsed) || !Array.isArray(parsed.queue))
    return null;
  const outcomes =
    'quizOutcomes' in parsed && typeof parsed.quizOutcomes === 'object' ? parsed.quizOutcomes : null;
  return {
    version: 1,
    queue: parsed.queue.filter(isQueuedAction),
    quizOutcomes: Object.fromEntries(
      Object.entries(outcomes ?? {}).filter((entry): entry is [string, QuizOutcome<Result>] =>
        isQuizOutcome(entry[1]),
      ),
    ),
  };
}

function isQueuedAction(value: unknown): value is QueuedAction {
  if (typeof value !== 'object' || value === null) return false;
  const kind = 'kind' in value ? value.kind : null;
  return (
    'id' in value &&
    'lessonId' in value &&
    (kind === 'videoProgress' ||
      kind === 'lessonComplete' ||
      (kind === 'quizSubmit' && 'idempotencyKey' in value))
  );
}

function isQuizOutcome(value: unknown): boolean {
  return typeof value === 'object' && value !== null && 'status' in value && typeof value.status === 'string';
}

/** A random UUID v4 (Hermes has no crypto.randomUUID); keys only need to be unique per learner. */
export function randomId(): string {
  const hex = Array.from({ length: 32 }, () => Math.floor(Math.random() * 16).toString(16));
  hex[12] = '4';
  hex[16] = ((parseInt(hex[16] ?? '0', 16) & 0x3) | 0x8).toString(16);
  const s = hex.join('');
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
}
