/**
 * What an API key may call in a subgraph: each root field an API key may use carries
 * `@apiKeyScope(scope: "area:action")` in the SDL (or `"any"`: every key); every other root field
 * is refused to keys with FORBIDDEN before anything runs, on HTTP and WebSocket alike. Default
 * deny, so a field added later is closed to partners until someone decides its scope.
 *
 * `_entities` is the gateway fetching fields of entities for the rest of a plan whose root field
 * was already checked; the resolvers of those fields authorize the key in their own domain
 * (e.g. `Organization.enrollments` checks `progress:read` and the organization).
 */
import {
  GraphQLError,
  Kind,
  type DocumentNode,
  type FragmentDefinitionNode,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import { isScope, type ApiKeyPrincipal, type ApiKeyScopeName } from './auth';
import { forbidden } from './errors';

/** The scope a root field needs from a key; `any` for every key. Keyed `Query.courses`. */
export type ApiKeyFieldScopes = ReadonlyMap<string, ApiKeyScopeName | 'any'>;

/** Root fields the gateway calls on behalf of an already authorized plan. */
const PLAN_FIELDS = new Set(['_entities', '__typename']);

/** Reads `@apiKeyScope(scope:)` from the root fields of a subgraph's SDL; throws on an unknown scope. */
export function apiKeyScopesFromSdl(document: DocumentNode): ApiKeyFieldScopes {
  const scopes = new Map<string, ApiKeyScopeName | 'any'>();
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.OBJECT_TYPE_DEFINITION && definition.kind !== Kind.OBJECT_TYPE_EXTENSION)
      continue;
    for (const field of definition.fields ?? []) {
      const directive = field.directives?.find((candidate) => candidate.name.value === 'apiKeyScope');
      const argument = directive?.arguments?.find((candidate) => candidate.name.value === 'scope');
      if (!directive) continue;
      const scope = argument?.value.kind === Kind.STRING ? argument.value.value : '';
      if (scope !== 'any' && !isScope(scope))
        throw new Error(
          `@apiKeyScope on ${definition.name.value}.${field.name.value}: unknown scope "${scope}"`,
        );
      scopes.set(`${definition.name.value}.${field.name.value}`, scope);
    }
  }
  return scopes;
}

const ROOT_TYPES = { query: 'Query', mutation: 'Mutation', subscription: 'Subscription' } as const;

/**
 * The error for an operation an API key may not run (the first root field it may not call), or
 * null. Fragments spread at the root are followed.
 */
export function apiKeyOperationError(
  apiKey: ApiKeyPrincipal,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  scopes: ApiKeyFieldScopes,
): GraphQLError | null {
  const rootType = ROOT_TYPES[operation.operation];
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions)
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  const seen = new Set<string>();
  const check = (selectionSet: SelectionSetNode): GraphQLError | null => {
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.INLINE_FRAGMENT) {
        const error = check(selection.selectionSet);
        if (error) return error;
        continue;
      }
      if (selection.kind === Kind.FRAGMENT_SPREAD) {
        const name = selection.name.value;
        const fragment = fragments.get(name);
        if (!fragment || seen.has(name)) continue;
        seen.add(name);
        const error = check(fragment.selectionSet);
        if (error) return error;
        continue;
      }
      const field = selection.name.value;
      if (PLAN_FIELDS.has(field)) continue;
      const scope = scopes.get(`${rootType}.${field}`);
      if (!scope)
        return forbidden(`API keys cannot use ${rootType}.${field}; it needs a signed-in person.`, {
          field: `${rootType}.${field}`,
        });
      if (scope !== 'any' && !apiKey.scopes.includes(scope))
        return forbidden(`This API key lacks the scope ${scope} that ${rootType}.${field} needs.`, {
          requiredScope: scope,
          field: `${rootType}.${field}`,
        });
    }
    return null;
  };
  return check(operation.selectionSet);
}
