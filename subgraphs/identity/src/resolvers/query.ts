/** Query root fields. */
import type { IdentityContext } from '../context';

export const queryResolvers = {
  me: (_root: unknown, _args: unknown, { viewer, loaders }: IdentityContext) =>
    viewer ? loaders.userById.load(viewer.id) : null,
};
