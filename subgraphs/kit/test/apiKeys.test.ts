/**
 * Root-field scopes for API keys (`@apiKeyScope`): reading them from SDL, judging an operation,
 * and a real subgraph refusing a key before execution over HTTP and WebSocket.
 */
import { Kind, parse, type OperationDefinitionNode } from 'graphql';
import { createClient } from 'graphql-ws';
import { SignJWT, exportSPKI, generateKeyPair, type KeyLike } from 'jose';
import WebSocket from 'ws';
import {
  API_KEY_TOKEN_KIND,
  TOKEN_ALGORITHM,
  TOKEN_AUDIENCE,
  TOKEN_ISSUER,
  apiKeyOperationError,
  apiKeyScopesFromSdl,
  createLogger,
  createTokenVerifier,
  startSubgraph,
  type ApiKeyPrincipal,
  type RequestBase,
  type RunningServer,
} from '../src';
import { TEST_GATEWAY_HEADERS, TEST_GATEWAY_SECRET } from '../src/testing';

const SDL = `
extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key"])
directive @apiKeyScope(scope: String!) on FIELD_DEFINITION
"A member."
type Member @key(fields: "id") {
  "Id."
  id: ID!
}
type Query {
  "Members of the key's organization."
  members: [Member!]! @apiKeyScope(scope: "members:read")
  "Anything a key may ask."
  ping: String! @apiKeyScope(scope: "any")
  "People only."
  me: Member
}
type Mutation {
  "Needs members:write."
  memberInvite(email: String!): Boolean! @apiKeyScope(scope: "members:write")
  "People only."
  passwordChange(password: String!): Boolean!
}
type Subscription {
  "People only."
  memberJoined: Member
  "Keys with members:read."
  memberLeft: Member @apiKeyScope(scope: "members:read")
}`;

const scopes = apiKeyScopesFromSdl(parse(SDL));
const reader: ApiKeyPrincipal = { id: 'k1', organizationId: 'org-1', scopes: ['members:read'] };

