/** Mutation.sessionRevoke: sign out the session a refresh token belongs to. */
import type { IdentityContext } from '../context';

interface Args {
  input: { refreshToken: string };
}

export function sessionRevoke(_root: unknown, { input }: Args, { accounts }: IdentityContext) {
  return accounts.revoke(input.refreshToken);
}
