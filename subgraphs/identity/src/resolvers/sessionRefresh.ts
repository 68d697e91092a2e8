/** Mutation.sessionRefresh: rotate a refresh token into a new session. */
import type { IdentityContext } from '../context';

interface Args {
  input: { refreshToken: string };
}

export async function sessionRefresh(_root: unknown, { input }: Args, { accounts }: IdentityContext) {
  const result = await accounts.refresh(input.refreshToken);
  if ('userErrors' in result) return { session: null, userErrors: result.userErrors };
  return { session: result.session, userErrors: [] };
}
