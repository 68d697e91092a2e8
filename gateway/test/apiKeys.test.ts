/**
 * API keys through the gateway: a local identity double speaking the key exchange (contract 2 of
 * issue 12) and the revoked-session list, a real subgraph that says who called it, and the real
 * gateway between them.
 */
import { randomBytes } from 'node:crypto';
import { parse } from 'graphql';
import { z } from 'zod';
import {
  createLogger,
  internalJsonRoute,
  isInternalCaller,
  INTERNAL_HEADER,
  sendJson,
  startSubgraph,
  type ApiKeyPrincipal,
  type RequestBase,
  type RunningServer,
} from '@learncraft/kit';
import { TEST_GATEWAY_SECRET, serveTestRoutes } from '@learncraft/kit/testing';
import { createTestTokenIssuer, type TestTokenIssuer } from '@learncraft/identity';
import { INVALID_API_KEY_MESSAGE } from '../src/apiKeys';
import { composeSupergraph, GENEROUS_RATE_LIMITS, TEST_SUBGRAPH_CONFIG } from './support';
import { connect } from './e2e/wsClient';
import { loadConfig, startGateway, type RunningGateway } from '../src';

const INTERNAL_SECRET = 'test-internal-secret-0123456789';
const silent = createLogger('test', 'silent');

/** A key in identity's format: `lck_<8 hex>_<43 base64url>`. */
const newKey = () => `lck_${randomBytes(4).toString('hex')}_${randomBytes(32).toString('base64url')}`;

/** identity as far as the gateway sees it: keys it knows, their revocations, what it minted. */
interface IdentityDouble {
  url: string;
  keys: Map<string, ApiKeyPrincipal>;
  revoke(keyId: string): void;
  /** Exchanges received (valid or not). */
  exchanges: number;
  /** The tokens it minted, newest last. */
  minted: string[];
  /** Delay before answering an exchange. */
  delayMs: number;
  /** Answers exchanges with this status (no body) until reset to null. */
  failWith: number | null;
  close(): Promise<void>;
}

async function startIdentityDouble(issuer: TestTokenIssuer): Promise<IdentityDouble> {
  const revoked: { sessionId: string; revokedAt: string }[] = [];
  const double = {
    keys: new Map<string, ApiKeyPrincipal>(),
    exchanges: 0,
    minted: [] as string[],
    delayMs: 0,
    failWith: null as number | null,
    revoke(keyId: string) {
      revoked.push({ sessionId: keyId, revokedAt: new Date().toISOString() });
    },
  };
  const served = await serveTestRoutes({
    'POST /internal/api-keys/exchange': internalJsonRoute(
      { secret: INTERNAL_SECRET, schema: z.object({ key: z.string() }), shape: '{"key": string}' },
      async ({ key }, res) => {
        double.exchanges += 1;
        if (double.delayMs) await new Promise((resolve) => setTimeout(resolve, double.delayMs));
        if (double.failWith !== null) return sendJson(res, double.failWith, { error: 'DOWN' });
        const apiKey = double.keys.get(key);
        if (!apiKey || revoked.some((entry) => entry.sessionId === apiKey.id))
          return sendJson(res, 401, { error: 'INVALID_API_KEY', message: INVALID_API_KEY_MESSAGE });
        const accessToken = await issuer.issueApiKeyToken(apiKey, { ttlSeconds: 300 });
        double.minted.push(accessToken);
        sendJson(res, 200, {
          accessToken,
          expiresAt: new Date(Date.now() + 300_000).toISOString(),
          apiKey,
        });
      },
    ),
    'GET /internal/revoked-sessions': (req, res) => {
      if (!isInternalCaller(req.headers[INTERNAL_HEADER], INTERNAL_SECRET))
        return Promise.resolve(sendJson(res, 403, { error: 'forbidden' }));
      sendJson(res, 200, {
        now: new Date().toISOString(),
        accessTokenTtlSeconds: 300,
        sessions: revoked,
        more: false,
      });
      return Promise.resolve();
    },
  });
  return Object.assign(double, { url: served.url, close: () => served.close() });
}

const CALLERS_SDL = `
extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key"])
directive @apiKeyScope(scope: String!) on FIELD_DEFINITION
"""Who a request reached this subgraph as."""
type Caller {
  """apiKey, user or anonymous."""
  kind: String!
  """The key's or the person's id."""
  id: ID
  """The key's organization."""
  organizationId: ID
  """The key's scopes."""
  scopes: [String!]!
  """The Authorization header this subgraph received."""
  authorization: String
}
type Query {
  """The caller as this subgraph verified it."""
  caller: Caller! @apiKeyScope(scope: "any")
  """Something only people may call."""
  personal: String
}`;

