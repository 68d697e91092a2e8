/**
 * Course access across the graph: commerce decides who may learn which course (free, bought,
 * covered by a plan, taught, ADMIN); catalog, progress, labs and ai enforce it through this
 * client. The decision is a call to commerce's internal route with a short cache per learner, and
 * the cache is dropped when commerce's outbox announces `entitlement.changed` for that learner,
 * so a purchase or refund is enforced on the next request (the TTL bounds a missed event).
 *
 * Contract (commerce serves it, everyone else calls it):
 *   POST /internal/course-access  {"userId": string | null, "roles": [Role], "courseIds": [string] (1..100)}
 *   200 {"decisions": [{"courseId", "hasAccess", "reason", "expiresAt": ISO string | null}]} in request order
 */
import type { Role } from './auth';

/** The values of commerce's `AccessReason` enum. */
export const ACCESS_REASONS = [
  'FREE',
  'PURCHASED',
  'SUBSCRIPTION',
  'INSTRUCTOR',
  'ADMIN',
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
