/** Mutation.apiKeyRevoke: an owner revokes a key; its tokens are refused within seconds. */
import { notFound } from '@learncraft/kit';
import type { IdentityContext } from '../context';
import { authorizeOrganizationOwner } from '../services/organizationAccess';

export async function apiKeyRevoke(
  _root: unknown,
  { input }: { input: { apiKeyId: string } },
  ctx: IdentityContext,
) {
  const key = await ctx.loaders.apiKeyById.load(input.apiKeyId);
  if (!key) throw notFound('ApiKey', input.apiKeyId);
  await authorizeOrganizationOwner(ctx, key.organizationId);
  const result = await ctx.apiKeys.revoke(key);
  if ('userErrors' in result) return { apiKey: null, userErrors: result.userErrors };
  return { apiKey: result.apiKey, userErrors: [] };
}