function startCallersSubgraph(issuer: TestTokenIssuer): Promise<RunningServer> {
  return startSubgraph<RequestBase>({
    name: 'callers',
    typeDefs: parse(CALLERS_SDL),
    resolvers: {
      Query: {
        caller: (_: unknown, __: unknown, context: RequestBase) => ({
          kind: context.apiKey ? 'apiKey' : context.viewer ? 'user' : 'anonymous',
          id: context.apiKey?.id ?? context.viewer?.id ?? null,
          organizationId: context.apiKey?.organizationId ?? null,
          scopes: context.apiKey?.scopes ?? [],
          authorization: context.authorization,
        }),
        personal: () => 'secret',
      },
    },
    host: '127.0.0.1',
    port: 0,
    config: TEST_SUBGRAPH_CONFIG,
    verifier: issuer.verifier,
    logger: silent,
    context: (base) => base,
  });
}

interface Reply {
  status: number;
  headers: Headers;
  body: { data?: any; errors?: { message: string; extensions?: Record<string, unknown> }[] };
}

async function post(url: string, query: string, authorization?: string): Promise<Reply> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
    body: JSON.stringify({ query }),
  });
  return {
    status: response.status,
    headers: response.headers,
    body: (await response.json()) as Reply['body'],
  };
}

const CALLER = '{ caller { kind id organizationId scopes authorization } }';
const ACME: Omit<ApiKeyPrincipal, 'id'> = {
  organizationId: 'org-acme',
  scopes: ['progress:read', 'members:read'],
};

let issuer: TestTokenIssuer;
let identity: IdentityDouble;
let subgraph: RunningServer;
let gateway: RunningGateway;

async function startKeyGateway(env: Record<string, string> = {}): Promise<RunningGateway> {
  const supergraphSdl = composeSupergraph([{ name: 'callers', url: subgraph.url, sdl: CALLERS_SDL }]);
  const config = loadConfig({
    PORT: '0',
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    JWT_PUBLIC_KEY: issuer.publicKeyPem,
    GATEWAY_SECRET: TEST_GATEWAY_SECRET,
    INTERNAL_API_SECRET: INTERNAL_SECRET,
    IDENTITY_INTERNAL_URL: identity.url,
    REVOCATION_POLL_MS: '100',
    ...GENEROUS_RATE_LIMITS,
    ...env,
  });
  return startGateway({ config, supergraphSdl, logger: silent });
}

/** A key identity knows, of Acme unless told otherwise. */
function issueKey(principal: Partial<ApiKeyPrincipal> = {}): { key: string; id: string } {
  const key = newKey();
  const id = principal.id ?? `key-${randomBytes(4).toString('hex')}`;
  identity.keys.set(key, { ...ACME, ...principal, id });
  return { key, id };
}

beforeAll(async () => {
  issuer = await createTestTokenIssuer();
  identity = await startIdentityDouble(issuer);
  subgraph = await startCallersSubgraph(issuer);
  gateway = await startKeyGateway();
});
afterAll(async () => {
  await gateway?.close();
  await subgraph?.close();
  await identity?.close();
});
beforeEach(() => {
  identity.delayMs = 0;
  identity.failWith = null;
});

describe('a request with an API key', () => {
  it('acts as the key, and the subgraph receives the token identity minted instead of the key', async () => {
    const { key, id } = issueKey();
    const reply = await post(gateway.url, CALLER, `Bearer ${key}`);
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({
      data: {
        caller: {
          kind: 'apiKey',
          id,
          organizationId: 'org-acme',
          scopes: ['progress:read', 'members:read'],
          authorization: `Bearer ${identity.minted.at(-1)}`,
        },
      },
    });
    expect(JSON.stringify(reply.body)).not.toContain(key);
  });

  it('is exchanged once and then served from the cache while its token lives', async () => {
    const { key } = issueKey();
    const before = identity.exchanges;
    const accepted = gateway.metrics.get('api_key_exchanges_accepted_total');
    for (let i = 0; i < 3; i++) expect((await post(gateway.url, CALLER, `Bearer ${key}`)).status).toBe(200);
    expect(identity.exchanges - before).toBe(1);
    expect(gateway.metrics.get('api_key_exchanges_accepted_total') - accepted).toBe(1);
    expect(await gateway.metrics.render()).toMatch(/^learncraft_api_key_cache_entries [1-9]\d*$/m);
  });

  it('is refused by fields without @apiKeyScope, as the subgraph decides', async () => {
    const { key } = issueKey();
    const reply = await post(gateway.url, '{ personal }', `Bearer ${key}`);
    expect(reply.status).toBe(200);
    expect(reply.body.errors?.map((error) => [error.extensions?.code, error.message])).toEqual([
      ['FORBIDDEN', 'API keys cannot use Query.personal; it needs a signed-in person.'],
    ]);
  });

  it('shares one exchange between concurrent first requests (single flight)', async () => {
    const { key, id } = issueKey();
    identity.delayMs = 200;
    const before = identity.exchanges;
    const replies = await Promise.all(
      Array.from({ length: 5 }, () => post(gateway.url, '{ caller { id } }', `Bearer ${key}`)),
    );
    expect(replies.map((reply) => [reply.status, reply.body.data?.caller.id])).toEqual(
      Array.from({ length: 5 }, () => [200, id]),
    );
    expect(identity.exchanges - before).toBe(1);
  });

  it('works over graphql-ws, the key in connection_init', async () => {
    const { key, id } = issueKey();
    const client = connect(gateway.url, key);
    try {
      await client.connected;
      const result = await client.subscribe('{ caller { kind id authorization } }').next(5_000);
      expect(result).toEqual({
        data: { caller: { kind: 'apiKey', id, authorization: `Bearer ${identity.minted.at(-1)}` } },
      });
    } finally {
      await client.dispose();
    }
  });
});

