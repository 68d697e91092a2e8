/** What every identity resolver receives. */
import type { RequestBase } from '@learncraft/kit';
import type { AccountService } from './services/accounts';
import type { ApiKeyService } from './services/apiKeys';
import type { IdentityLoaders } from './loaders';
import type { OrganizationService } from './services/organizations';
import type { PasswordResetService } from './services/passwordResets';
import type { IdentityStores } from './stores';
import type { WebhookRequest } from './resolvers/webhooks';

export interface IdentityContext extends RequestBase {
  stores: IdentityStores;
  loaders: IdentityLoaders;
  accounts: AccountService;
  passwordResets: PasswordResetService;
  organizations: OrganizationService;
  apiKeys: ApiKeyService;
  webhooks: WebhookRequest;
}
