/** ApiKey fields and Query.apiKey (the key the request is sent with). The secret is never here. */
import { scopeToEnum } from '@learncraft/kit';
import type { IdentityContext } from '../context';
import { apiKeyPrefix } from '../domain/apiKeys';
import type { ApiKeyRecord } from '../stores';

export function apiKeyQuery(_root: unknown, _args: unknown, { apiKey, loaders }: IdentityContext) {
  return apiKey ? loaders.apiKeyById.load(apiKey.id) : null;
}

export const apiKeyResolvers = {
  organization: (key: ApiKeyRecord, _args: unknown, { loaders }: IdentityContext) =>
    loaders.organizationById.load(key.organizationId),
  prefix: (key: ApiKeyRecord) => apiKeyPrefix(key.publicId),
  scopes: (key: ApiKeyRecord) => key.scopes.map(scopeToEnum),
  createdBy: (key: ApiKeyRecord, _args: unknown, { loaders }: IdentityContext) =>
    key.createdBy ? loaders.userById.load(key.createdBy) : null,
};
