/** Mutation.passwordResetRequest: mail a reset link if an account has the email (same answer either way). */
import { rateLimited } from '@learncraft/kit';
import type { IdentityContext } from '../context';

interface Args {
  input: { email: string };
}

export async function passwordResetRequest(
  _root: unknown,
  { input }: Args,
  { passwordResets, clientAddress }: IdentityContext,
) {
  const result = await passwordResets.request(input, clientAddress);
  if ('retryAfterSeconds' in result) throw rateLimited(result.retryAfterSeconds);
  if ('userErrors' in result) return { requested: false, userErrors: result.userErrors };
  return { requested: true, userErrors: [] };
}
