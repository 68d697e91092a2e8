import {
  generateRefreshToken,
  hashRefreshToken,
  isWellFormedRefreshToken,
  refreshTokenExpiry,
  refreshTokenState,
} from './refreshTokens';

const NOW = new Date('2025-03-01T12:00:00.000Z');
const LATER = new Date('2025-03-31T12:00:00.000Z');

describe('refresh tokens', () => {
  it('are 43 base64url characters (32 random bytes) and differ every time', () => {
    const first = generateRefreshToken();
    const second = generateRefreshToken();
    expect(first).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(first, 'base64url')).toHaveLength(32);
    expect(first).not.toBe(second);
  });

  it('are recognised as well formed only in that shape', () => {
    expect(isWellFormedRefreshToken(generateRefreshToken())).toBe(true);
    expect(isWellFormedRefreshToken('')).toBe(false);
    expect(isWellFormedRefreshToken('a'.repeat(44))).toBe(false);
    expect(isWellFormedRefreshToken(`${'a'.repeat(42)}=`)).toBe(false);
  });

  it('are stored as the hex SHA-256 of the token', () => {
    expect(hashRefreshToken('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('expire the configured number of days after issue', () => {
    expect(refreshTokenExpiry(NOW, 30)).toEqual(LATER);
  });
});

describe('refreshTokenState', () => {
  const fresh = { expiresAt: LATER, usedAt: null, revokedAt: null };

  it('is active while unused, unrevoked and before expiry', () => {
    expect(refreshTokenState(fresh, NOW)).toBe('active');
  });

  it('is expired at the expiry instant', () => {
    expect(refreshTokenState(fresh, LATER)).toBe('expired');
  });

  it('is reused once rotated, even after expiry', () => {
    expect(refreshTokenState({ ...fresh, usedAt: NOW }, NOW)).toBe('reused');
    expect(refreshTokenState({ ...fresh, usedAt: NOW }, new Date('2026-01-01T00:00:00Z'))).toBe('reused');
  });

  it('is revoked when revoked, whether or not it was used', () => {
    expect(refreshTokenState({ ...fresh, revokedAt: NOW }, NOW)).toBe('revoked');
    expect(refreshTokenState({ ...fresh, usedAt: NOW, revokedAt: NOW }, NOW)).toBe('revoked');
  });
});
