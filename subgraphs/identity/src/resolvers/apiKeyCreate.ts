/** Mutation.apiKeyCreate: an owner creates a key; the payload carries its secret, once. */
import type { IdentityContext } from '../context';
import { authorizeOrganizationOwner } from '../services/organizationAccess';

interface Args {
  input: { organizationId: string; name: string; scopes: string[]; expiresAt?: Date | null };
}

export async function apiKeyCreate(_root: unknown, { input }: Args, ctx: IdentityContext) {
  const owner = await authorizeOrganizationOwner(ctx, input.organizationId);
  const result = await ctx.apiKeys.create(owner.userId, input);
  if ('userErrors' in result) return { apiKey: null, secret: null, userErrors: result.userErrors };
  return { apiKey: result.apiKey, secret: result.secret, userErrors: [] };
}
