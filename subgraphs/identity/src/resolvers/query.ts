/** Query root fields. */
import type { IdentityContext } from '../context';

export const queryResolvers = {
  me: (_root: unknown, _args: unknown, { viewer, loaders }: IdentityContext) =>
    viewer ? loaders.userById.load(viewer.id) : null,
  // The gateway computed the figures before execution; identity only hands them back.
  rateLimit: (_root: unknown, _args: unknown, { rateLimit }: IdentityContext) =>
    rateLimit ? { ...rateLimit, resetAt: new Date(rateLimit.resetAt) } : null,
};
