/** What every identity resolver receives. */
import type { RequestBase } from '@learncraft/kit';
import type { AccountService } from './accounts';
import type { IdentityLoaders } from './loaders';
import type { PasswordResetService } from './passwordResets';
import type { IdentityStores } from './stores';

export interface IdentityContext extends RequestBase {
  stores: IdentityStores;
  loaders: IdentityLoaders;
  accounts: AccountService;
  passwordResets: PasswordResetService;
}
