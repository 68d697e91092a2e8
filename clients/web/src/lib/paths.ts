/** Paths the app links to from more than one place. */
export const coursePath = (slug: string) => `/courses/${slug}`;
export const lessonPath = (slug: string, lessonId: string) => `/courses/${slug}/lessons/${lessonId}`;

/**
 * Where a tutor citation leads: the cited lesson, and for a transcript passage the second the
 * video should start at (`?t=83`), which the lesson page's player seeks to.
 */
export function citationPath(
  slug: string,
  citation: { lesson: { id: string }; source: string; startSeconds?: number | null },
): string {
  const path = lessonPath(slug, citation.lesson.id);
  const start = citation.startSeconds;
  if (citation.source !== 'TRANSCRIPT' || start === null || start === undefined || !(start >= 0)) return path;
  return `${path}?t=${Math.floor(start)}`;
}

/** The `t` of a lesson URL as whole seconds; null when absent or not a time. */
export function startSecondsParam(search: URLSearchParams): number | null {
  const value = search.get('t');
  if (value === null || !/^\d+(\.\d+)?$/.test(value.trim())) return null;
  return Math.floor(Number(value));
}

/** `/login?next=<where the learner was>`, so logging in brings them back. */
export function loginPath(location: { pathname: string; search: string }): string {
  if (location.pathname === '/login' || location.pathname === '/signup') return '/login' + location.search;
  return `/login?next=${encodeURIComponent(location.pathname + location.search)}`;
}

/**
 * Only same-site paths are followed after logging in (never another origin). Browsers read a
 * backslash as a slash, so `/\evil.example` is as protocol-relative as `//evil.example`.
 */
export function safeNext(next: string | null): string {
  return next && /^\/(?![/\\])/.test(next) ? next : '/dashboard';
}

/** What a checkout buys: one course, or one plan (a team plan for a number of seats). */
export type CheckoutItem = { courseId: string } | { planId: string; seats?: number };

/** Seats one team-plan checkout may buy (CheckoutItemInput.seats). */
export const MAX_SEATS = 1000;

/**
 * `/checkout?course=<id>`, `/checkout?plan=<id>`, or for a team plan
 * `/checkout?plan=<id>&seats=10&organization=<id>` (the organization the seats are for).
 */
export function checkoutPath(item: CheckoutItem, organizationId?: string): string {
  if ('courseId' in item) return `/checkout?course=${encodeURIComponent(item.courseId)}`;
  const search = new URLSearchParams({ plan: item.planId });
  if (item.seats !== undefined) search.set('seats', String(item.seats));
  if (organizationId) search.set('organization', organizationId);
  return `/checkout?${search.toString()}`;
}

/**
 * The item of a checkout URL; null when it names neither a course nor a plan (or both), or seats
 * that are not a whole number from 1 to MAX_SEATS, or seats for a course.
 */
export function checkoutItemParam(search: URLSearchParams): CheckoutItem | null {
  const courseId = search.get('course');
  const planId = search.get('plan');
  const seatsText = search.get('seats');
  if (courseId && !planId) return seatsText === null ? { courseId } : null;
  if (!planId || courseId) return null;
  if (seatsText === null) return { planId };
  if (!/^\d{1,4}$/.test(seatsText)) return null;
  const seats = Number(seatsText);
  return seats >= 1 && seats <= MAX_SEATS ? { planId, seats } : null;
}

/** The organization a team-plan checkout buys seats for (`?organization=`); null when none. */
export function checkoutOrganizationParam(search: URLSearchParams): string | null {
  return search.get('organization') || null;
}

export const orderPath = (orderId: string) => `/orders/${orderId}`;

/**
 * The sessionStorage key of the order a checkout is sending the buyer to Stripe for: the return
 * URL (/checkout/return) cannot name the order, which does not exist when it is sent.
 */
export const PENDING_ORDER_KEY = 'learncraft.pendingOrder';
