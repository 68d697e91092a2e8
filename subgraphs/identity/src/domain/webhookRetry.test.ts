import { nextAttemptAfterFailure } from './webhookRetry';

describe('nextAttemptAfterFailure', () => {
  const schedule = { retryBaseMs: 30_000, retryMaxMs: 3_600_000, giveUpAfterMs: 86_400_000 };
  const created = new Date('2026-12-01T00:00:00.000Z');

  test('doubles from 30 s and caps at one hour', () => {
    const at = new Date('2026-12-01T01:00:00.000Z');
    const delays = [1, 2, 3, 8, 9, 20].map(
      (attempt) => nextAttemptAfterFailure(schedule, attempt, created, at)!.getTime() - at.getTime(),
    );
    expect(delays).toEqual([30_000, 60_000, 120_000, 3_600_000, 3_600_000, 3_600_000]);
  });

  test('gives up 24 hours after the delivery was queued', () => {
    expect(
      nextAttemptAfterFailure(schedule, 30, created, new Date('2026-12-01T23:59:59.999Z')),
    ).not.toBeNull();
    expect(nextAttemptAfterFailure(schedule, 30, created, new Date('2026-12-02T00:00:00.000Z'))).toBeNull();
  });
});
