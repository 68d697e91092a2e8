/**
 * Per-subscription authentication on the subgraph socket: one gateway connection multiplexes the
 * subscriptions of many people, each `subscribe` carrying its own token in
 * `extensions.authorization`, verified like an HTTP request's header. A bad token refuses that
 * subscription alone; a socket without the gateway's credential is refused at the upgrade.
 */
import { parse } from 'graphql';
import { createClient, type Client } from 'graphql-ws';
import { SignJWT, exportSPKI, generateKeyPair, type KeyLike } from 'jose';
import WebSocket from 'ws';
import {
  TOKEN_ALGORITHM,
  TOKEN_AUDIENCE,
  TOKEN_ISSUER,
  createLogger,
  createTokenVerifier,
  startSubgraph,
  type RequestBase,
  type RunningServer,
} from '../src';
import { TEST_GATEWAY_HEADERS, TEST_GATEWAY_SECRET } from '../src/testing';

const SDL = parse(`
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key"])
  type Query {
    "Unused: a schema needs a query root."
    ping: String
  }
  type Subscription {
    "One event naming who the subscription runs as."
    whoAmI: String
  }
`);

let server: RunningServer;
let signingKey: KeyLike;
let forgingKey: KeyLike;
const clients: Client[] = [];

const token = (subject: string, options: { expiresInSeconds?: number; key?: KeyLike } = {}) => {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ roles: ['LEARNER'] })
    .setProtectedHeader({ alg: TOKEN_ALGORITHM })
    .setSubject(subject)
    .setIssuer(TOKEN_ISSUER)
    .setAudience(TOKEN_AUDIENCE)
    .setIssuedAt(now - 3_600)
    .setExpirationTime(now + (options.expiresInSeconds ?? 600))
    .sign(options.key ?? signingKey);
};

beforeAll(async () => {
  const pair = await generateKeyPair(TOKEN_ALGORITHM, { extractable: true });
  signingKey = pair.privateKey;
  // Another key pair's private key: a well-formed token the verifier must not accept.
  ({ privateKey: forgingKey } = await generateKeyPair(TOKEN_ALGORITHM));
  server = await startSubgraph<RequestBase>({
    name: 'kit-socket-auth',
    typeDefs: SDL,
    resolvers: {
      Subscription: {
        whoAmI: {
          subscribe: async function* (_: unknown, __: unknown, ctx: RequestBase) {
            yield await Promise.resolve({ whoAmI: ctx.viewer?.id ?? 'anonymous' });
          },
        },
      },
    },
    host: '127.0.0.1',
    port: 0,
    config: {
      DATA_DIR: '/nonexistent',
      GATEWAY_SECRET: TEST_GATEWAY_SECRET,
      INTERNAL_API_SECRET: 'test-internal-secret-0123456789',
      REQUEST_TIMEOUT_MS: 5_000,
    },
    verifier: createTokenVerifier({ publicKeyPem: await exportSPKI(pair.publicKey) }),
    logger: createLogger('kit-test', 'silent'),
    context: (base) => base,
  });
});
afterAll(async () => {
  await Promise.all(clients.map((client) => client.dispose() as Promise<void>));
  await server?.close();
});

/** graphql-ws through the kit's socket, upgraded with the gateway's credential. */
class GatewaySocket extends WebSocket {
  constructor(address: string | URL, protocols?: string | string[]) {
    super(address, protocols, { headers: TEST_GATEWAY_HEADERS });
  }
}

function gatewayConnection(): Client {
  const client = createClient({
    url: server.url.replace(/^http/, 'ws'),
    webSocketImpl: GatewaySocket,
    retryAttempts: 0,
  });
  clients.push(client);
  return client;
}

/** The first result of one subscription on `client`, run with `authorization` (or none). */
async function first(client: Client, authorization?: string): Promise<unknown> {
  return new Promise((resolve) => {
    client.subscribe(
      { query: 'subscription { whoAmI }', extensions: authorization ? { authorization } : {} },
      {
        next: (result) => resolve(result),
        error: (error) =>
          resolve(
            Array.isArray(error)
              ? { refused: error.map((e: { message: string; extensions?: object }) => e) }
              : { closed: (error as { code?: number }).code },
          ),
        complete: () => undefined,
      },
    );
  });
}

describe('the subgraph socket, one gateway connection for many people', () => {
  it('runs each subscription as the person whose token it carries', async () => {
    const client = gatewayConnection();
    const [ada, grace] = await Promise.all([
      first(client, `Bearer ${await token('ada')}`),
      first(client, `Bearer ${await token('grace')}`),
    ]);
    expect([ada, grace]).toEqual([{ data: { whoAmI: 'ada' } }, { data: { whoAmI: 'grace' } }]);
  });

  it('refuses a subscription with an expired token with UNAUTHENTICATED and goes on with the others', async () => {
    const client = gatewayConnection();
    const expired = await first(client, `Bearer ${await token('ada', { expiresInSeconds: -60 })}`);
    expect(expired).toEqual({
      refused: [
        { message: 'The access token is invalid or has expired.', extensions: { code: 'UNAUTHENTICATED' } },
      ],
    });
    expect(await first(client, `Bearer ${await token('grace')}`)).toEqual({ data: { whoAmI: 'grace' } });
  });

  it('refuses a subscription with a forged token with UNAUTHENTICATED', async () => {
    const client = gatewayConnection();
    expect(await first(client, `Bearer ${await token('ada', { key: forgingKey })}`)).toEqual({
      refused: [
        { message: 'The access token is invalid or has expired.', extensions: { code: 'UNAUTHENTICATED' } },
      ],
    });
    expect(await first(client, 'Basic YWRhOmFkYQ==')).toEqual({
      refused: [
        {
          message: 'The Authorization header must be "Bearer <access token>".',
          extensions: { code: 'UNAUTHENTICATED' },
        },
      ],
    });
  });

  it('runs a subscription without a token as anonymous, as HTTP does', async () => {
    expect(await first(gatewayConnection())).toEqual({ data: { whoAmI: 'anonymous' } });
  });

  it('refuses a socket without the gateway credential at the upgrade', async () => {
    const status = await new Promise<number>((resolve) => {
      const socket = new WebSocket(server.url.replace(/^http/, 'ws'), 'graphql-transport-ws');
      socket.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      socket.once('open', () => resolve(101));
    });
    expect(status).toBe(401);
  });
});
