/**
 * Token minting for tests of any subgraph: an in-memory Ed25519 key, a verifier that trusts it,
 * and access tokens signed exactly as identity signs them. Never used by production code paths.
 */
import { createTokenVerifier, type ApiKeyPrincipal, type Role, type TokenVerifier } from '@learncraft/kit';
import type { JSONWebKeySet } from 'jose';
import {
  createAccessTokenSigner,
  createApiKeyTokenSigner,
  generateSigningKey,
  type SignAccessTokenOptions,
} from './keys';

export interface TestTokenIssuer {
  publicKeyPem: string;
  jwks: JSONWebKeySet;
  /** Pass to `start<Name>Subgraph({ verifier })`. */
  verifier: TokenVerifier;
  /** A signed access token (15 minutes unless `ttlSeconds`/`issuedAt` say otherwise). */
  issueAccessToken(
    userId: string,
    roles?: readonly Role[],
    options?: SignAccessTokenOptions,
  ): Promise<string>;
  /** The token an API key is exchanged for at the gateway (15 minutes unless told otherwise). */
  issueApiKeyToken(
    apiKey: ApiKeyPrincipal,
    options?: Pick<SignAccessTokenOptions, 'issuedAt' | 'ttlSeconds'>,
  ): Promise<string>;
}

export async function createTestTokenIssuer(): Promise<TestTokenIssuer> {
  const key = await generateSigningKey();
  const sign = createAccessTokenSigner(key, { ttlSeconds: 900 });
  const signApiKey = createApiKeyTokenSigner(key, { ttlSeconds: 900 });
  return {
    publicKeyPem: key.publicKeyPem,
    jwks: key.jwks,
    verifier: createTokenVerifier({ publicKeyPem: key.publicKeyPem }),
    issueAccessToken: async (userId, roles = ['LEARNER'], options) =>
      (await sign(userId, roles, options)).token,
    issueApiKeyToken: async (apiKey, options) => (await signApiKey(apiKey, options)).token,
  };
}
