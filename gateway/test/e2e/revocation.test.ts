/**
 * Signing out stops the access token at the gateway within a bounded time: after sessionRevoke the
 * gateway refuses the old access token with UNAUTHENTICATED, on HTTP and for new WebSocket
 * connections, within one revocation poll (REVOCATION_POLL_MS, 2 s by default) plus one request.
 */
import { startPlatform, demoAccount, type Platform } from './platform';
import { connect } from './wsClient';

const SIGN_IN = /* GraphQL */ `
  mutation ($input: SessionCreateInput!) {
    sessionCreate(input: $input) {
      session {
        accessToken
        refreshToken
      }
      userErrors {
        code
      }
    }
  }
`;
const REVOKE = /* GraphQL */ `
  mutation ($input: SessionRevokeInput!) {
    sessionRevoke(input: $input) {
      revoked
      userErrors {
        code
      }
    }
  }
`;
const ME = /* GraphQL */ `
  query {
    me {
      id
    }
  }
`;
/** The default poll interval plus slack for the poll's request and a loaded machine. */
const BOUND_MS = 2_000 + 1_000;

describe('sessionRevoke through the gateway', () => {
  let platform: Platform;
  beforeAll(async () => {
    platform = await startPlatform();
  });
  afterAll(() => platform?.close());

  const signIn = async () => {
    const account = demoAccount('learner@learncraft.dev');
    const result = await platform.graphql<{
      sessionCreate: { session: { accessToken: string; refreshToken: string } };
    }>(SIGN_IN, { input: { email: account.email, password: account.password } });
    return result.data!.sessionCreate.session;
  };

  it('refuses the signed-out access token with UNAUTHENTICATED within the bound, and keeps other sign-ins working', async () => {
    const session = await signIn();
    const other = await signIn();
    expect((await platform.graphql(ME, {}, session.accessToken)).data).toEqual({
      me: { id: demoAccount('learner@learncraft.dev').id },
    });

    const revoked = await platform.graphql(REVOKE, { input: { refreshToken: session.refreshToken } });
    expect(revoked.data).toEqual({ sessionRevoke: { revoked: true, userErrors: [] } });
    const revokedAt = performance.now();

    let refused: Awaited<ReturnType<Platform['graphql']>> | undefined;
    while (performance.now() - revokedAt < BOUND_MS + 2_000) {
      const attempt = await platform.graphql(ME, {}, session.accessToken);
      if (attempt.errors) {
        refused = attempt;
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const elapsedMs = performance.now() - revokedAt;
    expect(refused?.errors).toEqual([
      expect.objectContaining({
        message: 'This session has ended. Sign in again.',
        extensions: expect.objectContaining({ code: 'UNAUTHENTICATED' }),
      }),
    ]);
    expect(elapsedMs).toBeLessThanOrEqual(BOUND_MS);
    // Reported by the suite so the bound can be read off a run.
    process.stdout.write(`revocation reached the gateway after ${Math.round(elapsedMs)} ms\n`);

    expect((await platform.graphql(ME, {}, other.accessToken)).data).toEqual({
      me: { id: demoAccount('learner@learncraft.dev').id },
    });
  });

  it('refuses a new WebSocket connection with the signed-out token (4403)', async () => {
    const session = await signIn();
    await platform.graphql(REVOKE, { input: { refreshToken: session.refreshToken } });
    await new Promise((resolve) => setTimeout(resolve, BOUND_MS));
    const client = connect(platform.gateway.url, session.accessToken);
    expect(await client.closed).toBe(4403);
    await client.dispose();
  });
});
