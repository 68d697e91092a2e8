/**
 * The identity port of the commerce service and its adapter over identity's internal HTTP API
 * (`POST /internal/users`): the buyer's e-mail address, snapshotted on an order for its receipt.
 */
import { postInternal, type InternalCallOptions } from '@learncraft/kit';
import { z } from 'zod';

const usersAnswer = z.object({
  users: z.array(z.object({ id: z.string(), email: z.string(), displayName: z.string() })),
});
export type IdentityUser = z.infer<typeof usersAnswer>['users'][number];

export interface IdentityClient {
  /** The users with these ids (at most USERS_MAX_IDS); unknown ids are left out. */
  users(ids: readonly string[]): Promise<IdentityUser[]>;
}

/** Identity's limit per request. */
export const USERS_MAX_IDS = 100;

export function createHttpIdentityClient(options: Omit<InternalCallOptions, 'service'>): IdentityClient {
  const call = { ...options, service: 'identity' };
  return {
    users: async (ids) =>
      ids.length === 0
        ? []
        : (await postInternal(call, '/internal/users', { ids: [...new Set(ids)] }, usersAnswer)).users,
  };
}
