/**
 * Trust boundaries, tried as an attacker on the machine would: every subgraph port refuses
 * operations without the gateway's credential (HTTP and WebSocket), introspection and `_service`
 * are for operator tooling only, and the depth bomb that once took catalog's heap to 4.5 GiB is
 * refused on every port — after which every service still answers.
 */
import WebSocket from 'ws';
import { TEST_GATEWAY_HEADERS } from '@learncraft/kit/testing';
import { DATABASE_FLAVOURS } from '@learncraft/kit/testing';
import { startPlatform, type Platform } from './platform';

const DEPTH_BOMB = `{ courses(first: 1) { edges { node { ${'modules { lessons { course { '.repeat(9)}id${' } } }'.repeat(9)} } } } }`;

async function post(url: string, body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, any> };
}

/** Resolves with the HTTP status of a refused upgrade, or 101 when the socket opened. */
function upgradeStatus(url: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url.replace(/^http/, 'ws'), 'graphql-transport-ws', { headers });
    socket.once('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      socket.terminate();
    });
    socket.once('open', () => {
      resolve(101);
      socket.close();
    });
    socket.once('error', (error) => reject(error));
  });
}

describe.each(DATABASE_FLAVOURS)('subgraphs trust only the gateway (%s)', (flavour) => {
  let platform: Platform;
  let ports: { name: string; url: string }[];

  beforeAll(async () => {
    platform = await startPlatform({ flavour });
    ports = [
      { name: 'identity', url: platform.identity.url },
      { name: 'catalog', url: platform.catalog.url },
      { name: 'progress', url: platform.progress.url },
    ];
  });
  afterAll(() => platform?.close());

  it('refuses an operation without the gateway credential on every subgraph port, and runs nothing', async () => {
    for (const { url } of ports) {
      expect(await post(url, { query: '{ __typename }' })).toEqual({
        status: 401,
        body: {
          errors: [
            {
              message: 'This service accepts operations from the LearnCraft gateway only.',
              extensions: { code: 'UNAUTHENTICATED' },
            },
          ],
        },
      });
      expect(
        (await post(url, { query: '{ __typename }' }, { 'x-learncraft-gateway': 'guessed-secret-0000000' }))
          .status,
      ).toBe(401);
    }
    const register = await post(platform.identity.url, {
      query: 'mutation ($input: UserRegisterInput!) { userRegister(input: $input) { user { id } } }',
      variables: {
        input: { email: 'direct@example.com', password: 'a long enough password', displayName: 'Direct' },
      },
    });
    expect(register.status).toBe(401);
    // Nothing was written: the account does not exist, so logging in through the gateway fails.
    await expect(platform.login('direct@example.com', 'a long enough password')).rejects.toThrow(
      /login failed/,
    );
  });

  it('refuses a WebSocket upgrade without the gateway credential', async () => {
    for (const { url } of ports) {
      expect(await upgradeStatus(url)).toBe(401);
      expect(await upgradeStatus(url, TEST_GATEWAY_HEADERS)).toBe(101);
    }
  });

  it('answers introspection and _service only to operator tooling (the internal secret)', async () => {
    for (const { url } of ports) {
      for (const query of ['{ __schema { queryType { name } } }', '{ _service { sdl } }']) {
        const asGateway = await post(url, { query }, TEST_GATEWAY_HEADERS);
        expect(asGateway).toEqual({
          status: 403,
          body: {
            errors: [
              {
                message: 'Introspection is available to operator tooling only.',
                extensions: { code: 'FORBIDDEN' },
              },
            ],
          },
        });
      }
    }
  });

  it('refuses the depth bomb on every port and through the gateway, and every service stays up', async () => {
    for (const { url } of ports) {
      const direct = await post(url, { query: DEPTH_BOMB }, TEST_GATEWAY_HEADERS);
      expect(direct.status).toBe(400);
      expect(direct.body.errors[0].extensions).toEqual({ code: 'OPERATION_TOO_COMPLEX', limit: 'depth' });
      expect((await post(url, { query: DEPTH_BOMB })).status).toBe(401);
    }
    const viaGateway = await platform.graphql(DEPTH_BOMB);
    expect(viaGateway.status).toBe(400);
    expect(viaGateway.errors?.[0]?.extensions).toEqual({
      code: 'OPERATION_TOO_COMPLEX',
      limit: 'depth',
      value: 31,
      maximum: 8,
    });
    const alive = await platform.graphql('{ categories { slug } me { id } }');
    expect(alive.status).toBe(200);
    expect(alive.data?.categories).toHaveLength(3);
  });

  it('refuses a wide page bomb by its estimated cost, which counts lists by their @listSize', async () => {
    const query = `{ courses(first: 100) { edges { node { modules { lessons { id title } } } } } }`;
    const reply = await platform.graphql(query);
    expect(reply.status).toBe(400);
    expect(reply.errors?.[0]?.extensions).toEqual({
      code: 'OPERATION_TOO_COMPLEX',
      limit: 'cost',
      // courses 1 + 100 × (edges 1 + node 1 + modules 1 + 50 × (lessons 1 + 50 × 2))
      value: 1 + 100 * (1 + 1 + 1 + 50 * (1 + 50 * 2)),
      maximum: 100_000,
    });
  });

  it('allows one log-in per document', async () => {
    const login = (alias: string) =>
      `${alias}: sessionCreate(input: { email: "learner@learncraft.dev", password: "wrong-password-123" }) { userErrors { code } }`;
    const reply = await platform.graphql(`mutation { ${login('a')} ${login('b')} }`);
    expect(reply.status).toBe(400);
    expect(reply.errors).toEqual([
      expect.objectContaining({
        message: 'sessionCreate may appear only once per operation.',
        extensions: { code: 'OPERATION_TOO_COMPLEX', limit: 'singleUse', value: 2, maximum: 1 },
      }),
    ]);
  });
});
