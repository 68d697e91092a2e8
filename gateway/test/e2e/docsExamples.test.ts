/**
 * The partner guides' examples and promises, run as written against the platform through the
 * gateway over HTTP: the getting-started and sign-in curl bodies (taken from the Markdown), the
 * refresh mutation, paging by `endCursor`, and the errors the guides say bad requests get.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_PARTNER_DOCS_DIR } from '../../src';
import { startPlatform, type Platform } from './platform';

const guide = (name: string) => readFileSync(join(DEFAULT_PARTNER_DOCS_DIR, `${name}.md`), 'utf8');
/** The JSON body of the guide's first `curl … --data '…'`. */
const curlBody = (name: string): unknown => {
  const match = /--data '([^']+)'/.exec(guide(name));
  if (!match?.[1]) throw new Error(`no curl body in ${name}.md`);
  return JSON.parse(match[1]);
};
/** The guide's ```graphql block that defines `operation`. */
const operation = (name: string, title: string): string => {
  const block = [...guide(name).matchAll(/```graphql\n([\s\S]*?)```/g)]
    .map((match) => match[1] ?? '')
    .find((text) => text.includes(` ${title}`));
  if (!block) throw new Error(`no operation ${title} in ${name}.md`);
  return block;
};

let platform: Platform;
const post = async (body: unknown, token?: string) => {
  const response = await fetch(platform.gateway.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as { data?: any; errors?: any[] } };
};

beforeAll(async () => {
  platform = await startPlatform();
});
afterAll(() => platform?.close());

describe('the guides, as written', () => {
  it('getting started: the curl body lists three courses with no sign-in', async () => {
    const { status, body } = await post(curlBody('getting-started'));
    expect([status, body.errors]).toEqual([200, undefined]);
    expect(body.data.courses.edges).toHaveLength(3);
    expect(body.data.courses.totalCount).toBeGreaterThanOrEqual(3);
    expect(Object.keys(body.data.courses.edges[0].node)).toEqual(['slug', 'title', 'level']);
  });

  it('authentication: the curl body signs the demo learner in; the token reads `me`; refresh rotates it', async () => {
    const signIn = await post(curlBody('authentication'));
    expect(signIn.body.data.sessionCreate.userErrors).toEqual([]);
    const { accessToken, refreshToken } = signIn.body.data.sessionCreate.session;
    const me = await post({ query: '{ me { id displayName } }' }, accessToken);
    expect(me.body.data.me.displayName).toBe('Lee Learner');

    const refreshed = await post({
      query: operation('authentication', 'Refresh'),
      variables: { refreshToken },
    });
    expect(refreshed.body.data.sessionRefresh.userErrors).toEqual([]);
    expect(refreshed.body.data.sessionRefresh.session.refreshToken).not.toBe(refreshToken);
  });

  it('authentication: a malformed token is refused with HTTP 401 and UNAUTHENTICATED', async () => {
    const { status, body } = await post({ query: '{ me { id } }' }, 'not-a-token');
    expect([status, body.errors?.map((error) => error.extensions.code)]).toEqual([401, ['UNAUTHENTICATED']]);
  });

  it('authentication: a wrong password is a userError INVALID_CREDENTIALS, not an error', async () => {
    const { body } = await post({
      query: operation('authentication', 'SignIn'),
      variables: { input: { email: 'learner@learncraft.dev', password: 'not-the-password' } },
    });
    expect([
      body.errors,
      body.data.sessionCreate.session,
      body.data.sessionCreate.userErrors[0].code,
    ]).toEqual([undefined, null, 'INVALID_CREDENTIALS']);
  });

  it('pagination: following endCursor while hasNextPage visits every course once', async () => {
    const query = operation('pagination', 'CoursePage').replace('first: 50', 'first: 2');
    const ids: string[] = [];
    let after: string | null = null;
    let totalCount = 0;
    do {
      const { body } = await post({ query, variables: { after } });
      const courses = body.data.courses;
      totalCount = courses.totalCount;
      ids.push(...courses.edges.map((edge: { node: { id: string } }) => edge.node.id));
      after = courses.pageInfo.hasNextPage ? courses.pageInfo.endCursor : null;
    } while (after && ids.length <= 1_000);
    expect(ids.length).toBe(totalCount);
    expect(new Set(ids).size).toBe(totalCount);
  });

  it('pagination: `first` out of range and a made-up cursor fail with the messages the guide quotes', async () => {
    const tooMany = await post({ query: '{ courses(first: 101) { totalCount } }' });
    expect(tooMany.body.errors?.map((error) => [error.extensions.code, error.message])).toEqual([
      ['BAD_USER_INPUT', '"first" must be an integer from 0 to 100.'],
    ]);
    const badCursor = await post({ query: '{ courses(after: "bogus") { totalCount } }' });
    expect(badCursor.body.errors?.map((error) => [error.extensions.code, error.message])).toEqual([
      ['BAD_USER_INPUT', 'The cursor is not valid.'],
    ]);
    expect(guide('pagination')).toContain('`BAD_USER_INPUT` (`"first" must be an integer from 0 to 100.`)');
    expect(guide('pagination')).toContain('`BAD_USER_INPUT` (`The cursor is not valid.`)');
  });

  it('limits: too deep an operation is refused with HTTP 400, OPERATION_TOO_COMPLEX and the limit named', async () => {
    const deep =
      '{ courses { edges { node { modules { lessons { course { modules { lessons { id } } } } } } } } }';
    const { status, body } = await post({ query: deep });
    expect([
      status,
      body.errors?.map((error) => [error.extensions.code, error.extensions.limit, error.message]),
    ]).toEqual([400, [['OPERATION_TOO_COMPLEX', 'depth', 'Query depth 9 exceeds the limit of 8.']]]);
    expect(guide('limits')).toContain('(`Query depth 9 exceeds the limit of\n8.`)');
  });
});
