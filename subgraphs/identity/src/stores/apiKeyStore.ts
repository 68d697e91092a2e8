/**
 * API keys in `identity.api_keys`: the SHA-256 of the whole key, never the key. A key's
 * `revokedAt` may lie in the future while a rotation's grace period runs; it counts as revoked
 * from that instant on (domain/apiKeys `apiKeyState`).
 */
import { randomUUID } from 'node:crypto';
import { and, asc, count, desc, eq, gt, inArray, isNull, lt, lte, or } from 'drizzle-orm';
import { isScope, type ApiKeyScopeName, type Drizzle, type PageRequest } from '@learncraft/kit';
import { uuidsOf } from './ids';
import { apiKeysTable as keys } from './tables';

export interface ApiKeyRecord {
  id: string;
  organizationId: string;
  publicId: string;
  name: string;
  scopes: ApiKeyScopeName[];
  createdBy: string | null;
  createdAt: Date;
  lastUsedAt: Date | null;
  expiresAt: Date | null;
  revokedAt: Date | null;
  rotatedFrom: string | null;
}

export interface NewApiKey {
  organizationId: string;
  publicId: string;
  keyHash: string;
  name: string;
  scopes: readonly ApiKeyScopeName[];
  createdBy: string | null;
  expiresAt: Date | null;
  rotatedFrom?: string | null;
  now: Date;
}

const recordColumns = {
  id: keys.id,
  organizationId: keys.organizationId,
  publicId: keys.publicId,
  name: keys.name,
  scopes: keys.scopes,
  createdBy: keys.createdBy,
  createdAt: keys.createdAt,
  lastUsedAt: keys.lastUsedAt,
  expiresAt: keys.expiresAt,
  revokedAt: keys.revokedAt,
  rotatedFrom: keys.rotatedFrom,
};

export class ApiKeyStore {
  constructor(private readonly db: Drizzle) {}

  /** Inserts the key; null when its public id is taken (the caller draws another). */
  async insert(key: NewApiKey): Promise<ApiKeyRecord | null> {
    const rows = await this.db
      .insert(keys)
      .values({
        id: randomUUID(),
        organizationId: key.organizationId,
        publicId: key.publicId,
        keyHash: key.keyHash,
        name: key.name,
        scopes: [...key.scopes],
        createdBy: key.createdBy,
        createdAt: key.now,
        expiresAt: key.expiresAt,
        rotatedFrom: key.rotatedFrom ?? null,
      })
      .onConflictDoNothing({ target: keys.publicId })
      .returning(recordColumns);
    return rows[0] ? toRecord(rows[0]) : null;
  }

  async byIds(ids: readonly string[]): Promise<ApiKeyRecord[]> {
    const valid = uuidsOf(ids);
    if (valid.length === 0) return [];
    return (await this.db.select(recordColumns).from(keys).where(inArray(keys.id, valid))).map(toRecord);
  }

  async byId(id: string): Promise<ApiKeyRecord | null> {
    return (await this.byIds([id]))[0] ?? null;
  }

  /** The key with this public id and its stored hash (the exchange compares the hash itself). */
  async credentialByPublicId(publicId: string): Promise<{ key: ApiKeyRecord; keyHash: string } | null> {
    const [row] = await this.db
      .select({ ...recordColumns, keyHash: keys.keyHash })
      .from(keys)
      .where(eq(keys.publicId, publicId));
    if (!row) return null;
    const { keyHash, ...key } = row;
    return { key: toRecord(key), keyHash };
  }

  /**
   * Schedules the revocation at `at` if the key is not revoked (nor scheduled) yet, or moves a
   * scheduled one that lies after `at` forward. Null, changing nothing, when it already is revoked
   * by `at`.
   */
  async revoke(
    id: string,
    at: Date,
    options: { onlyIfUnscheduled?: boolean } = {},
  ): Promise<ApiKeyRecord | null> {
    const open = options.onlyIfUnscheduled
      ? isNull(keys.revokedAt)
      : or(isNull(keys.revokedAt), gt(keys.revokedAt, at));
    const [row] = await this.db
      .update(keys)
      .set({ revokedAt: at })
      .where(and(eq(keys.id, id), open))
      .returning(recordColumns);
    return row ? toRecord(row) : null;
  }

  /** Writes lastUsedAt = now unless it was written less than `resolutionMs` before. */
  async recordUse(id: string, now: Date, resolutionMs: number): Promise<void> {
    await this.db
      .update(keys)
      .set({ lastUsedAt: now })
      .where(
        and(
          eq(keys.id, id),
          or(isNull(keys.lastUsedAt), lt(keys.lastUsedAt, new Date(now.getTime() - resolutionMs))),
        ),
      );
  }

  /** One page of the organization's keys, newest first, revoked ones included. */
  async page(
    organizationId: string,
    page: PageRequest,
  ): Promise<{ keys: ApiKeyRecord[]; totalCount: number }> {
    const where = eq(keys.organizationId, organizationId);
    const [rows, [total]] = await Promise.all([
      this.db
        .select(recordColumns)
        .from(keys)
        .where(where)
        .orderBy(desc(keys.createdAt), desc(keys.id))
        .limit(page.limit)
        .offset(page.offset),
      this.db.select({ count: count() }).from(keys).where(where),
    ]);
    return { keys: rows.map(toRecord), totalCount: total?.count ?? 0 };
  }

  /** Keys whose revocation took effect after `since` and by `now`, oldest first, at most `limit`. */
  async revokedBetween(since: Date, now: Date, limit: number): Promise<{ id: string; revokedAt: Date }[]> {
    const rows = await this.db
      .select({ id: keys.id, revokedAt: keys.revokedAt })
      .from(keys)
      .where(and(gt(keys.revokedAt, since), lte(keys.revokedAt, now)))
      .orderBy(asc(keys.revokedAt))
      .limit(limit);
    return rows.flatMap((row) => (row.revokedAt ? [{ id: row.id, revokedAt: row.revokedAt }] : []));
  }
}

function toRecord(row: Omit<ApiKeyRecord, 'scopes'> & { scopes: string[] }): ApiKeyRecord {
  return { ...row, scopes: row.scopes.filter(isScope) };
}
