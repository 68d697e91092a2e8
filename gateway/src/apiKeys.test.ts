import { randomBytes } from 'node:crypto';
import type { TokenVerifier, Viewer } from '@learncraft/kit';
import { createCredentialsResolver, INVALID_API_KEY_MESSAGE, type ApiKeyExchange } from './apiKeys';

const newKey = () => `lck_${randomBytes(4).toString('hex')}_${randomBytes(32).toString('base64url')}`;

/** Tokens are `token-<key id>`; the verifier turns them back into the key's viewer. */
const verifier: TokenVerifier = {
  verify: (token) => {
    const id = token.replace(/^token-/, '');
    const viewer: Viewer = {
      id,
      roles: [],
      expiresAt: Math.floor(Date.now() / 1000) + 300,
      sessionId: id,
      apiKey: { id, organizationId: 'org-1', scopes: ['catalog:read'] },
    };
    return Promise.resolve(viewer);
  },
};

function countingExchange(ttlMs = 300_000) {
  const asked: string[] = [];
  const exchange: ApiKeyExchange = (key) => {
    asked.push(key);
    const id = `k${asked.length}`;
    return Promise.resolve({
      accessToken: `token-${id}`,
      expiresAt: new Date(Date.now() + ttlMs).toISOString(),
      apiKey: { id, organizationId: 'org-1', scopes: ['catalog:read'] },
    });
  };
  return { exchange, asked };
}

describe('the API-key cache', () => {
  it('holds at most maxCachedKeys exchanges and forgets the least recently used first', async () => {
    const { exchange, asked } = countingExchange();
    const resolver = createCredentialsResolver({ verifier, exchange, maxCachedKeys: 2 });
    const [a, b, c] = [newKey(), newKey(), newKey()];
    await resolver.resolve(`Bearer ${a}`);
    await resolver.resolve(`Bearer ${b}`);
    await resolver.resolve(`Bearer ${a}`); // a is now the most recent
    await resolver.resolve(`Bearer ${c}`); // evicts b
    expect(resolver.cachedKeys).toBe(2);
    await resolver.resolve(`Bearer ${a}`);
    await resolver.resolve(`Bearer ${b}`);
    expect(asked).toEqual([a, b, c, b]);
  });

  it('keeps no token that expires within the refresh margin', async () => {
    const { exchange, asked } = countingExchange(30_000);
    const resolver = createCredentialsResolver({ verifier, exchange });
    const key = newKey();
    const credentials = await resolver.resolve(`Bearer ${key}`);
    expect(credentials).toMatchObject({ viewer: null, apiKey: { organizationId: 'org-1' } });
    await resolver.resolve(`Bearer ${key}`);
    expect([asked.length, resolver.cachedKeys]).toEqual([2, 0]);
  });

  it('refuses a key identity refused again without asking, for 30 seconds', async () => {
    const asked: string[] = [];
    const exchange: ApiKeyExchange = (key) => {
      asked.push(key);
      return Promise.resolve(null);
    };
    const resolver = createCredentialsResolver({ verifier, exchange });
    const key = newKey();
    for (let i = 0; i < 3; i++)
      await expect(resolver.resolve(`Bearer ${key}`)).rejects.toMatchObject({
        message: INVALID_API_KEY_MESSAGE,
        extensions: { code: 'UNAUTHENTICATED' },
      });
    expect([asked.length, resolver.cachedKeys]).toEqual([1, 0]);
    jest.useFakeTimers({ now: Date.now() + 30_001, doNotFake: ['nextTick', 'setImmediate'] });
    try {
      await expect(resolver.resolve(`Bearer ${key}`)).rejects.toMatchObject({
        extensions: { code: 'UNAUTHENTICATED' },
      });
      expect(asked.length).toBe(2);
    } finally {
      jest.useRealTimers();
    }
  });

  it('answers SERVICE_UNAVAILABLE for keys when the gateway has no way to exchange them', async () => {
    const resolver = createCredentialsResolver({ verifier, exchange: null });
    await expect(resolver.resolve(`Bearer ${newKey()}`)).rejects.toMatchObject({
      extensions: { code: 'SERVICE_UNAVAILABLE', http: { status: 503 } },
    });
  });
});
