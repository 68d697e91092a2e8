/**
 * Error hygiene through the gateway and on a subgraph port: client mistakes are 4xx with a clear
 * code, unexpected errors are masked to "Internal server error" plus a correlation id, and no
 * answer carries SQL, stack traces or file paths.
 */
import { TEST_GATEWAY_HEADERS } from '@learncraft/kit/testing';
import { startPlatform, type Platform } from './platform';

let platform: Platform;
beforeAll(async () => {
  platform = await startPlatform();
});
afterAll(() => platform?.close());

async function postGateway(body: unknown) {
  const response = await fetch(platform.gateway.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, any> };
}

const badRequest = (message: string) => ({
  status: 400,
  body: { errors: [{ message, extensions: { code: 'BAD_REQUEST' } }] },
});

describe('client mistakes are 400 with a message that says what to do', () => {
  it('an operationName that names no operation', async () => {
    expect(await postGateway({ query: 'query A { me { id } }', operationName: 'B' })).toEqual(
      badRequest('The document has no operation named "B".'),
    );
  });

  it('two operations and no operationName', async () => {
    expect(await postGateway({ query: 'query A { me { id } } query B { me { id } }' })).toEqual(
      badRequest('The document contains several operations: say which to run in operationName.'),
    );
  });

  it('a subscription sent over HTTP', async () => {
    expect(await postGateway({ query: 'subscription { progressUpdated(courseId: "c1") { kind } }' })).toEqual(
      badRequest(
        'Subscriptions are served over WebSocket (graphql-transport-ws) at /graphql, not over HTTP.',
      ),
    );
  });
});

describe('unexpected errors are masked', () => {
  it('an entity lookup with a malformed id on the progress port answers no SQL', async () => {
    const response = await fetch(platform.progress.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...TEST_GATEWAY_HEADERS },
      body: JSON.stringify({
        query:
          'query ($r: [_Any!]!) { _entities(representations: $r) { ... on Enrollment { id progressPercent } } }',
        variables: { r: [{ __typename: 'Enrollment', id: 'not-a-uuid' }] },
      }),
    });
    const text = await response.text();
    expect(response.status).toBeLessThan(500);
    expect(text).not.toMatch(/select|uuid:|syntax|at .*\.ts/i);
    const body = JSON.parse(text) as { errors?: { message: string; extensions: Record<string, unknown> }[] };
    for (const error of body.errors ?? []) {
      if (error.extensions.code === 'INTERNAL_SERVER_ERROR') {
        expect(error.message).toBe('Internal server error');
        expect(error.extensions.correlationId).toMatch(/^[0-9a-f-]{36}$/);
      }
    }
  });
});

describe('a catalog outage', () => {
  it("nulls only catalog's root fields: the viewer and their progress still arrive", async () => {
    const token = await platform.login('learner@learncraft.dev', 'learner-demo-pass');
    await platform.catalog.close();
    const reply = await platform.graphql(
      '{ me { displayName enrollments(first: 5) { totalCount } } categories { slug } }',
      {},
      token,
    );
    expect(reply.status).toBe(200);
    expect(reply.data).toEqual({
      me: { displayName: 'Lee Learner', enrollments: { totalCount: 0 } },
      categories: null,
    });
    expect(reply.errors?.map((error) => error.extensions)).toEqual([
      { code: 'SERVICE_UNAVAILABLE', serviceName: 'catalog' },
    ]);
  });
});
