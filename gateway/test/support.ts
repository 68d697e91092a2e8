/**
 * Test fixtures: two small real subgraphs (`users`, `posts`) on the kit's server, a supergraph
 * composed from their SDL with their real ports, tokens minted like identity mints them, and a
 * tiny HTTP client for the gateway.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';
import { SignJWT, exportSPKI, generateKeyPair, type KeyLike } from 'jose';
import {
  TOKEN_ALGORITHM,
  TOKEN_AUDIENCE,
  TOKEN_ISSUER,
  createLogger,
  createTokenVerifier,
  notFound,
  startSubgraph,
  type RequestBase,
  type RunningServer,
  type TokenVerifier,
} from '@learncraft/kit';
import { TEST_GATEWAY_SECRET } from '@learncraft/kit/testing';
import { loadConfig, startGateway, type GatewayOptions, type RunningGateway } from '../src';

export const silent = createLogger('test', 'silent');

/** What the test subgraphs are started with: the credential the test gateways send. */
export const TEST_SUBGRAPH_CONFIG = {
  DATA_DIR: '/nonexistent',
  GATEWAY_SECRET: TEST_GATEWAY_SECRET,
  INTERNAL_API_SECRET: undefined,
  REQUEST_TIMEOUT_MS: 10_000,
};

export interface Keys {
  privateKey: KeyLike;
  publicKeyPem: string;
  verifier: TokenVerifier;
}

export async function createKeys(): Promise<Keys> {
  const { privateKey, publicKey } = await generateKeyPair(TOKEN_ALGORITHM, { crv: 'Ed25519' });
  const publicKeyPem = await exportSPKI(publicKey);
  return { privateKey, publicKeyPem, verifier: createTokenVerifier({ publicKeyPem }) };
}

export async function mintToken(
  privateKey: KeyLike,
  subject: string,
  options: { expiresIn?: string | number; issuer?: string } = {},
): Promise<string> {
  return new SignJWT({ roles: ['LEARNER'] })
    .setProtectedHeader({ alg: TOKEN_ALGORITHM })
    .setSubject(subject)
    .setIssuer(options.issuer ?? TOKEN_ISSUER)
    .setAudience(TOKEN_AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(options.expiresIn ?? '15m')
    .sign(privateKey);
}

const FEDERATION =
  'extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key", "@listSize"])';

export const USERS_SDL = `${FEDERATION}
"""A person on the platform."""
type User @key(fields: "id") {
  """Stable id."""
  id: ID!
  """Display name."""
  name: String!
}
type Query {
  """Every user (at most 10)."""
  users: [User!]! @listSize(assumedSize: 10)
  """The signed-in viewer's id as this subgraph verified it; null when anonymous."""
  viewerId: ID
}`;

export const POSTS_SDL = `${FEDERATION}
"""A post written by a user."""
type Post @key(fields: "id") {
  """Stable id."""
  id: ID!
  """Title."""
  title: String!
  """Who wrote it."""
  author: User!
}
"""Users as the posts subgraph sees them."""
type User @key(fields: "id") {
  """Stable id."""
  id: ID!
  """Posts by this user (nullable so one failing subgraph leaves the rest of the user intact)."""
  posts(first: Int): [Post!]
}
type Query {
  """Recent posts."""
  posts(first: Int): [Post!]!
  """One post; NOT_FOUND when there is no such post."""
  post(id: ID!): Post
}`;

const USERS = [
  { id: 'u1', name: 'Ada' },
  { id: 'u2', name: 'Grace' },
];
const POSTS = [
  { id: 'p1', title: 'Hello', authorId: 'u1' },
  { id: 'p2', title: 'Federation', authorId: 'u1' },
  { id: 'p3', title: 'Compilers', authorId: 'u2' },
];
type PostRow = (typeof POSTS)[number];

export function startUsersSubgraph(verifier: TokenVerifier): Promise<RunningServer> {
  return startSubgraph<RequestBase>({
    name: 'users',
    typeDefs: parse(USERS_SDL),
    resolvers: {
      Query: {
        users: () => USERS,
        viewerId: (_: unknown, __: unknown, context: RequestBase) => context.viewer?.id ?? null,
      },
      User: {
        __resolveReference: (reference: { id: string }) =>
          USERS.find((user) => user.id === reference.id) ?? null,
      },
    },
    host: '127.0.0.1',
    port: 0,
    config: TEST_SUBGRAPH_CONFIG,
    verifier,
    logger: silent,
    context: (base) => base,
  });
}

export function startPostsSubgraph(verifier: TokenVerifier): Promise<RunningServer> {
  const page = (rows: PostRow[], first?: number | null) => rows.slice(0, first ?? rows.length);
  return startSubgraph<RequestBase>({
    name: 'posts',
    typeDefs: parse(POSTS_SDL),
    resolvers: {
      Query: {
        posts: (_: unknown, args: { first?: number | null }) => page(POSTS, args.first),
        post: (_: unknown, args: { id: string }) => {
          const post = POSTS.find((candidate) => candidate.id === args.id);
          if (!post) throw notFound('Post', args.id);
          return post;
        },
      },
      Post: {
        __resolveReference: (reference: { id: string }) =>
          POSTS.find((post) => post.id === reference.id) ?? null,
        author: (post: PostRow) => ({ __typename: 'User', id: post.authorId }),
      },
      User: {
        posts: (user: { id: string }, args: { first?: number | null }) =>
          page(
            POSTS.filter((post) => post.authorId === user.id),
            args.first,
          ),
      },
    },
    host: '127.0.0.1',
    port: 0,
    config: TEST_SUBGRAPH_CONFIG,
    verifier,
    logger: silent,
    context: (base) => base,
  });
}

/** A server that accepts connections and never answers (a hung subgraph), or answers `reply`. */
export async function startRawServer(
  reply?: (res: ServerResponse, req: IncomingMessage) => void,
): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => reply?.(res, req));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export function composeSupergraph(services: { name: string; url: string; sdl: string }[]): string {
  const result = composeServices(services.map(({ name, url, sdl }) => ({ name, url, typeDefs: parse(sdl) })));
  if (result.errors) throw new Error(result.errors.map((error) => error.message).join('\n'));
  return result.supergraphSdl;
}

