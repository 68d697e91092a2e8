/**
 * The API key use cases: create (the secret is returned once, only its hash is stored), rotate
 * (a new key with the same name and scopes; the old one works for a grace period), revoke, and
 * the exchange the gateway makes for every keyed request: a valid key buys a short-lived token
 * (kind `api_key`, `sid` = the key's id, so revoking the key revokes its tokens like a sign-out).
 */
import type { ApiKeyPrincipal, UserError } from '@learncraft/kit';
import {
  apiKeyHashesMatch,
  apiKeyState,
  apiKeyTokenTtlSeconds,
  checkApiKeyExpiry,
  checkApiKeyName,
  checkApiKeyScopes,
  checkGraceSeconds,
  generateApiKey,
  hashApiKey,
  LAST_USED_RESOLUTION_MS,
  parseApiKey,
  shouldRecordUse,
} from '../domain/apiKeys';
import { apiKeyErrors } from '../domain/userErrors';
import type { AccessToken, ApiKeyTokenSigner } from '../keys';
import type { ApiKeyRecord, ApiKeyStore, IdentityStores, NewApiKey } from '../stores';

export interface ApiKeyServiceOptions {
  stores: IdentityStores;
  signApiKeyToken: ApiKeyTokenSigner;
  /** Lifetime of an exchanged token (API_KEY_TOKEN_TTL_SECONDS). */
  tokenTtlSeconds: number;
  now?: () => Date;
}

type Failure = { userErrors: UserError[] };
const failure = (error: UserError): Failure => ({ userErrors: [error] });

export interface CreatedApiKey {
  apiKey: ApiKeyRecord;
  /** The whole key: returned here once, never stored. */
  secret: string;
}

export interface ApiKeyExchange extends AccessToken {
  apiKey: ApiKeyPrincipal;
}

/** Compared against when no key has the presented public id, so both paths hash and compare. */
const UNKNOWN_KEY_HASH = hashApiKey('lck_00000000_unknown');

export class ApiKeyService {
  readonly now: () => Date;

  constructor(private readonly options: ApiKeyServiceOptions) {
    this.now = options.now ?? (() => new Date());
  }

  async create(
    creatorId: string,
    input: { organizationId: string; name: string; scopes: readonly string[]; expiresAt?: Date | null },
  ): Promise<CreatedApiKey | Failure> {
    const name = checkApiKeyName(input.name);
    if ('error' in name) return failure(name.error);
    const scopes = checkApiKeyScopes(input.scopes);
    if ('error' in scopes) return failure(scopes.error);
    const now = this.now();
    const expiryError = checkApiKeyExpiry(input.expiresAt, now);
    if (expiryError) return failure(expiryError);
    return insertNewKey(this.options.stores.apiKeys, {
      organizationId: input.organizationId,
      name: name.name,
      scopes: scopes.scopes,
      createdBy: creatorId,
      expiresAt: input.expiresAt ?? null,
      now,
    });
  }

  /** A new key like `previous`; `previous` stops working `graceSeconds` from now. */
  async rotate(
    creatorId: string,
    previous: ApiKeyRecord,
    graceSecondsInput: number | null | undefined,
  ): Promise<(CreatedApiKey & { previousApiKey: ApiKeyRecord }) | Failure> {
    const grace = checkGraceSeconds(graceSecondsInput);
    if ('error' in grace) return failure(grace.error);
    const now = this.now();
    const state = apiKeyState(previous, now);
    if (state === 'revoked' || previous.revokedAt) return failure(apiKeyErrors.revoked());
    if (state === 'expired') return failure(apiKeyErrors.expired());
    const until = new Date(now.getTime() + grace.graceSeconds * 1000);
    return this.options.stores.transaction(async (tx) => {
      // Only a key without a scheduled revocation rotates, so one key is rotated at most once.
      const previousApiKey = await tx.apiKeys.revoke(previous.id, until, { onlyIfUnscheduled: true });
      if (!previousApiKey) return failure(apiKeyErrors.revoked());
      const created = await insertNewKey(tx.apiKeys, {
        organizationId: previous.organizationId,
        name: previous.name,
        scopes: previous.scopes,
        createdBy: creatorId,
        expiresAt: previous.expiresAt,
        rotatedFrom: previous.id,
        now,
      });
      return { ...created, previousApiKey };
    });
  }

  /** Revokes now (also a key still in a rotation's grace period). */
  async revoke(key: ApiKeyRecord): Promise<{ apiKey: ApiKeyRecord } | Failure> {
    const apiKey = await this.options.stores.apiKeys.revoke(key.id, this.now());
    return apiKey ? { apiKey } : failure(apiKeyErrors.revoked());
  }

  /**
   * A token for a valid key; null for a malformed, unknown, revoked or expired one (the caller
   * gives them all one answer). lastUsedAt is written at most once a minute.
   */
  async exchange(presented: string): Promise<ApiKeyExchange | null> {
    const parsed = parseApiKey(presented);
    if (!parsed) return null;
    const { apiKeys } = this.options.stores;
    const credential = await apiKeys.credentialByPublicId(parsed.publicId);
    const matches = apiKeyHashesMatch(hashApiKey(presented), credential?.keyHash ?? UNKNOWN_KEY_HASH);
    if (!credential || !matches) return null;
    const { key } = credential;
    const now = this.now();
    if (apiKeyState(key, now) !== 'active') return null;
    const ttlSeconds = apiKeyTokenTtlSeconds(key, now, this.options.tokenTtlSeconds);
    if (ttlSeconds < 1) return null;
    if (shouldRecordUse(key.lastUsedAt, now)) await apiKeys.recordUse(key.id, now, LAST_USED_RESOLUTION_MS);
    const apiKey: ApiKeyPrincipal = { id: key.id, organizationId: key.organizationId, scopes: key.scopes };
    const token = await this.options.signApiKeyToken(apiKey, { issuedAt: now, ttlSeconds });
    return { ...token, apiKey };
  }
}

/** Inserts a freshly generated key, drawing another public id on the (rare) collision. */
async function insertNewKey(
  store: ApiKeyStore,
  key: Omit<NewApiKey, 'publicId' | 'keyHash'>,
): Promise<CreatedApiKey> {
  for (let attempt = 0; attempt < 5; attempt += 1) {
    const generated = generateApiKey();
    const apiKey = await store.insert({ ...key, publicId: generated.publicId, keyHash: generated.hash });
    if (apiKey) return { apiKey, secret: generated.secret };
  }
  throw new Error('could not draw a free API key public id in 5 attempts');
}
