/**
 * The subgraphs named in a supergraph (`enum join__Graph` values carry `@join__graph(name, url)`),
 * with the URL overrides from configuration applied. The gateway routes with these endpoints and
 * the health route pings them; the supergraph file itself stays environment-neutral.
 */
import { Kind, parse, type ConstValueNode } from 'graphql';
import { ConfigError } from '@learncraft/kit';

export interface SubgraphEndpoint {
  name: string;
  /** The subgraph's GraphQL URL. */
  url: string;
}

/** `users` -> `USERS_URL`, `lab-runner` -> `LAB_RUNNER_URL`. */
export function subgraphUrlVariable(name: string): string {
  return `${name.toUpperCase().replace(/[^A-Z0-9]+/g, '_')}_URL`;
}

/** The subgraphs a supergraph routes to, in declaration order, as the supergraph names them. */
export function supergraphEndpoints(supergraphSdl: string): SubgraphEndpoint[] {
  const document = parse(supergraphSdl, { noLocation: true });
  const graphEnum = document.definitions.find(
    (definition) => definition.kind === Kind.ENUM_TYPE_DEFINITION && definition.name.value === 'join__Graph',
  );
  if (!graphEnum || graphEnum.kind !== Kind.ENUM_TYPE_DEFINITION) {
    throw new ConfigError(
      'The supergraph has no join__Graph enum; is it a composed Federation 2 supergraph?',
    );
  }
  return (graphEnum.values ?? []).map((value) => {
    const directive = value.directives?.find((d) => d.name.value === 'join__graph');
    const argument = (name: string) =>
      stringValue(directive?.arguments?.find((a) => a.name.value === name)?.value);
    const name = argument('name');
    const url = argument('url');
    if (!name || url === undefined) {
      throw new ConfigError(
        `Subgraph ${value.name.value} in the supergraph lacks @join__graph(name:, url:).`,
      );
    }
    return { name, url };
  });
}

/** Applies `<SUBGRAPH_NAME>_URL` overrides and checks that every endpoint is a usable URL. */
export function resolveEndpoints(
  endpoints: SubgraphEndpoint[],
  overrides: Record<string, string | undefined>,
): SubgraphEndpoint[] {
  return endpoints.map(({ name, url }) => {
    const variable = subgraphUrlVariable(name);
    const resolved = overrides[variable] ?? url;
    if (!URL.canParse(resolved) || !/^https?:$/.test(new URL(resolved).protocol)) {
      throw new ConfigError(
        overrides[variable] !== undefined
          ? `${variable} must be an http(s) URL, got "${resolved}".`
          : `Subgraph ${name} has no usable URL in the supergraph ("${resolved}"); set ${variable}.`,
      );
    }
    return { name, url: resolved };
  });
}

function stringValue(node: ConstValueNode | undefined): string | undefined {
  return node?.kind === Kind.STRING ? node.value : undefined;
}