/**
 * Budgets no test reaches: suites that are not about rate limits send far more, and faster, than a
 * person would (fuzzing, breakers). The limiter still runs and still sets its headers.
 */
export const GENEROUS_RATE_LIMITS: Record<string, string> = Object.fromEntries(
  ['API_KEY', 'USER', 'ANONYMOUS'].flatMap((kind) => [
    [`RATE_LIMIT_${kind}_POINTS_PER_HOUR`, '100000000'],
    [`RATE_LIMIT_${kind}_POINTS_PER_MINUTE`, '100000000'],
    [`RATE_LIMIT_${kind}_MAX_CONCURRENT`, '100000'],
  ]),
);

export function startTestGateway(
  supergraphSdl: string,
  keys: Keys,
  env: Record<string, string> = {},
  options: Pick<GatewayOptions, 'executor'> = {},
): Promise<RunningGateway> {
  const config = loadConfig({
    PORT: '0',
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    JWT_PUBLIC_KEY: keys.publicKeyPem,
    GATEWAY_SECRET: TEST_GATEWAY_SECRET,
    ...GENEROUS_RATE_LIMITS,
    ...env,
  });
  return startGateway({ config, supergraphSdl, logger: silent, ...options });
}

export interface GraphQLReply {
  status: number;
  body: {
    data?: Record<string, unknown> | null;
    errors?: { message: string; path?: unknown[]; extensions?: Record<string, unknown> }[];
  };
}

/** POSTs a JSON GraphQL request the way a browser client does (content-type passes CSRF checks). */
export async function postGraphQL(
  url: string,
  request: { query: string; variables?: Record<string, unknown> },
  headers: Record<string, string> = {},
): Promise<GraphQLReply> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(request),
  });
  return { status: response.status, body: (await response.json()) as GraphQLReply['body'] };
}
