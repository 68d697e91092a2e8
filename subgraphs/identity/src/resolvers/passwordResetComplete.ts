/** Mutation.passwordResetComplete: set a new password with a reset token; every session ends. */
import type { IdentityContext } from '../context';

interface Args {
  input: { token: string; newPassword: string };
}

export async function passwordResetComplete(
  _root: unknown,
  { input }: Args,
  { passwordResets }: IdentityContext,
) {
  const result = await passwordResets.complete(input);
  if ('userErrors' in result) return { user: null, userErrors: result.userErrors };
  return { user: { ...result.user, provenOwner: true }, userErrors: [] };
}
