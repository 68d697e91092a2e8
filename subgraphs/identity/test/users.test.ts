import { randomUUID } from 'node:crypto';
import { ME, SIGN_IN, register, startTestIdentity, type TestIdentity } from './helpers';

const USER_QUERY = `
  query Users($representations: [_Any!]!) {
    _entities(representations: $representations) { ... on User { id email displayName roles } }
  }
`;

describe('User visibility and federation references', () => {
  let identity: TestIdentity;
  beforeAll(async () => {
    identity = await startTestIdentity();
  });
  afterAll(() => identity.dispose());

  const entities = (ids: string[], accessToken?: string) =>
    identity.gql(USER_QUERY, { representations: ids.map((id) => ({ __typename: 'User', id })) }, accessToken);

  it('hides a user’s email from another signed-in user but shows the rest', async () => {
    const owner = await register(identity);
    const other = await register(identity);
    const response = await entities([owner.user.id], other.session.accessToken);
    expect(response.body).toEqual({
      data: {
        _entities: [
          { id: owner.user.id, email: null, displayName: owner.user.displayName, roles: ['LEARNER'] },
        ],
      },
    });
  });

  it('hides the email from anonymous callers', async () => {
    const owner = await register(identity);
    expect((await entities([owner.user.id])).body.data!._entities[0].email).toBeNull();
  });

  it('shows the email to its owner and to an administrator', async () => {
    const owner = await register(identity);
    const admin = await identity.server.issueAccessToken(randomUUID(), ['LEARNER', 'ADMIN']);
    expect((await entities([owner.user.id], owner.session.accessToken)).body.data!._entities[0].email).toBe(
      owner.input.email,
    );
    expect((await entities([owner.user.id], admin.token)).body.data!._entities[0].email).toBe(
      owner.input.email,
    );
  });

  it('shows the email in the session a sign-in returns, before any access token is sent', async () => {
    const owner = await register(identity);
    const response = await identity.gql(SIGN_IN, {
      input: { email: owner.input.email, password: owner.input.password },
    });
    expect(response.body.data!.sessionCreate.session.user.email).toBe(owner.input.email);
  });

  it('resolves many references with one database query, in order, with null for unknown ids', async () => {
    const [a, b, c] = [await register(identity), await register(identity), await register(identity)];
    const before = identity.database.metrics.get('db_queries_total');
    const response = await entities([c.user.id, randomUUID(), a.user.id, b.user.id, 'not-a-uuid']);
    expect(identity.database.metrics.get('db_queries_total')).toBe(before + 1);
    expect(response.body.data!._entities.map((user: { id: string } | null) => user?.id ?? null)).toEqual([
      c.user.id,
      null,
      a.user.id,
      b.user.id,
      null,
    ]);
  });

  it('returns null for `me` when the token names an account that does not exist', async () => {
    const { token } = await identity.server.issueAccessToken(randomUUID(), ['LEARNER']);
    expect((await identity.gql(ME, {}, token)).body).toEqual({ data: { me: null } });
  });
});
