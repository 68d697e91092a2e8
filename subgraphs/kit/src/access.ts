/**
 * Course access across the graph: commerce decides who may learn which course (free, bought,
 * covered by a plan, taught, ADMIN); catalog, progress, labs and ai enforce it through this
 * client. The decision is a call to commerce's internal route. Decisions that grant access are
 * cached per learner for a short TTL and dropped when commerce's outbox announces
 * `entitlement.changed` for that learner, so a refund is enforced within moments (the TTL bounds
 * a missed event); refusals are never cached, so a purchase opens the course on the next request.
 *
 * Contract (commerce serves it, everyone else calls it):
 *   POST /internal/course-access  {"userId": string | null, "roles": [Role], "courseIds": [string] (1..100)}
 *   200 {"decisions": [{"courseId", "hasAccess", "reason", "expiresAt": ISO string | null}]} in request order
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { ROLES, type Role } from './auth';
import type { Cache } from './cache';
import type { SubgraphEnv } from './config';
import { userError, type UserError } from './errors';
import type { EventBus, EventConsumer } from './events';
import { internalRequest } from './internal';
import { keyedLoader } from './loaders';
import type { Logger } from './logger';

/** The values of commerce's `AccessReason` enum. */
export const ACCESS_REASONS = [
  'FREE',
  'PURCHASED',
  'SUBSCRIPTION',
  'INSTRUCTOR',
  'ADMIN',
  'ORGANIZATION_SEAT',
  'PAYMENT_REQUIRED',
  'SIGN_IN_REQUIRED',
] as const;
export type AccessReason = (typeof ACCESS_REASONS)[number];

export interface CourseAccessDecision {
  courseId: string;
  hasAccess: boolean;
  reason: AccessReason;
  /** ISO-8601; when the access ends (a plan's period end), null when it does not. */
  expiresAt: string | null;
}

/** Who asks: a signed-in viewer, or null for an anonymous caller. */
export interface AccessSubject {
  id: string;
  roles: readonly Role[];
}

export const COURSE_ACCESS_PATH = '/internal/course-access';
export const MAX_ACCESS_COURSE_IDS = 100;

/** The outbox topic commerce publishes whenever a learner's entitlements change. */
export const ENTITLEMENT_CHANGED = 'entitlement.changed';
export interface EntitlementChanged {
  entitlementId: string;
  userId: string;
  /** The courses concerned; null for a plan (every paid course). */
  courseIds: string[] | null;
  change: 'GRANTED' | 'REVOKED';
}

/** The body of `POST /internal/course-access` (commerce's route parses it, the client builds it). */
export const courseAccessRequestSchema = z.object({
  userId: z.string().min(1).max(200).nullable(),
  roles: z.array(z.enum(ROLES)).max(ROLES.length),
  courseIds: z.array(z.string().min(1).max(200)).min(1).max(MAX_ACCESS_COURSE_IDS),
});
export type CourseAccessRequest = z.infer<typeof courseAccessRequestSchema>;

/** The 200 answer of `POST /internal/course-access`: one decision per requested id, in request order. */
export const courseAccessAnswerSchema = z.object({
  decisions: z.array(
    z.object({
      courseId: z.string().min(1).max(200),
      hasAccess: z.boolean(),
      reason: z.enum(ACCESS_REASONS),
      expiresAt: z.iso.datetime({ offset: true }).nullable(),
    }),
  ),
});
export type CourseAccessAnswer = z.infer<typeof courseAccessAnswerSchema>;

/** The payload of `entitlement.changed`, as consumers validate it. */
export const entitlementChangedSchema = z.object({
  entitlementId: z.string(),
  userId: z.string().min(1),
  courseIds: z.array(z.string()).nullable(),
  change: z.enum(['GRANTED', 'REVOKED']),
});

/**
 * Commerce could not be asked (refused, timed out, an error status or an answer of the wrong
 * shape). Callers answer ACCESS_UNAVAILABLE rather than guess either way.
 */
