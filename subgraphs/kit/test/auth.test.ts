/**
 * The token verifier remembers a verified token until it expires (at most a minute), so the same
 * learner's token is not verified again by every service on every request, and never lets an
 * expired or forged token through.
 */
import { SignJWT, exportSPKI, generateKeyPair, type KeyLike } from 'jose';
import {
  TOKEN_ALGORITHM,
  TOKEN_AUDIENCE,
  TOKEN_ISSUER,
  createTokenVerifier,
  type TokenVerifier,
} from '../src';

const START_MS = Date.UTC(2026, 0, 1, 12, 0, 0);
const START = START_MS / 1000;

let privateKey: KeyLike;
let publicKeyPem: string;
let clockMs = START_MS;
let verifier: TokenVerifier;

async function sign(subject: string, expiresAt: number, key: KeyLike = privateKey): Promise<string> {
  return new SignJWT({ roles: ['LEARNER'] })
    .setProtectedHeader({ alg: TOKEN_ALGORITHM })
    .setIssuer(TOKEN_ISSUER)
    .setAudience(TOKEN_AUDIENCE)
    .setSubject(subject)
    .setIssuedAt(START)
    .setExpirationTime(expiresAt)
    .sign(key);
}

async function rejection(token: string): Promise<string | undefined> {
  return verifier.verify(token).then(
    () => undefined,
    (error: { extensions?: { code?: string } }) => error.extensions?.code,
  );
}

beforeAll(async () => {
  const pair = await generateKeyPair(TOKEN_ALGORITHM, { crv: 'Ed25519' });
  privateKey = pair.privateKey;
  publicKeyPem = await exportSPKI(pair.publicKey);
});

beforeEach(() => {
  clockMs = START_MS;
  verifier = createTokenVerifier({ publicKeyPem }, { cacheSize: 2, now: () => clockMs });
});

describe('createTokenVerifier', () => {
  it('answers the same token again with the viewer it verified, not a second verification', async () => {
    const token = await sign('learner-1', START + 900);
    const first = await verifier.verify(token);
    clockMs += 30_000;
    const second = await verifier.verify(token);
    expect(first).toEqual({ id: 'learner-1', roles: ['LEARNER'], expiresAt: START + 900 });
    expect(second).toBe(first);
  });

  it('verifies a remembered token again after a minute, even when it lives longer', async () => {
    const token = await sign('learner-1', START + 900);
    const first = await verifier.verify(token);
    clockMs += 60_000;
    const again = await verifier.verify(token);
    expect(again).not.toBe(first);
    expect(again).toEqual(first);
  });

  it('refuses a remembered token once it has expired, past the clock tolerance', async () => {
    const token = await sign('learner-1', START + 20);
    await verifier.verify(token);
    clockMs = (START + 24) * 1000;
    expect((await verifier.verify(token)).id).toBe('learner-1');
    clockMs = (START + 25) * 1000;
    expect(await rejection(token)).toBe('UNAUTHENTICATED');
  });

  it('never remembers a token that failed verification', async () => {
    const other = await generateKeyPair(TOKEN_ALGORITHM, { crv: 'Ed25519' });
    const forged = await sign('learner-1', START + 900, other.privateKey);
    expect(await rejection(forged)).toBe('UNAUTHENTICATED');
    expect(await rejection(forged)).toBe('UNAUTHENTICATED');
  });

  it('forgets the oldest token when full and verifies it again', async () => {
    const [a, b, c] = await Promise.all(['a', 'b', 'c'].map((id) => sign(id, START + 900)));
    const first = await verifier.verify(a!);
    await verifier.verify(b!);
    expect(await verifier.verify(a!)).toBe(first);
    await verifier.verify(c!);
    const again = await verifier.verify(a!);
    expect(again).not.toBe(first);
    expect(again.id).toBe('a');
  });

  it('with a cache size of 0 verifies every time', async () => {
    verifier = createTokenVerifier({ publicKeyPem }, { cacheSize: 0, now: () => clockMs });
    const token = await sign('learner-1', START + 900);
    const first = await verifier.verify(token);
    expect(await verifier.verify(token)).not.toBe(first);
  });
});
