import { createHash } from 'node:crypto';
import {
  apiKeyHashesMatch,
  apiKeyPrefix,
  apiKeyState,
  apiKeyTokenTtlSeconds,
  checkApiKeyExpiry,
  checkApiKeyName,
  checkApiKeyScopes,
  checkGraceSeconds,
  generateApiKey,
  hashApiKey,
  parseApiKey,
  shouldRecordUse,
} from './apiKeys';

const NOW = new Date('2026-03-01T12:00:00.000Z');
const at = (offsetMs: number) => new Date(NOW.getTime() + offsetMs);
const DAY = 24 * 60 * 60 * 1000;

describe('API key format', () => {
  it('generates lck_<8 hex>_<43 base64url> keys whose hash is the SHA-256 of the whole key', () => {
    const key = generateApiKey();
    expect(key.secret).toMatch(/^lck_[0-9a-f]{8}_[A-Za-z0-9_-]{43}$/);
    expect(key.secret.startsWith(`${apiKeyPrefix(key.publicId)}_`)).toBe(true);
    expect(key.hash).toBe(createHash('sha256').update(key.secret).digest('hex'));
    expect(parseApiKey(key.secret)).toEqual({ publicId: key.publicId });
  });

  it('draws a different key every time', () => {
    expect(generateApiKey().secret).not.toBe(generateApiKey().secret);
  });

  it('refuses malformed keys before any lookup', () => {
    const good = generateApiKey().secret;
    for (const bad of [
      '',
      'lck_',
      good.slice(0, -1),
      `${good}A`,
      good.replace('lck_', 'lcx_'),
      `lck_ABCDEF12_${'a'.repeat(43)}`,
      'x'.repeat(100_000),
    ])
      expect(parseApiKey(bad)).toBeNull();
  });

  it('compares hashes of different lengths as unequal', () => {
    expect(apiKeyHashesMatch(hashApiKey('a'), hashApiKey('a'))).toBe(true);
    expect(apiKeyHashesMatch(hashApiKey('a'), hashApiKey('b'))).toBe(false);
    expect(apiKeyHashesMatch(hashApiKey('a'), 'short')).toBe(false);
  });
});

describe('apiKeyState', () => {
  it('counts a revocation only from its instant on (a rotation grace is still active)', () => {
    expect(apiKeyState({ revokedAt: at(1000), expiresAt: null }, NOW)).toBe('active');
    expect(apiKeyState({ revokedAt: NOW, expiresAt: null }, NOW)).toBe('revoked');
    expect(apiKeyState({ revokedAt: null, expiresAt: NOW }, NOW)).toBe('expired');
    expect(apiKeyState({ revokedAt: null, expiresAt: null }, NOW)).toBe('active');
  });

  it('caps an exchanged token at the key’s expiry or scheduled revocation', () => {
    expect(apiKeyTokenTtlSeconds({ revokedAt: null, expiresAt: null }, NOW, 300)).toBe(300);
    expect(apiKeyTokenTtlSeconds({ revokedAt: at(60_500), expiresAt: null }, NOW, 300)).toBe(60);
    expect(apiKeyTokenTtlSeconds({ revokedAt: null, expiresAt: at(10_000) }, NOW, 300)).toBe(10);
  });

  it('records a use at most once a minute', () => {
    expect(shouldRecordUse(null, NOW)).toBe(true);
    expect(shouldRecordUse(at(-59_999), NOW)).toBe(false);
    expect(shouldRecordUse(at(-60_000), NOW)).toBe(true);
  });
});

describe('API key input', () => {
  it('trims names and refuses blank, 81-character and multi-line ones with INVALID_NAME', () => {
    expect(checkApiKeyName(' HR sync ')).toEqual({ name: 'HR sync' });
    for (const name of [' ', 'x'.repeat(81), 'HR\nsync'])
      expect(checkApiKeyName(name)).toMatchObject({ error: { code: 'INVALID_NAME' } });
  });

  it('maps scope enums to names and refuses none, duplicates and unknown ones with INVALID_SCOPES', () => {
    expect(checkApiKeyScopes(['MEMBERS_READ', 'PROGRESS_READ'])).toEqual({
      scopes: ['members:read', 'progress:read'],
    });
    for (const scopes of [[], ['MEMBERS_READ', 'MEMBERS_READ'], ['ROOT']])
      expect(checkApiKeyScopes(scopes)).toMatchObject({
        error: { code: 'INVALID_SCOPES', field: ['input', 'scopes'] },
      });
  });

  it('accepts no expiry or one up to two years ahead, INVALID_EXPIRY otherwise', () => {
    expect(checkApiKeyExpiry(null, NOW)).toBeNull();
    expect(checkApiKeyExpiry(at(730 * DAY), NOW)).toBeNull();
    expect(checkApiKeyExpiry(at(730 * DAY + 1), NOW)?.code).toBe('INVALID_EXPIRY');
    expect(checkApiKeyExpiry(NOW, NOW)?.code).toBe('INVALID_EXPIRY');
  });

  it('accepts grace periods of 0 to 86 400 whole seconds, INVALID_GRACE otherwise', () => {
    expect(checkGraceSeconds(undefined)).toEqual({ graceSeconds: 0 });
    expect(checkGraceSeconds(86_400)).toEqual({ graceSeconds: 86_400 });
    for (const grace of [-1, 86_401])
      expect(checkGraceSeconds(grace)).toMatchObject({ error: { code: 'INVALID_GRACE' } });
  });
});
