/** When a failed delivery is tried again, and when it is given up. Pure. */
export interface RetrySchedule {
  retryBaseMs: number;
  retryMaxMs: number;
  giveUpAfterMs: number;
}

/**
 * After failed attempt number `attemptCount` (1 = the first) at `now`: the next attempt's time,
 * base doubling up to the cap, or null (FAILED) once the delivery is older than the give-up window.
 */
export function nextAttemptAfterFailure(
  schedule: RetrySchedule,
  attemptCount: number,
  createdAt: Date,
  now: Date,
): Date | null {
  if (now.getTime() - createdAt.getTime() >= schedule.giveUpAfterMs) return null;
  const delay = Math.min(schedule.retryMaxMs, schedule.retryBaseMs * 2 ** Math.max(0, attemptCount - 1));
  return new Date(now.getTime() + delay);
}
