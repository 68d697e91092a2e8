/** Paths the app links to from more than one place. */
export const coursePath = (slug: string) => `/courses/${slug}`;
export const lessonPath = (slug: string, lessonId: string) => `/courses/${slug}/lessons/${lessonId}`;

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
