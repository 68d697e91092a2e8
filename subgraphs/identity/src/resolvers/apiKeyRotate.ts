/** Mutation.apiKeyRotate: an owner replaces a key; the old one works for `graceSeconds` more. */
import { notFound } from '@learncraft/kit';
import type { IdentityContext } from '../context';
import { authorizeOrganizationOwner } from '../services/organizationAccess';

interface Args {
  input: { apiKeyId: string; graceSeconds?: number | null };
}

export async function apiKeyRotate(_root: unknown, { input }: Args, ctx: IdentityContext) {
  const previous = await ctx.loaders.apiKeyById.load(input.apiKeyId);
  if (!previous) throw notFound('ApiKey', input.apiKeyId);
  const owner = await authorizeOrganizationOwner(ctx, previous.organizationId);
  const result = await ctx.apiKeys.rotate(owner.userId, previous, input.graceSeconds);
  if ('userErrors' in result)
    return { apiKey: null, secret: null, previousApiKey: null, userErrors: result.userErrors };
  return { ...result, userErrors: [] };
}
