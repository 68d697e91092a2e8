import { backoffSeconds } from '@learncraft/kit';
import {
  DEFAULT_LOGIN_LIMITS,
  DEFAULT_PASSWORD_RESET_LIMITS,
  addressBucket,
  loginKeys,
  passwordResetKeys,
} from './loginLimits';

describe('the default log-in limits', () => {
  it('back off per (email, address): five free failures, then 30 s, 1, 2, 4, 8 min, then 15 min each', () => {
    const schedule = Array.from({ length: 12 }, (_, i) => backoffSeconds(i + 1, DEFAULT_LOGIN_LIMITS.pair));
    expect(schedule).toEqual([0, 0, 0, 0, 30, 60, 120, 240, 480, 900, 900, 900]);
  });

  it('keep one address below the per-email ceiling: at most 9 failures fit in its 15-minute window', () => {
    // Free failures at once, then each failure waits out the lock the previous one set.
    let elapsed = 0;
    let failures = 0;
    while (true) {
      const wait = failures === 0 ? 0 : backoffSeconds(failures, DEFAULT_LOGIN_LIMITS.pair);
      if (elapsed + wait >= DEFAULT_LOGIN_LIMITS.email.windowSeconds) break;
      elapsed += wait;
      failures += 1;
    }
    expect(failures).toBe(9);
    expect(failures).toBeLessThan(DEFAULT_LOGIN_LIMITS.email.limit);
  });

  it('cap an address at 30 failures and an email at 50 per 15 minutes', () => {
    expect(DEFAULT_LOGIN_LIMITS.address).toEqual({ limit: 30, windowSeconds: 900 });
    expect(DEFAULT_LOGIN_LIMITS.email).toEqual({ limit: 50, windowSeconds: 900 });
  });

  it('allow 3 reset requests per email and 10 per address in an hour', () => {
    expect(DEFAULT_PASSWORD_RESET_LIMITS).toEqual({
      email: { limit: 3, windowSeconds: 3600 },
      address: { limit: 10, windowSeconds: 3600 },
    });
  });
});

describe('limiter keys', () => {
  it('hold digests, never an email or an address', () => {
    const key = loginKeys.pair('ada@example.com', '203.0.113.9');
    expect(key).toMatch(/^identity:login:pair:[0-9a-f]{64}:[0-9a-f]{64}$/);
    expect(key).not.toContain('ada');
    expect(loginKeys.address('203.0.113.9')).not.toContain('203.0');
    expect(passwordResetKeys.email('ada@example.com')).toMatch(/^identity:reset:email:[0-9a-f]{64}$/);
  });

  it('put requests without an address (or with a blank one) in one bucket of their own', () => {
    expect(addressBucket(null)).toBe('no-address');
    expect(addressBucket('  ')).toBe('no-address');
    expect(addressBucket('203.0.113.9')).not.toBe('no-address');
  });

  it('treat an address the same however it is cased or padded (IPv6)', () => {
    expect(addressBucket(' 2001:DB8::1 ')).toBe(addressBucket('2001:db8::1'));
  });

  it('separate log-in and reset counters of the same email', () => {
    expect(loginKeys.email('ada@example.com')).not.toBe(passwordResetKeys.email('ada@example.com'));
  });
});
