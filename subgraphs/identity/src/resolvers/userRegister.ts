/** Mutation.userRegister: create an account and sign it in. */
import type { IdentityContext } from '../context';

interface Args {
  input: { email: string; password: string; displayName: string };
}

export async function userRegister(_root: unknown, { input }: Args, { accounts }: IdentityContext) {
  const result = await accounts.register(input);
  if ('userErrors' in result) return { user: null, session: null, userErrors: result.userErrors };
  return { user: { ...result.user, provenOwner: true }, session: result.session, userErrors: [] };
}