export class AccessUnavailableError extends Error {
  override name = 'AccessUnavailableError';
}

export interface AccessChecker {
  /** False for the open checker (no commerce deployed): every course is FREE. */
  readonly enforced: boolean;
  /** One decision per id, in request order (repeats included). */
  courseAccess(subject: AccessSubject | null, courseIds: string[]): Promise<CourseAccessDecision[]>;
  /** Drops the learner's cached decisions, so the next check asks commerce. */
  forget(userId: string): Promise<void>;
  /** Forgets the learner of every `entitlement.changed` event on `events` (consumer group `group`). */
  follow(events: EventBus, group: string): Promise<EventConsumer>;
}

export interface AccessCheckerOptions {
  /** commerce's internal base URL (COMMERCE_INTERNAL_URL); unset: the open checker. */
  commerceUrl?: string;
  /** INTERNAL_API_SECRET; required with `commerceUrl`. */
  secret?: string;
  cache: Cache;
  logger: Logger;
  /** How long a decision is reused (default 30 s); never past the decision's `expiresAt`. */
  ttlSeconds?: number;
  /** How long one call to commerce may take (default 3 s). */
  timeoutMs?: number;
  /** Milliseconds since the epoch (tests move it). */
  now?: () => number;
}

export const DEFAULT_ACCESS_TTL_SECONDS = 30;

/** A checker over commerce's route with a per-learner cache, or the open one without commerce. */
export function createAccessChecker(options: AccessCheckerOptions): AccessChecker {
  if (!options.commerceUrl) return openAccessChecker();
  if (!options.secret) {
    throw new Error('The access checker needs the internal secret to call commerce.');
  }
  return new CommerceAccessChecker({ ...options, commerceUrl: options.commerceUrl, secret: options.secret });
}

/** The checker a subgraph builds from its config: commerce at COMMERCE_INTERNAL_URL, or the open one. */
export function accessCheckerFromConfig(
  config: Pick<SubgraphEnv, 'COMMERCE_INTERNAL_URL' | 'INTERNAL_API_SECRET'>,
  deps: { cache: Cache; logger: Logger },
): AccessChecker {
  return createAccessChecker({
    commerceUrl: config.COMMERCE_INTERNAL_URL,
    secret: config.INTERNAL_API_SECRET,
    cache: deps.cache,
    logger: deps.logger.child('access'),
  });
}

/** Every course FREE, no calls: deployments without commerce. */
export function openAccessChecker(): AccessChecker {
  return {
    enforced: false,
    courseAccess: (_subject, courseIds) =>
      Promise.resolve(
        courseIds.map((courseId) => ({ courseId, hasAccess: true, reason: 'FREE', expiresAt: null })),
      ),
    forget: () => Promise.resolve(),
    follow: () => Promise.resolve({ stop: () => Promise.resolve() }),
  };
}

/** A cached decision: reused until `until` (ms since the epoch). */
interface CachedDecision {
  decision: CourseAccessDecision;
  until: number;
}

/**
 * One cache key per learner (and one shared by anonymous callers) holding every decision about
 * them. `epoch` changes when the learner is forgotten: a check that started before `forget` and
 * finishes after it does not write its (possibly stale) decisions back.
 */
interface CachedSubject {
  epoch: string;
  roles: string;
  decisions: Record<string, CachedDecision>;
}

const cachedSubjectSchema = z.object({
  epoch: z.string(),
  roles: z.string(),
  decisions: z.record(
    z.string(),
    z.object({ decision: courseAccessAnswerSchema.shape.decisions.element, until: z.number() }),
  ),
});

class CommerceAccessChecker implements AccessChecker {
  readonly enforced = true;
  private readonly ttlSeconds: number;
  private readonly now: () => number;

