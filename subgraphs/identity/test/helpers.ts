/** Shared test plumbing: a running identity subgraph on a fresh database, and a GraphQL client. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrate, type RateLimiter } from '@learncraft/kit';
import {
  TEST_GATEWAY_HEADERS,
  TEST_GATEWAY_SECRET,
  createTestDatabase,
  type DatabaseFlavour,
  type TestDatabase,
} from '@learncraft/kit/testing';
import { loadConfig } from '../src/config';
import type { Mailer } from '../src/mail';
import { generateSigningKey, type SigningKey } from '../src/keys';
import { IDENTITY_MIGRATIONS_DIR, startIdentitySubgraph, type RunningIdentitySubgraph } from '../src/server';

export interface GraphQLResponse<T = Record<string, any>> {
  status: number;
  body: { data?: T; errors?: { message: string; extensions?: Record<string, any> }[] };
}

export interface TestIdentity {
  server: RunningIdentitySubgraph;
  database: TestDatabase;
  signingKey: SigningKey;
  gql<T = Record<string, any>>(
    query: string,
    variables?: Record<string, unknown>,
    accessToken?: string,
    headers?: Record<string, string>,
  ): Promise<GraphQLResponse<T>>;
  /** The data directory of this instance (the file mailer writes under `<dataDir>/mail`). */
  dataDir: string;
  dispose(): Promise<void>;
}

export async function startTestIdentity(
  options: {
    flavour?: DatabaseFlavour;
    env?: Record<string, string>;
    now?: () => Date;
    /** Injected sign-in limiter; the caller closes it. Default: the config's (memory here). */
    rateLimiter?: RateLimiter;
    mailer?: Mailer;
  } = {},
): Promise<TestIdentity> {
  const database = await createTestDatabase(options.flavour ?? 'pglite');
  const dataDir = await mkdtemp(join(tmpdir(), 'lc-identity-'));
  const config = loadConfig({
    PORT: '0',
    DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
    GATEWAY_SECRET: TEST_GATEWAY_SECRET,
    ...options.env,
  });
  const signingKey = await generateSigningKey();
  const server = await startIdentitySubgraph({
    config,
    db: database.db,
    signingKey,
    now: options.now,
    rateLimiter: options.rateLimiter,
    mailer: options.mailer,
    // The dispatcher's poll is a query a second: suites that count queries must not see it
    // (webhooksHarness drives the dispatcher itself).
    webhookDispatch: false,
  });
  return {
    server,
    database,
    signingKey,
    dataDir,
    gql: (query, variables, accessToken, headers) =>
      postGraphQL(server.url, query, variables, accessToken, headers),
    async dispose() {
      await server.close();
      await database.dispose();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export async function postGraphQL<T>(
  url: string,
  query: string,
  variables?: Record<string, unknown>,
  accessToken?: string,
  headers: Record<string, string> = {},
): Promise<GraphQLResponse<T>> {
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      ...headers,
      'content-type': 'application/json',
      ...TEST_GATEWAY_HEADERS,
      ...(accessToken ? { authorization: `Bearer ${accessToken}` } : {}),
    },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, body: (await response.json()) as GraphQLResponse<T>['body'] };
}

/** A migrated test database for store contract suites. */
export async function createMigratedDatabase(flavour: DatabaseFlavour): Promise<TestDatabase> {
  const database = await createTestDatabase(flavour);
  await migrate(database.db, 'identity', IDENTITY_MIGRATIONS_DIR);
  return database;
}

export const SESSION_FIELDS = `
  accessToken accessTokenExpiresAt refreshToken refreshTokenExpiresAt
  user { id email displayName roles createdAt }
`;

export const REGISTER = `
  mutation Register($input: UserRegisterInput!) {
    userRegister(input: $input) {
      user { id email displayName roles createdAt }
      session { ${SESSION_FIELDS} }
      userErrors { code message field }
    }
  }
`;

export const SIGN_IN = `
  mutation SignIn($input: SessionCreateInput!) {
    sessionCreate(input: $input) { session { ${SESSION_FIELDS} } userErrors { code message field } }
  }
`;

export const REFRESH = `
  mutation Refresh($input: SessionRefreshInput!) {
    sessionRefresh(input: $input) { session { ${SESSION_FIELDS} } userErrors { code message field } }
  }
`;

export const REVOKE = `
  mutation Revoke($input: SessionRevokeInput!) {
    sessionRevoke(input: $input) { revoked userErrors { code message field } }
  }
`;

export const RESET_REQUEST = `
  mutation ResetRequest($input: PasswordResetRequestInput!) {
    passwordResetRequest(input: $input) { requested userErrors { code message field } }
  }
`;

export const RESET_COMPLETE = `
  mutation ResetComplete($input: PasswordResetCompleteInput!) {
    passwordResetComplete(input: $input) {
      user { id email }
      userErrors { code message field }
    }
  }
`;

/** The header the gateway forwards the client's address in. */
export const fromAddress = (address: string) => ({ 'x-learncraft-client-address': address });

export const ME = `query { me { id email displayName roles createdAt } }`;

let counter = 0;
/** A unique, valid registration input. */
export function newAccount(
  overrides: Partial<{ email: string; password: string; displayName: string }> = {},
) {
  counter += 1;
  return {
    email: `person${counter}-${process.hrtime.bigint()}@example.com`,
    password: 'correct horse battery staple',
    displayName: `Person ${counter}`,
    ...overrides,
  };
}

export async function register(identity: TestIdentity, input = newAccount()) {
  const response = await identity.gql(REGISTER, { input });
  const payload = response.body.data?.userRegister;
  if (!payload?.session) throw new Error(`registration failed: ${JSON.stringify(response.body)}`);
  return { input, user: payload.user, session: payload.session };
}
