/**
 * Evaluates rendered NetworkPolicies (networking.k8s.io/v1 semantics) for the k8s tests: can
 * endpoint A open a connection to endpoint B on a port? A connection needs the source's egress
 * and the destination's ingress to allow it; a pod no policy selects (for that direction) is not
 * isolated. Like Cilium, and unlike some CNIs, an `ipBlock` is taken to match only addresses
 * outside the cluster, never pods: a policy that relies on ipBlock to reach a pod fails here.
 * Only what the manifests use is supported; anything else throws rather than guess.
 */
import type { Manifest } from './k8sRender';

/** A pod (namespace + labels) or an address outside the cluster. */
export type Endpoint =
  { pod: string; namespace: string; labels: Record<string, string> } | { external: string; ip: string };

type Selector = {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
};
type Peer = {
  podSelector?: Selector;
  namespaceSelector?: Selector;
  ipBlock?: { cidr: string; except?: string[] };
};
type PortRule = { protocol?: string; port?: number | string; endPort?: number };
type Rule = { from?: Peer[]; to?: Peer[]; ports?: PortRule[] };

export function matchesSelector(selector: Selector | undefined, labels: Record<string, string>): boolean {
  if (!selector) return true;
  for (const [key, value] of Object.entries(selector.matchLabels ?? {}))
    if (labels[key] !== value) return false;
  for (const { key, operator, values = [] } of selector.matchExpressions ?? []) {
    const has = key in labels;
    const ok =
      operator === 'In'
        ? has && values.includes(labels[key]!)
        : operator === 'NotIn'
          ? !has || !values.includes(labels[key]!)
          : operator === 'Exists'
            ? has
            : operator === 'DoesNotExist'
              ? !has
              : unsupported(`selector operator ${operator}`);
    if (!ok) return false;
  }
  return true;
}

function unsupported(what: string): never {
  throw new Error(`the NetworkPolicy evaluator does not support ${what}`);
}

const ipv4 = (ip: string) => ip.split('.').reduce((value, octet) => value * 256 + Number(octet), 0);

export function inCidr(ip: string, cidr: string): boolean {
  const [base, bits] = cidr.split('/');
  if (!base || bits === undefined || base.includes(':')) return unsupported(`CIDR ${cidr}`);
  const size = 2 ** (32 - Number(bits));
  return Math.floor(ipv4(ip) / size) === Math.floor(ipv4(base) / size);
}

export class NetworkModel {
  constructor(
    private readonly policies: Manifest[],
    /** Labels of each namespace (kubernetes.io/metadata.name is added by the API server). */
    private readonly namespaceLabels: Record<string, Record<string, string>>,
  ) {}

  /** Whether `source` may open a connection to `target` on `port`. */
  allows(source: Endpoint, target: Endpoint, port: number, protocol: 'TCP' | 'UDP' = 'TCP'): boolean {
    const egress = 'pod' in source ? this.permits(source, 'Egress', target, port, protocol) : true;
    const ingress = 'pod' in target ? this.permits(target, 'Ingress', source, port, protocol) : true;
    return egress && ingress;
  }

  private permits(
    pod: Extract<Endpoint, { pod: string }>,
    direction: 'Ingress' | 'Egress',
    peer: Endpoint,
    port: number,
    protocol: string,
  ): boolean {
    const applicable = this.policies.filter(
      (policy) =>
        policy.metadata.namespace === pod.namespace &&
        matchesSelector(policy.spec.podSelector, pod.labels) &&
        policyTypes(policy).includes(direction),
    );
    if (applicable.length === 0) return true;
    return applicable.some((policy) => {
      const rules: Rule[] = (direction === 'Ingress' ? policy.spec.ingress : policy.spec.egress) ?? [];
      return rules.some((rule) => {
        const peers = direction === 'Ingress' ? rule.from : rule.to;
        const peerOk =
          !peers ||
          peers.length === 0 ||
          peers.some((p) => this.peerMatches(p, policy.metadata.namespace!, peer));
        return peerOk && portMatches(rule.ports, port, protocol);
      });
    });
  }

  private peerMatches(peer: Peer, policyNamespace: string, endpoint: Endpoint): boolean {
    if (peer.ipBlock) {
      if (!('ip' in endpoint)) return false;
      const { cidr, except = [] } = peer.ipBlock;
      return inCidr(endpoint.ip, cidr) && !except.some((block) => inCidr(endpoint.ip, block));
    }
    if (!('pod' in endpoint)) return false;
    const namespaceOk = peer.namespaceSelector
      ? matchesSelector(peer.namespaceSelector, this.labelsOf(endpoint.namespace))
      : endpoint.namespace === policyNamespace;
    return namespaceOk && matchesSelector(peer.podSelector, endpoint.labels);
  }

  private labelsOf(namespace: string): Record<string, string> {
    return { ...this.namespaceLabels[namespace], 'kubernetes.io/metadata.name': namespace };
  }
}

function policyTypes(policy: Manifest): string[] {
  return policy.spec.policyTypes ?? (policy.spec.egress ? ['Ingress', 'Egress'] : ['Ingress']);
}

function portMatches(ports: PortRule[] | undefined, port: number, protocol: string): boolean {
  if (!ports || ports.length === 0) return true;
  return ports.some((rule) => {
    if ((rule.protocol ?? 'TCP') !== protocol) return false;
    if (rule.port === undefined) return true;
    if (typeof rule.port === 'string') return unsupported(`named port ${rule.port}`);
    return rule.endPort === undefined ? rule.port === port : port >= rule.port && port <= rule.endPort;
  });
}