  constructor(private readonly options: AccessCheckerOptions & { commerceUrl: string; secret: string }) {
    this.ttlSeconds = options.ttlSeconds ?? DEFAULT_ACCESS_TTL_SECONDS;
    this.now = options.now ?? Date.now;
  }

  async courseAccess(subject: AccessSubject | null, courseIds: string[]): Promise<CourseAccessDecision[]> {
    if (courseIds.length === 0) return [];
    const key = cacheKey(subject);
    const roles = subject ? [...subject.roles].sort().join(',') : '';
    const before = await this.read(key, roles);
    const now = this.now();
    const known = new Map<string, CourseAccessDecision>();
    for (const [courseId, cached] of Object.entries(before?.decisions ?? {})) {
      if (cached.until > now) known.set(courseId, cached.decision);
    }
    const missing = [...new Set(courseIds)].filter((courseId) => !known.has(courseId));
    if (missing.length > 0) {
      const fetched = await this.ask(subject, missing);
      for (const decision of fetched) known.set(decision.courseId, decision);
      await this.remember(key, roles, before, fetched);
    }
    return courseIds.map((courseId) => known.get(courseId)!);
  }

  async forget(userId: string): Promise<void> {
    const fresh: CachedSubject = { epoch: randomUUID(), roles: '', decisions: {} };
    await this.options.cache.set(cacheKey({ id: userId, roles: [] }), JSON.stringify(fresh), this.ttlSeconds);
  }

  follow(events: EventBus, group: string): Promise<EventConsumer> {
    return events.consume<unknown>(ENTITLEMENT_CHANGED, group, async (event) => {
      const parsed = entitlementChangedSchema.safeParse(event.payload);
      if (!parsed.success) {
        this.options.logger.warn('unreadable entitlement.changed event ignored', { eventId: event.id });
        return;
      }
      await this.forget(parsed.data.userId);
    });
  }

  private async read(key: string, roles: string): Promise<CachedSubject | null> {
    const raw = await this.options.cache.get(key).catch((error: unknown) => {
      this.options.logger.warn('access cache read failed; asking commerce', { error });
      return null;
    });
    const parsed = raw === null ? null : cachedSubjectSchema.safeParse(safeJson(raw));
    if (!parsed?.success) return null;
    // Decisions taken for other roles (a learner who became an instructor) are not reused.
    return parsed.data.roles === roles ? parsed.data : { ...parsed.data, roles, decisions: {} };
  }

  private async remember(
    key: string,
    roles: string,
    before: CachedSubject | null,
    fetched: CourseAccessDecision[],
  ): Promise<void> {
    const current = await this.read(key, roles);
    if ((current?.epoch ?? null) !== (before?.epoch ?? null)) return;
    const now = this.now();
    const decisions: Record<string, CachedDecision> = {};
    for (const [courseId, cached] of Object.entries(current?.decisions ?? {})) {
      if (cached.until > now) decisions[courseId] = cached;
    }
    for (const decision of fetched) {
      // Refusals are never cached: a learner who has just paid is let in on the very next request,
      // without waiting for the entitlement event to arrive.
      if (!decision.hasAccess) continue;
      const until = Math.min(
        now + this.ttlSeconds * 1000,
        decision.expiresAt ? Date.parse(decision.expiresAt) : Number.POSITIVE_INFINITY,
      );
      if (until > now) decisions[decision.courseId] = { decision, until };
    }
    const entry: CachedSubject = { epoch: current?.epoch ?? randomUUID(), roles, decisions };
    await this.options.cache.set(key, JSON.stringify(entry), this.ttlSeconds).catch((error: unknown) => {
      this.options.logger.warn('access cache write failed', { error });
    });
  }

  /** Asks commerce in batches of MAX_ACCESS_COURSE_IDS. */
  private async ask(subject: AccessSubject | null, courseIds: string[]): Promise<CourseAccessDecision[]> {
    const batches: string[][] = [];
    for (let start = 0; start < courseIds.length; start += MAX_ACCESS_COURSE_IDS) {
      batches.push(courseIds.slice(start, start + MAX_ACCESS_COURSE_IDS));
    }
    const answers = await Promise.all(batches.map((batch) => this.askOnce(subject, batch)));
    return answers.flat();
  }

