/** @learncraft/identity: accounts, sign-in sessions and the access-token signing key. */
export { loadConfig, identityConfigSchema, type IdentityConfig } from './config';
export {
  startIdentitySubgraph,
  IDENTITY_MIGRATIONS_DIR,
  JWKS_PATH,
  type IdentitySubgraphOptions,
  type RunningIdentitySubgraph,
} from './server';
export {
  createAccessTokenSigner,
  generateSigningKey,
  loadOrCreateSigningKey,
  signingKeyFromPem,
  SigningKeyError,
  SIGNING_KEY_FILE,
  type AccessToken,
  type AccessTokenSigner,
  type SignAccessTokenOptions,
  type SigningKey,
} from './keys';
export { createTestTokenIssuer, type TestTokenIssuer } from './testing';
export { seedDemoAccounts, seedDemoOrganization, DEMO_ORGANIZATION, type SeedOptions } from './seed';
export { AccountService, type Session } from './services/accounts';
export { IdentityErrorCode, OrganizationErrorCode, ApiKeyErrorCode } from './domain/userErrors';
export { API_KEY_EXCHANGE_PATH, INVALID_API_KEY_ANSWER, type ApiKeyExchangeAnswer } from './internal';
export {
  createStores,
  UserStore,
  SessionStore,
  type IdentityStores,
  type User,
  type RefreshTokenRecord,
} from './stores';

import { join } from 'node:path';
/** Path of the SDL file, for supergraph composition. */
export const IDENTITY_SCHEMA_PATH = join(__dirname, 'schema.graphql');
