/** Mutation.sessionCreate: sign in with email and password (RATE_LIMITED while a log-in limit holds). */
import { rateLimited } from '@learncraft/kit';
import type { IdentityContext } from '../context';

interface Args {
  input: { email: string; password: string };
}

export async function sessionCreate(
  _root: unknown,
  { input }: Args,
  { accounts, clientAddress }: IdentityContext,
) {
  const result = await accounts.signIn(input, clientAddress);
  if ('retryAfterSeconds' in result) throw rateLimited(result.retryAfterSeconds);
  if ('userErrors' in result) return { session: null, userErrors: result.userErrors };
  return { session: result.session, userErrors: [] };
}