describe('a bad API key', () => {
  const refused = {
    status: 401,
    errors: [{ message: INVALID_API_KEY_MESSAGE, extensions: { code: 'UNAUTHENTICATED' } }],
  };

  it('is refused with 401 without asking identity when it is malformed', async () => {
    const before = identity.exchanges;
    for (const malformed of ['lck_', 'lck_nothex12_abc', `lck_ABCDEF12_${'a'.repeat(43)}`, `${newKey()}x`]) {
      const reply = await post(gateway.url, CALLER, `Bearer ${malformed}`);
      expect({ status: reply.status, errors: reply.body.errors }).toEqual(refused);
    }
    expect(identity.exchanges).toBe(before);
  });

  it('is refused with 401 and the same message when identity does not know it, asking identity once', async () => {
    const before = identity.exchanges;
    const unknown = newKey();
    for (let i = 0; i < 2; i++) {
      const reply = await post(gateway.url, CALLER, `Bearer ${unknown}`);
      expect({ status: reply.status, errors: reply.body.errors }).toEqual(refused);
    }
    expect(identity.exchanges - before).toBe(1); // the second refusal did not ask identity again
  });

  it('is refused within a poll once revoked: its cached token is dropped and the exchange answers 401', async () => {
    const { key, id } = issueKey();
    expect((await post(gateway.url, CALLER, `Bearer ${key}`)).status).toBe(200);
    identity.revoke(id);
    await new Promise((resolve) => setTimeout(resolve, 400)); // the revocation list polls every 100 ms
    const before = identity.exchanges;
    const reply = await post(gateway.url, CALLER, `Bearer ${key}`);
    expect({ status: reply.status, errors: reply.body.errors }).toEqual(refused);
    expect(identity.exchanges - before).toBe(1);
  });

  it('is refused on graphql-ws with 4403', async () => {
    const client = connect(gateway.url, newKey());
    try {
      expect(await client.closed).toBe(4403);
    } finally {
      await client.dispose();
    }
  });
});

describe('when identity cannot exchange keys', () => {
  it('answers 503 SERVICE_UNAVAILABLE, caches nothing, and serves the key once identity is back', async () => {
    const { key } = issueKey();
    identity.failWith = 500;
    const down = await post(gateway.url, CALLER, `Bearer ${key}`);
    expect({ status: down.status, errors: down.body.errors }).toEqual({
      status: 503,
      errors: [
        {
          message: 'API keys cannot be checked right now; retry in a few seconds.',
          extensions: { code: 'SERVICE_UNAVAILABLE' },
        },
      ],
    });
    identity.failWith = null;
    expect((await post(gateway.url, CALLER, `Bearer ${key}`)).status).toBe(200);
  });

  it('answers 503 when identity is not reachable at all, and people still get in', async () => {
    const unreachable = await startKeyGateway({ IDENTITY_INTERNAL_URL: 'http://127.0.0.1:1' });
    try {
      const reply = await post(unreachable.url, CALLER, `Bearer ${issueKey().key}`);
      expect([reply.status, reply.body.errors?.[0]?.extensions?.code]).toEqual([503, 'SERVICE_UNAVAILABLE']);
      const person = await issuer.issueAccessToken('u-ada');
      const signedIn = await post(unreachable.url, '{ caller { kind id } }', `Bearer ${person}`);
      expect(signedIn.body).toEqual({ data: { caller: { kind: 'user', id: 'u-ada' } } });
    } finally {
      await unreachable.close();
    }
  });
});

describe('the rate limit of an API key', () => {
  it('charges the key’s own budget, apart from other keys and from people', async () => {
    const limited = await startKeyGateway({
      RATE_LIMIT_API_KEY_POINTS_PER_HOUR: '40',
      RATE_LIMIT_USER_POINTS_PER_HOUR: '7',
      RATE_LIMIT_KEY_PREFIX: `lc-test-apikeys-${randomBytes(4).toString('hex')}:`,
    });
    const figures = (reply: Reply) =>
      ['limit', 'remaining', 'used'].map((name) => reply.headers.get(`x-ratelimit-${name}`));
    try {
      const first = issueKey();
      const second = issueKey();
      expect(figures(await post(limited.url, CALLER, `Bearer ${first.key}`))).toEqual(['40', '39', '1']);
      expect(figures(await post(limited.url, CALLER, `Bearer ${first.key}`))).toEqual(['40', '38', '2']);
      expect(figures(await post(limited.url, CALLER, `Bearer ${second.key}`))).toEqual(['40', '39', '1']);
      const person = await issuer.issueAccessToken('u-grace');
      expect(figures(await post(limited.url, CALLER, `Bearer ${person}`))).toEqual(['7', '6', '1']);
    } finally {
      await limited.close();
    }
  });
});
