/** Session fields: whoever receives a session has just proved they own its account. */
import type { Session } from '../services/accounts';
import type { UserParent } from './user';

export const sessionResolvers = {
  user: (session: Session): UserParent => ({ ...session.user, provenOwner: true }),
};
