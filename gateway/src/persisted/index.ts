/**
 * Persisted operations for LearnCraft's own clients (issue 12, item 4). The web and mobile apps'
 * operations are extracted at build into a manifest (clients/operations codegen:
 * `persisted-documents.json`, sha256 of each document -> the document), and the apps send an
 * operation's id instead of its text (`extensions.persistedQuery.sha256Hash`, no `query`).
 *
 * - An id in the manifest runs the manifest's document, with the same validation, cost limit and
 *   rate limit as any document. An unknown id is PERSISTED_QUERY_NOT_FOUND.
 * - `safelist` (the default in production): a request whose `apollographql-client-name` (or
 *   `x-learncraft-client`) names a first-party client must send a manifest id; an ad-hoc
 *   document claiming such a name is refused with HTTP 400 before it runs or is charged. Partners
 *   (no first-party name) still send ad-hoc operations under their cost budget.
 * - `allow` (development): first-party names may send documents too.
 *
 * Nothing is ever added to the manifest at run time: Apollo's automatic persisted queries (a
 * client registering a document under its hash) are not a safelist, so a hash sent with its query
 * is checked (Apollo verifies the hash) and then runs as the ad-hoc document it is.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { HeaderMap } from '@apollo/server';
import { GraphQLError } from 'graphql';
import { ConfigError } from '@learncraft/kit';

/** The apps' names, as their link sends them (clients/operations/src/apollo.ts). */
export const FIRST_PARTY_CLIENTS = ['learncraft-web', 'learncraft-mobile'] as const;
export const CLIENT_NAME_HEADERS = ['apollographql-client-name', 'x-learncraft-client'] as const;

export type PersistedOperationsMode = 'safelist' | 'allow';

/** A manifest: sha256 hex of a document -> the document. */
export type PersistedDocuments = ReadonlyMap<string, string>;

/** Reads and checks a manifest: every key must be the sha256 of its document. */
export function loadPersistedDocuments(path: string): PersistedDocuments {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new ConfigError(
      `Cannot read the persisted documents at ${path} (${(error as Error).message}); run \`npm run codegen -w @learncraft/operations\` or set PERSISTED_DOCUMENTS_PATH.`,
    );
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new ConfigError(`The persisted documents at ${path} must be a JSON object of hash -> document.`);
  const documents = new Map<string, string>();
  for (const [hash, document] of Object.entries(parsed)) {
    if (typeof document !== 'string' || sha256(document) !== hash)
      throw new ConfigError(`The persisted document ${hash} in ${path} is not the sha256 of its text.`);
    documents.set(hash, document);
  }
  return documents;
}

export const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

/**
 * Apollo Server's persisted-query store, read from the manifest and never written: it is what
 * `persistedQueries.cache` gets. Apollo prefixes its keys (`apq:`), so only the hash after the last
 * colon is looked up.
 */
export interface ManifestCache {
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string): Promise<void>;
  delete(key: string): Promise<boolean>;
}

export function manifestCache(documents: PersistedDocuments): ManifestCache {
  return {
    get: (key) => Promise.resolve(documents.get(key.slice(key.lastIndexOf(':') + 1))),
    set: () => Promise.resolve(),
    delete: () => Promise.resolve(true),
  };
}

/** The first-party client a request claims to be, or null (a partner, a script, a browser tab). */
export function firstPartyClientOf(
  headers: { get(name: string): string | undefined } | undefined,
): string | null {
  for (const header of CLIENT_NAME_HEADERS) {
    const value = headers?.get(header)?.trim().toLowerCase();
    if (value && (FIRST_PARTY_CLIENTS as readonly string[]).includes(value)) return value;
  }
  return null;
}

/** The refusal of an ad-hoc document from a first-party client in safelist mode. */
export function persistedQueryRequired(client: string): GraphQLError {
  return new GraphQLError(
    `${client} may run only its persisted operations here: send the operation's id (extensions.persistedQuery.sha256Hash) from its build's manifest, not a document.`,
    {
      extensions: {
        code: 'BAD_REQUEST',
        reason: 'PERSISTED_QUERY_REQUIRED',
        http: { status: 400, headers: new HeaderMap() },
      },
    },
  );
}

/** What the safelist reads of a request. */
export interface SafelistRequest {
  http?: { headers: { get(name: string): string | undefined } };
  extensions?: Record<string, unknown>;
}

/**
 * The safelist: in `safelist` mode, the refusal of a request that names a first-party client but
 * sends no manifest id (unknown ids were already answered PERSISTED_QUERY_NOT_FOUND by Apollo);
 * null otherwise. The gateway runs it first when the operation is resolved, before cost and rate
 * limits (Apollo turns errors thrown any earlier into masked 500s).
 */
export function createSafelist(options: {
  mode: PersistedOperationsMode;
  documents: PersistedDocuments;
}): (request: SafelistRequest) => GraphQLError | null {
  return (request) => {
    if (options.mode !== 'safelist') return null;
    const client = firstPartyClientOf(request.http?.headers);
    if (!client) return null;
    const persisted = request.extensions?.persistedQuery as { sha256Hash?: unknown } | undefined;
    const id = persisted?.sha256Hash;
    return typeof id === 'string' && options.documents.has(id) ? null : persistedQueryRequired(client);
  };
}
