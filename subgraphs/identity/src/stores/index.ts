/** The identity stores over one drizzle handle, and a way to run several writes in one transaction. */
import type { Drizzle } from '@learncraft/kit';
import { ApiKeyStore } from './apiKeyStore';
import { InvitationStore } from './invitationStore';
import { OrganizationStore } from './organizationStore';
import { PasswordResetStore } from './passwordResetStore';
import { SessionStore } from './sessionStore';
import { UserStore } from './userStore';

export {
  SessionStore,
  type NewRefreshToken,
  type RefreshTokenRecord,
  type RevokedSession,
  type Rotation,
} from './sessionStore';
export { PasswordResetStore, type PasswordResetRecord } from './passwordResetStore';
export { UserStore, type NewUser, type User } from './userStore';
export { OrganizationStore, type Organization, type OrganizationMembership } from './organizationStore';
export { InvitationStore, type InvitationRecord } from './invitationStore';
export { ApiKeyStore, type ApiKeyRecord, type NewApiKey } from './apiKeyStore';

export interface IdentityStores {
  users: UserStore;
  sessions: SessionStore;
  passwordResets: PasswordResetStore;
  organizations: OrganizationStore;
  invitations: InvitationStore;
  apiKeys: ApiKeyStore;
  /** Runs `work` with stores bound to one transaction: all of its writes commit, or none. */
  transaction<T>(work: (stores: IdentityStores) => Promise<T>): Promise<T>;
}

export function createStores(db: Drizzle): IdentityStores {
  return {
    users: new UserStore(db),
    sessions: new SessionStore(db),
    passwordResets: new PasswordResetStore(db),
    organizations: new OrganizationStore(db),
    invitations: new InvitationStore(db),
    apiKeys: new ApiKeyStore(db),
    transaction: (work) => db.transaction((tx) => work(createStores(tx))),
  };
}
