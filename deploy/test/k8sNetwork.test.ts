/**
 * Who can reach whom under the rendered NetworkPolicies (both overlays), computed for every pair
 * of endpoints by k8sNetworkPolicy.ts and compared with what the services' own settings say they
 * call: the URLs in their ConfigMaps and the store variables in their environment.
 */
import { type Endpoint, NetworkModel, inCidr, matchesSelector } from './k8sNetworkPolicy';
import { type Manifest, named, ofKind, renderOverlay } from './k8sRender';

const APP_PORTS = [4000, 4001, 4002, 4003, 4004, 4005, 4006];
/** The store each connection variable names, and its port. */
const STORE_PORTS: Record<string, number> = {
  DATABASE_URL: 5432,
  REDIS_URL: 6379,
  MONGODB_URL: 27017,
  ELASTICSEARCH_URL: 9200,
  QDRANT_URL: 6333,
};
const STORE_NAMES: Record<number, string> = {
  5432: 'postgres',
  6379: 'redis',
  27017: 'mongodb',
  9200: 'elasticsearch',
  6333: 'qdrant',
};

const pod = (name: string, namespace: string, labels: Record<string, string>): Endpoint => ({
  pod: name,
  namespace,
  labels,
});
const INGRESS_CONTROLLER = pod('ingress-nginx', 'ingress-nginx', {
  'app.kubernetes.io/name': 'ingress-nginx',
});
const KUBE_DNS = pod('kube-dns', 'kube-system', { 'k8s-app': 'kube-dns' });
/** Same labels as the gateway, another namespace: must not pass for it. */
const LOOKALIKE = pod('lookalike', 'default', { 'app.kubernetes.io/name': 'gateway' });
/** A pod without LearnCraft labels started in the app namespace (a debug shell). */
const INTRUDER = pod('intruder', 'learncraft', {});
const SANDBOX = pod('sandbox', 'learncraft-labs', { 'app.kubernetes.io/managed-by': 'learncraft-labs' });
const MANAGED_STORE: Endpoint = { external: 'managed-store', ip: '10.20.0.5' };
const PUBLIC_HTTPS: Endpoint = { external: 'public', ip: '203.0.113.7' };
const METADATA: Endpoint = { external: 'metadata', ip: '169.254.169.254' };

const nameOf = (endpoint: Endpoint) => ('pod' in endpoint ? endpoint.pod : endpoint.external);

function setup(manifests: Manifest[]) {
  const namespaceLabels = Object.fromEntries(
    ofKind(manifests, 'Namespace').map((n) => [n.metadata.name, n.metadata.labels ?? {}]),
  );
  const model = new NetworkModel(ofKind(manifests, 'NetworkPolicy'), namespaceLabels);
  const deployments = ofKind(manifests, 'Deployment');
  const services = deployments.map((d) =>
    pod(d.metadata.name, d.metadata.namespace!, d.spec.template.metadata.labels),
  );
  const stores = ofKind(manifests, 'StatefulSet').map((s) =>
    pod(s.metadata.name, s.metadata.namespace!, s.spec.template.metadata.labels),
  );
  return { model, deployments, services, stores };
}

/** `caller→service:port` for every URL of a sibling in a service's ConfigMap, and the ingress controller's. */
function callsFromSettings(manifests: Manifest[], deployments: Manifest[]): string[] {
  const calls = new Set(['ingress-nginx→gateway:4000']);
  for (const deployment of deployments) {
    for (const ref of deployment.spec.template.spec.containers[0].envFrom) {
      const data: Record<string, string> = named(manifests, 'ConfigMap', ref.configMapRef.name).data;
      for (const [variable, value] of Object.entries(data)) {
        if (!variable.endsWith('_URL') || !/^https?:\/\/[a-z]+:\d+/.test(value)) continue;
        const url = new URL(value);
        calls.add(`${deployment.metadata.name}→${url.hostname}:${url.port}`);
      }
    }
  }
  return [...calls].sort();
}