function judge(source: string, apiKey: ApiKeyPrincipal = reader) {
  const document = parse(source);
  const operation = document.definitions.find(
    (definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION,
  );
  if (!operation) throw new Error('no operation');
  const error = apiKeyOperationError(apiKey, document, operation, scopes);
  return error && { message: error.message, extensions: error.extensions };
}

describe('apiKeyScopesFromSdl', () => {
  it('reads the scope of every annotated root field and nothing else', () => {
    expect([...scopes.entries()]).toEqual([
      ['Query.members', 'members:read'],
      ['Query.ping', 'any'],
      ['Mutation.memberInvite', 'members:write'],
      ['Subscription.memberLeft', 'members:read'],
    ]);
  });

  it('throws on a scope that is not one of API_KEY_SCOPES', () => {
    const typo = parse(
      'directive @apiKeyScope(scope: String!) on FIELD_DEFINITION\n' +
        'type Query { members: [String!]! @apiKeyScope(scope: "members:reed") }',
    );
    expect(() => apiKeyScopesFromSdl(typo)).toThrow(
      '@apiKeyScope on Query.members: unknown scope "members:reed"',
    );
  });
});

describe('apiKeyOperationError', () => {
  it('lets a key call a root field whose scope it holds, and any key call an `any` field', () => {
    expect(judge('{ members { id } ping }')).toBeNull();
    expect(judge('{ ping }', { ...reader, scopes: [] })).toBeNull();
  });

  it('refuses an unannotated root field with FORBIDDEN, naming the field', () => {
    expect(judge('{ ping me { id } }')).toEqual({
      message: 'API keys cannot use Query.me; it needs a signed-in person.',
      extensions: { code: 'FORBIDDEN', field: 'Query.me' },
    });
    expect(judge('mutation { passwordChange(password: "x") }')).toEqual({
      message: 'API keys cannot use Mutation.passwordChange; it needs a signed-in person.',
      extensions: { code: 'FORBIDDEN', field: 'Mutation.passwordChange' },
    });
  });

  it('refuses a root field whose scope the key lacks, naming the scope', () => {
    expect(judge('mutation { memberInvite(email: "a@example.com") }')).toEqual({
      message: 'This API key lacks the scope members:write that Mutation.memberInvite needs.',
      extensions: { code: 'FORBIDDEN', requiredScope: 'members:write', field: 'Mutation.memberInvite' },
    });
    expect(judge('{ members { id } }', { ...reader, scopes: ['progress:read'] })).toMatchObject({
      extensions: { code: 'FORBIDDEN', requiredScope: 'members:read' },
    });
  });

  it('follows fragments and inline fragments at the root, even cyclic spreads', () => {
    expect(
      judge('query { ...Root } fragment Root on Query { ping ... on Query { me { id } } }'),
    ).toMatchObject({
      extensions: { code: 'FORBIDDEN', field: 'Query.me' },
    });
    expect(
      judge('query { ...A } fragment A on Query { ping ...B } fragment B on Query { ...A members { id } }'),
    ).toBeNull();
  });

  it('allows the gateway’s _entities and __typename at the root', () => {
    expect(
      judge('query { _entities(representations: []) { __typename } __typename }', { ...reader, scopes: [] }),
    ).toBeNull();
  });
});

/** A real subgraph with the SDL above, verifying real EdDSA tokens. */
describe('a subgraph refusing API keys before execution', () => {
  let server: RunningServer;
  let privateKey: KeyLike;
  const executed: string[] = [];

  const keyToken = (apiKey: ApiKeyPrincipal) =>
    new SignJWT({
      kind: API_KEY_TOKEN_KIND,
      org: apiKey.organizationId,
      scope: apiKey.scopes.join(' '),
      sid: apiKey.id,
    })
      .setProtectedHeader({ alg: TOKEN_ALGORITHM })
      .setSubject(apiKey.id)
      .setIssuer(TOKEN_ISSUER)
      .setAudience(TOKEN_AUDIENCE)
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(privateKey);

  beforeAll(async () => {
    const pair = await generateKeyPair(TOKEN_ALGORITHM, { crv: 'Ed25519' });
    privateKey = pair.privateKey;
    server = await startSubgraph<RequestBase>({
      name: 'members',
      typeDefs: parse(SDL),
      resolvers: {
        Query: {
          members: () => [{ id: 'm1' }],
          ping: (_: unknown, __: unknown, context: RequestBase) => {
            executed.push('ping');
            return `pong ${context.apiKey?.organizationId ?? 'person'} ${context.viewer === null ? 'null' : context.viewer.id}`;
          },
          me: () => {
            executed.push('me');
            return { id: 'm1' };
          },
        },
        Mutation: {
          memberInvite: () => true,
          passwordChange: () => {
            executed.push('passwordChange');
            return true;
          },
        },
        Subscription: {
          memberJoined: {
            subscribe: async function* () {
              executed.push('memberJoined');
              yield await Promise.resolve({ memberJoined: { id: 'm2' } });
            },
          },
          memberLeft: {
            subscribe: async function* () {
              yield await Promise.resolve({ memberLeft: { id: 'm3' } });
            },
          },
        },
      },
      host: '127.0.0.1',
      port: 0,
      config: {
        DATA_DIR: '/nonexistent',
        GATEWAY_SECRET: TEST_GATEWAY_SECRET,
        INTERNAL_API_SECRET: undefined,
        REQUEST_TIMEOUT_MS: 5_000,
      },
      verifier: createTokenVerifier({ publicKeyPem: await exportSPKI(pair.publicKey) }),
      logger: createLogger('kit-test', 'silent'),
      context: (base) => base,
    });
  });
  afterAll(() => server?.close());
  beforeEach(() => void executed.splice(0));

  const post = async (query: string, token: string) => {
    const response = await fetch(server.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${token}`,
        ...TEST_GATEWAY_HEADERS,
      },
      body: JSON.stringify({ query }),
    });
    return (await response.json()) as { data?: unknown; errors?: { message: string; extensions: object }[] };
  };

  it('over HTTP: a key runs its `any` field as its organization, with viewer null', async () => {
    expect(await post('{ ping }', await keyToken(reader))).toEqual({ data: { ping: 'pong org-1 null' } });
  });

  it('over HTTP: a key calling an unannotated field is refused and nothing runs', async () => {
    const reply = await post('{ ping me { id } }', await keyToken(reader));
    expect(reply.errors?.map((error) => [error.message, error.extensions])).toEqual([
      [
        'API keys cannot use Query.me; it needs a signed-in person.',
        { code: 'FORBIDDEN', field: 'Query.me' },
      ],
    ]);
    expect(reply.data).toBeUndefined();
    expect(executed).toEqual([]);
  });

  class GatewaySocket extends WebSocket {
    constructor(address: string | URL, protocols?: string | string[]) {
      super(address, protocols, { headers: TEST_GATEWAY_HEADERS });
    }
  }

  const firstEvent = async (query: string, token: string): Promise<unknown> => {
    const client = createClient({
      url: server.url.replace(/^http/, 'ws'),
      webSocketImpl: GatewaySocket,
      connectionParams: { authorization: `Bearer ${token}` },
      retryAttempts: 0,
    });
    try {
      return (await client.iterate({ query })[Symbol.asyncIterator]().next()).value;
    } catch (error) {
      return {
        refused: (error as { message: string; extensions?: object }[]).map((e) => [e.message, e.extensions]),
      };
    } finally {
      await client.dispose();
    }
  };

  it('over WebSocket: a key subscribing to an unannotated field is refused and nothing runs', async () => {
    expect(await firstEvent('subscription { memberJoined { id } }', await keyToken(reader))).toEqual({
      refused: [
        [
          'API keys cannot use Subscription.memberJoined; it needs a signed-in person.',
          { code: 'FORBIDDEN', field: 'Subscription.memberJoined' },
        ],
      ],
    });
    expect(executed).toEqual([]);
  });

  it('over WebSocket: a key with the scope gets the events of an annotated subscription', async () => {
    expect(await firstEvent('subscription { memberLeft { id } }', await keyToken(reader))).toEqual({
      data: { memberLeft: { id: 'm3' } },
    });
  });
});