  private async askOnce(subject: AccessSubject | null, courseIds: string[]): Promise<CourseAccessDecision[]> {
    const body: CourseAccessRequest = {
      userId: subject?.id ?? null,
      roles: subject ? [...subject.roles] : [],
      courseIds,
    };
    const url = `${this.options.commerceUrl.replace(/\/+$/, '')}${COURSE_ACCESS_PATH}`;
    let answer: { status: number; body: unknown };
    try {
      answer = await internalRequest(url, this.options.secret, {
        body,
        timeoutMs: this.options.timeoutMs ?? 3_000,
      });
    } catch (error) {
      this.options.logger.warn('commerce did not answer the course-access check', { error });
      throw new AccessUnavailableError('commerce did not answer the course-access check');
    }
    const parsed = answer.status === 200 ? courseAccessAnswerSchema.safeParse(answer.body) : null;
    const decisions = parsed?.success ? parsed.data.decisions : null;
    if (
      !decisions ||
      decisions.length !== courseIds.length ||
      decisions.some((d, i) => d.courseId !== courseIds[i])
    ) {
      this.options.logger.warn('commerce answered the course-access check unexpectedly', {
        status: answer.status,
      });
      throw new AccessUnavailableError(
        `commerce answered the course-access check with HTTP ${answer.status}`,
      );
    }
    return decisions;
  }
}

function cacheKey(subject: AccessSubject | null): string {
  return subject ? `access:user:${subject.id}` : 'access:anonymous';
}

function safeJson(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return undefined;
  }
}

/**
 * A per-request loader of the subject's decisions by course id (one call to commerce per
 * request); a course whose decision could not be had (commerce unavailable) loads as null, which
 * callers treat as locked.
 */
export function courseAccessLoader(access: AccessChecker, subject: AccessSubject | null) {
  return keyedLoader(
    (courseIds: readonly string[]) =>
      access.courseAccess(subject, [...courseIds]).catch((error: unknown) => {
        if (error instanceof AccessUnavailableError) return [];
        throw error;
      }),
    (decision) => decision.courseId,
  );
}

/** The field a refusal names, by convention the mutation's `courseId` input. */
const COURSE_FIELD = ['input', 'courseId'];

/** A learner-facing PAYMENT_REQUIRED refusal for a decision without access, null with access. */
export function accessRefusal(
  decision: CourseAccessDecision,
  field: string[] = COURSE_FIELD,
): UserError | null {
  if (decision.hasAccess) return null;
  const message =
    decision.reason === 'SIGN_IN_REQUIRED'
      ? 'Sign in and buy this course, or subscribe to a plan, to take it.'
      : 'This course is paid: buy it or subscribe to a plan to take it.';
  return userError('PAYMENT_REQUIRED', message, field);
}

export const accessUnavailable = (field: string[] = COURSE_FIELD): UserError =>
  userError(
    'ACCESS_UNAVAILABLE',
    'Course access cannot be checked right now; please try again shortly.',
    field,
  );

/**
 * The one check a mutation makes before changing anything: null when the subject may learn the
 * course, else the userError to answer (PAYMENT_REQUIRED, or ACCESS_UNAVAILABLE when commerce
 * cannot be asked).
 */
export async function courseAccessProblem(
  access: AccessChecker,
  subject: AccessSubject | null,
  courseId: string,
  field: string[] = COURSE_FIELD,
): Promise<UserError | null> {
  try {
    const [decision] = await access.courseAccess(subject, [courseId]);
    return decision ? accessRefusal(decision, field) : accessUnavailable(field);
  } catch (error) {
    if (error instanceof AccessUnavailableError) return accessUnavailable(field);
    throw error;
  }
}
