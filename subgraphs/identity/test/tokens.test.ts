import { createLocalJWKSet, jwtVerify, SignJWT, UnsecuredJWT } from 'jose';
import { createTokenVerifier } from '@learncraft/kit';
import { generateSigningKey } from '../src/keys';
import { ME, register, startTestIdentity, type TestIdentity } from './helpers';

describe('access tokens presented to identity', () => {
  let identity: TestIdentity;
  let userId: string;
  beforeAll(async () => {
    identity = await startTestIdentity();
    userId = (await register(identity)).user.id;
  });
  afterAll(() => identity.dispose());

  const expectUnauthenticated = async (token: string) => {
    const response = await identity.gql(ME, {}, token);
    expect(response.status).toBe(401);
    expect(response.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(response.body.data).toBeUndefined();
  };

  it('accepts a token it issued', async () => {
    const { token } = await identity.server.issueAccessToken(userId, ['LEARNER']);
    expect((await identity.gql(ME, {}, token)).body.data!.me.id).toBe(userId);
  });

  it('rejects an expired token with HTTP 401 UNAUTHENTICATED', async () => {
    const { token } = await identity.server.issueAccessToken(userId, ['LEARNER'], {
      issuedAt: new Date(Date.now() - 60 * 60 * 1000),
    });
    await expectUnauthenticated(token);
  });

  it('rejects a token signed by another key with HTTP 401 UNAUTHENTICATED', async () => {
    const forger = await generateSigningKey();
    const token = await new SignJWT({ roles: ['ADMIN'] })
      .setProtectedHeader({ alg: 'EdDSA', kid: identity.server.publicJwk.kid })
      .setIssuer('learncraft-identity')
      .setAudience('learncraft')
      .setSubject(userId)
      .setIssuedAt()
      .setExpirationTime('15m')
      .sign(forger.privateKey);
    await expectUnauthenticated(token);
  });

  it('rejects an unsigned `alg: none` token with HTTP 401 UNAUTHENTICATED', async () => {
    const token = new UnsecuredJWT({ roles: ['ADMIN'] })
      .setIssuer('learncraft-identity')
      .setAudience('learncraft')
      .setSubject(userId)
      .setIssuedAt()
      .setExpirationTime('15m')
      .encode();
    expect(token.endsWith('.')).toBe(true);
    await expectUnauthenticated(token);
  });

  it('rejects a token of its own key but for another audience with HTTP 401 UNAUTHENTICATED', async () => {
    const token = await new SignJWT({ roles: ['LEARNER'] })
      .setProtectedHeader({ alg: 'EdDSA' })
      .setIssuer('learncraft-identity')
      .setAudience('someone-else')
      .setSubject(userId)
      .setExpirationTime('15m')
      .sign(identity.signingKey.privateKey);
    await expectUnauthenticated(token);
  });

  it('serves its public key as a JWKS that verifies the tokens it issues', async () => {
    const response = await fetch(new URL('/.well-known/jwks.json', identity.server.url));
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('public, max-age=300');
    const jwks = (await response.json()) as { keys: Record<string, string>[] };
    expect(jwks).toEqual({
      keys: [
        {
          kty: 'OKP',
          crv: 'Ed25519',
          x: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
          kid: identity.server.publicJwk.kid,
          alg: 'EdDSA',
          use: 'sig',
        },
      ],
    });
    expect(JSON.stringify(jwks)).not.toContain('"d"');

    const { token } = await identity.server.issueAccessToken(userId, ['INSTRUCTOR']);
    const { payload } = await jwtVerify(token, createLocalJWKSet(jwks as never));
    expect(payload.sub).toBe(userId);
  });

  it('lets another service verify its tokens through the JWKS URL, as other subgraphs do', async () => {
    const verifier = createTokenVerifier({
      jwksUrl: new URL('/.well-known/jwks.json', identity.server.url).toString(),
    });
    const { token, expiresAt } = await identity.server.issueAccessToken(userId, ['LEARNER', 'INSTRUCTOR']);
    expect(await verifier.verify(token)).toEqual({
      id: userId,
      roles: ['LEARNER', 'INSTRUCTOR'],
      expiresAt: expiresAt.getTime() / 1000,
    });
  });
});
