/**
 * The Ed25519 key identity signs access tokens with, its public JWKS, and the access-token signer.
 * The key comes from JWT_PRIVATE_KEY or, for single-machine runs, from a file under the data
 * directory that is generated on first start. Every replica must share one key, so scale-out
 * deployments set JWT_PRIVATE_KEY.
 */
import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  hkdfSync,
  randomUUID,
  type KeyObject,
} from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { calculateJwkThumbprint, SignJWT, type JSONWebKeySet, type JWK } from 'jose';
import {
  API_KEY_TOKEN_KIND,
  TOKEN_ALGORITHM,
  TOKEN_AUDIENCE,
  TOKEN_ISSUER,
  type ApiKeyPrincipal,
  type Role,
} from '@learncraft/kit';

export interface SigningKey {
  /** RFC 7638 thumbprint of the public key; sent as the JWT `kid` header. */
  readonly kid: string;
  readonly privateKey: KeyObject;
  readonly publicKeyPem: string;
  /** The public key as a JWK with `kid`, `alg` and `use`. */
  readonly publicJwk: JWK;
  /** `{ keys: [publicJwk] }`, served at `/.well-known/jwks.json`. */
  readonly jwks: JSONWebKeySet;
}

export const SIGNING_KEY_FILE = join('keys', 'jwt-ed25519.pem');

export class SigningKeyError extends Error {
  override name = 'SigningKeyError';
}

export async function signingKeyFromPem(pem: string): Promise<SigningKey> {
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(pem);
  } catch {
    throw new SigningKeyError('The signing key is not a readable PKCS#8 PEM private key.');
  }
  if (privateKey.asymmetricKeyType !== 'ed25519') {
    throw new SigningKeyError(`The signing key must be Ed25519, not ${privateKey.asymmetricKeyType}.`);
  }
  return fromPrivateKey(privateKey);
}

/** A fresh in-memory key (tests, and the first start without a configured key). */
export async function generateSigningKey(): Promise<SigningKey> {
  return fromPrivateKey(generateKeyPairSync('ed25519').privateKey);
}

/**
 * Reads `<dataDir>/keys/jwt-ed25519.pem`, creating it (directory 0700, file 0600) when absent. A
 * present but unreadable file is an error rather than silently replaced: replacing it would sign
 * every user out.
 */
export async function loadOrCreateSigningKey(dataDir: string): Promise<SigningKey> {
  const dir = join(dataDir, 'keys');
  const file = join(dataDir, SIGNING_KEY_FILE);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await chmod(dir, 0o700);
  const existing = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return null;
    throw error;
  });
  if (existing !== null) return signingKeyFromPem(existing);

  const generated = await generateSigningKey();
  const pem = generated.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  try {
    // `wx`: when two processes start at once, the second one reads the first one's key.
    await writeFile(file, pem, { mode: 0o600, flag: 'wx' });
    return generated;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return signingKeyFromPem(await readFile(file, 'utf8'));
  }
}

async function fromPrivateKey(privateKey: KeyObject): Promise<SigningKey> {
  const publicKey = createPublicKey(privateKey);
  const { x } = publicKey.export({ format: 'jwk' });
  if (!x) throw new SigningKeyError('The Ed25519 public key could not be exported as a JWK.');
  const kid = await calculateJwkThumbprint({ kty: 'OKP', crv: 'Ed25519', x }, 'sha256');
  const publicJwk: JWK = { kty: 'OKP', crv: 'Ed25519', x, kid, alg: TOKEN_ALGORITHM, use: 'sig' };
  return {
    kid,
    privateKey,
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    publicJwk,
    jwks: { keys: [publicJwk] },
  };
}

export interface AccessToken {
  token: string;
  expiresAt: Date;
}

export interface SignAccessTokenOptions {
  /** When the token counts as issued; tests pass a past instant to mint an expired token. */
  issuedAt?: Date;
  ttlSeconds?: number;
  /** The sign-in (refresh-token family) the token belongs to, as the `sid` claim: sign-out revokes it. */
  sessionId?: string;
}

export type AccessTokenSigner = (
  userId: string,
  roles: readonly Role[],
  options?: SignAccessTokenOptions,
) => Promise<AccessToken>;

/** Signs LearnCraft access tokens: EdDSA, kit issuer and audience, `sub`, `roles`, `jti`, `sid`. */
export function createAccessTokenSigner(
  key: SigningKey,
  defaults: { ttlSeconds: number },
): AccessTokenSigner {
  return async (userId, roles, options = {}) => {
    const issuedAtSeconds = Math.floor((options.issuedAt ?? new Date()).getTime() / 1000);
    const expiresAtSeconds = issuedAtSeconds + (options.ttlSeconds ?? defaults.ttlSeconds);
    const claims = { roles: [...roles], ...(options.sessionId ? { sid: options.sessionId } : {}) };
    const token = await new SignJWT(claims)
      .setProtectedHeader({ alg: TOKEN_ALGORITHM, kid: key.kid, typ: 'JWT' })
      .setIssuer(TOKEN_ISSUER)
      .setAudience(TOKEN_AUDIENCE)
      .setSubject(userId)
      .setIssuedAt(issuedAtSeconds)
      .setExpirationTime(expiresAtSeconds)
      .setJti(randomUUID())
      .sign(key.privateKey);
    return { token, expiresAt: new Date(expiresAtSeconds * 1000) };
  };
}

export type ApiKeyTokenSigner = (
  apiKey: ApiKeyPrincipal,
  options?: Pick<SignAccessTokenOptions, 'issuedAt' | 'ttlSeconds'>,
) => Promise<AccessToken>;

/**
 * Signs the short-lived token an API key is exchanged for at the gateway: `sub` and `sid` are the
 * key's id (revoking the key revokes its tokens like a sign-out), `kind: "api_key"`, `org` and a
 * space-separated `scope`; no roles. Every subgraph verifies it like a person's token (kit auth).
 */
export function createApiKeyTokenSigner(
  key: SigningKey,
  defaults: { ttlSeconds: number },
): ApiKeyTokenSigner {
  return async (apiKey, options = {}) => {
    const issuedAtSeconds = Math.floor((options.issuedAt ?? new Date()).getTime() / 1000);
    const expiresAtSeconds = issuedAtSeconds + (options.ttlSeconds ?? defaults.ttlSeconds);
    const claims = {
      kind: API_KEY_TOKEN_KIND,
      org: apiKey.organizationId,
      scope: apiKey.scopes.join(' '),
      roles: [],
      sid: apiKey.id,
    };
    const token = await new SignJWT(claims)
      .setProtectedHeader({ alg: TOKEN_ALGORITHM, kid: key.kid, typ: 'JWT' })
      .setIssuer(TOKEN_ISSUER)
      .setAudience(TOKEN_AUDIENCE)
      .setSubject(apiKey.id)
      .setIssuedAt(issuedAtSeconds)
      .setExpirationTime(expiresAtSeconds)
      .setJti(randomUUID())
      .sign(key.privateKey);
    return { token, expiresAt: new Date(expiresAtSeconds * 1000) };
  };
}

/**
 * A secret for deriving refresh-token successors (see domain/refreshTokens), derived from the
 * signing key with HKDF so every replica that shares the key derives the same successors.
 */
export function refreshSuccessorSecret(key: SigningKey): Buffer {
  const material = key.privateKey.export({ type: 'pkcs8', format: 'der' });
  return Buffer.from(hkdfSync('sha256', material, 'learncraft', 'refresh-token successor', 32));
}