/** The store ports a Deployment's environment names (DATABASE_URL → 5432, …). */
function storePortsOf(deployment: Manifest): number[] {
  return deployment.spec.template.spec.containers[0].env
    .map((entry: { name: string }) => STORE_PORTS[entry.name])
    .filter((port: number | undefined) => port !== undefined)
    .sort((a: number, b: number) => a - b);
}

const rendered = { dev: renderOverlay('dev'), prod: renderOverlay('prod') };

describe.each(['dev', 'prod'] as const)('network policies of the %s overlay', (overlay) => {
  const manifests = rendered[overlay];
  const { model, deployments, services, stores } = setup(manifests);
  const everyone = [...services, ...stores, INGRESS_CONTROLLER, KUBE_DNS, LOOKALIKE, INTRUDER, SANDBOX];

  test('the app namespace denies everything by default, in and out', () => {
    expect(named(manifests, 'NetworkPolicy', 'default-deny', 'learncraft').spec).toEqual({
      podSelector: {},
      policyTypes: ['Ingress', 'Egress'],
    });
  });

  test('between pods, exactly the calls the settings name are open: ingress to the gateway, gateway to subgraphs, siblings to internal routes', () => {
    const open: string[] = [];
    for (const source of everyone)
      for (const target of [...services, SANDBOX])
        for (const port of APP_PORTS)
          if (source !== target && model.allows(source, target, port))
            open.push(`${nameOf(source)}→${nameOf(target)}:${port}`);
    expect(open.sort()).toEqual(callsFromSettings(manifests, deployments));
    // Spelled out, so a change to the settings that widens the graph shows up here too.
    expect(open.filter((call) => call.endsWith('→identity:4001')).sort()).toEqual([
      'commerce→identity:4001',
      'gateway→identity:4001',
      'progress→identity:4001',
    ]);
    expect(open.filter((call) => call.startsWith('gateway→'))).toHaveLength(6);
    expect(open.filter((call) => call.endsWith('→ai:4005'))).toEqual(['gateway→ai:4005']);
    expect(open.filter((call) => call.endsWith('→gateway:4000'))).toEqual(['ingress-nginx→gateway:4000']);
  });

  test('every service resolves names through kube-dns, over UDP and TCP; sandboxes do not', () => {
    for (const service of services) {
      expect([nameOf(service), model.allows(service, KUBE_DNS, 53, 'UDP')]).toEqual([nameOf(service), true]);
      expect([nameOf(service), model.allows(service, KUBE_DNS, 53, 'TCP')]).toEqual([nameOf(service), true]);
    }
    expect(model.allows(SANDBOX, KUBE_DNS, 53, 'UDP')).toBe(false);
  });

  test('each service reaches outside the cluster exactly the store ports its environment names', () => {
    for (const deployment of deployments) {
      const source = services.find((s) => nameOf(s) === deployment.metadata.name)!;
      const reachable = Object.values(STORE_PORTS)
        .filter((port) => model.allows(source, MANAGED_STORE, port))
        .sort((a, b) => a - b);
      expect([deployment.metadata.name, reachable]).toEqual([
        deployment.metadata.name,
        storePortsOf(deployment),
      ]);
    }
    expect(storePortsOf(named(manifests, 'Deployment', 'gateway'))).toEqual([6379]);
    expect(storePortsOf(named(manifests, 'Deployment', 'catalog'))).toEqual([6379, 9200, 27017]);
    expect(storePortsOf(named(manifests, 'Deployment', 'ai'))).toEqual([5432, 6333, 6379]);
  });

  test('public HTTPS is open to identity (webhooks), labs (the API server), ai (the LLM) and commerce (Stripe) only', () => {
    expect(
      services
        .filter((s) => model.allows(s, PUBLIC_HTTPS, 443))
        .map(nameOf)
        .sort(),
    ).toEqual(['ai', 'commerce', 'identity', 'labs']);
    expect(services.filter((s) => model.allows(s, PUBLIC_HTTPS, 80)).map(nameOf)).toEqual([]);
    // Inside the network, port 443 is the Kubernetes API's, for labs alone.
    expect(services.filter((s) => model.allows(s, MANAGED_STORE, 443)).map(nameOf)).toEqual(['labs']);
  });

  test('no LearnCraft pod (nor a stray one in its namespaces) reaches the cloud metadata address', () => {
    for (const source of [...services, ...stores, INTRUDER, SANDBOX])
      for (const port of [80, 443, 8080])
        expect([nameOf(source), port, model.allows(source, METADATA, port)]).toEqual([
          nameOf(source),
          port,
          false,
        ]);
  });

  test('a lab sandbox reaches nothing and nothing reaches it', () => {
    for (const target of [...everyone, MANAGED_STORE, PUBLIC_HTTPS])
      for (const port of [...APP_PORTS, 53, 80, 443, 6443, ...Object.values(STORE_PORTS)])
        if (target !== SANDBOX)
          expect([nameOf(target), port, model.allows(SANDBOX, target, port)]).toEqual([
            nameOf(target),
            port,
            false,
          ]);
    for (const source of everyone)
      for (const port of [22, 80, 443, 3000, 8080])
        if (source !== SANDBOX)
          expect([nameOf(source), port, model.allows(source, SANDBOX, port)]).toEqual([
            nameOf(source),
            port,
            false,
          ]);
  });
});

