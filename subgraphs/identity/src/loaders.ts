/** Per-request DataLoaders: one SQL query per batch of user ids. */
import { keyedLoader } from '@learncraft/kit';
import type { IdentityStores } from './stores';

export function createLoaders(stores: IdentityStores) {
  return {
    userById: keyedLoader(
      (ids: readonly string[]) => stores.users.byIds(ids),
      (user) => user.id,
    ),
  };
}

export type IdentityLoaders = ReturnType<typeof createLoaders>;