describe('network policies of the dev stores', () => {
  const manifests = rendered.dev;
  const { model, deployments, services, stores } = setup(manifests);

  test('each in-cluster store is reachable by exactly the services whose environment names it, on its port', () => {
    const open: string[] = [];
    for (const source of [...services, ...stores, INGRESS_CONTROLLER, LOOKALIKE, INTRUDER, SANDBOX])
      for (const store of stores)
        for (const port of Object.values(STORE_PORTS))
          if (source !== store && model.allows(source, store, port))
            open.push(`${nameOf(source)}→${nameOf(store)}:${port}`);
    const expected = deployments.flatMap((deployment) =>
      storePortsOf(deployment).map((port) => `${deployment.metadata.name}→${STORE_NAMES[port]}:${port}`),
    );
    expect(open.sort()).toEqual(expected.sort());
    // gateway 1 (Redis), identity, progress, labs, commerce 2 each, catalog and ai 3 each.
    expect(expected).toHaveLength(15);
  });

  test('the stores open no connection of their own', () => {
    for (const store of stores)
      for (const target of [...services, KUBE_DNS, MANAGED_STORE, PUBLIC_HTTPS])
        expect([
          nameOf(store),
          nameOf(target),
          model.allows(store, target, 443) || model.allows(store, target, 53, 'UDP'),
        ]).toEqual([nameOf(store), nameOf(target), false]);
  });
});

describe('the NetworkPolicy evaluator', () => {
  test('matches label selectors and CIDRs as the API does', () => {
    expect(matchesSelector({ matchLabels: { a: '1' } }, { a: '1', b: '2' })).toBe(true);
    expect(
      matchesSelector({ matchExpressions: [{ key: 'a', operator: 'In', values: ['2'] }] }, { a: '1' }),
    ).toBe(false);
    expect(matchesSelector({ matchExpressions: [{ key: 'a', operator: 'NotIn', values: ['2'] }] }, {})).toBe(
      true,
    );
    expect(matchesSelector({}, {})).toBe(true);
    expect(inCidr('10.20.0.5', '10.0.0.0/8')).toBe(true);
    expect(inCidr('172.32.0.1', '172.16.0.0/12')).toBe(false);
    expect(inCidr('203.0.113.7', '0.0.0.0/0')).toBe(true);
  });

  test('a pod no policy isolates is open, and a default-deny closes it', () => {
    const a = pod('a', 'ns', { app: 'a' });
    const b = pod('b', 'ns', { app: 'b' });
    expect(new NetworkModel([], {}).allows(a, b, 80)).toBe(true);
    const deny = {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'deny', namespace: 'ns' },
      spec: { podSelector: {}, policyTypes: ['Ingress'] },
    };
    expect(new NetworkModel([deny], {}).allows(a, b, 80)).toBe(false);
  });
});
