/**
 * The Kubernetes manifests (deploy/k8s), rendered offline with `kubectl kustomize` for both
 * overlays: every object validated against the Kubernetes schemas (kubernetes-models), then the
 * deployment rules checked with exact values, and every service's environment parsed by that
 * service's own config schema.
 */
import { generateKeyPairSync } from 'node:crypto';
import path from 'node:path';
import { z } from 'zod';
import { Deployment, StatefulSet } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { Ingress, NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { Role, RoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1';
import {
  ConfigMap,
  Namespace,
  PersistentVolumeClaim,
  ResourceQuota,
  Secret,
  Service,
  ServiceAccount,
} from 'kubernetes-models/v1';
import {
  gatewayConfigSchema,
  loadConfig as loadGatewayConfig,
  persistedOperationsMode,
} from '@learncraft/gateway/src/config';
import { identityConfigSchema, loadConfig as loadIdentityConfig } from '@learncraft/identity/src/config';
import { catalogConfigSchema, loadConfig as loadCatalogConfig } from '@learncraft/catalog/src/config';
import { progressConfigSchema, loadConfig as loadProgressConfig } from '@learncraft/progress/src/config';
import { labsConfigSchema, loadConfig as loadLabsConfig } from '@learncraft/labs/src/config';
import { aiConfigSchema, loadConfig as loadAiConfig } from '@learncraft/ai/src/config';
import { commerceConfigSchema, loadConfig as loadCommerceConfig } from '@learncraft/commerce/src/config';
import {
  labNamespaceManifest,
  labNetworkPolicyManifest,
  labRoleManifest,
} from '@learncraft/labs/src/runtime/kubernetes/manifests';
import { createFieldChecker } from './k8sFields';
import {
  K8S_DIR,
  KubectlMissingError,
  type Manifest,
  named,
  ofKind,
  readEnvFile,
  renderOverlay,
} from './k8sRender';

const SERVICES = {
  gateway: { port: 4000, schema: gatewayConfigSchema, load: loadGatewayConfig },
  identity: { port: 4001, schema: identityConfigSchema, load: loadIdentityConfig },
  catalog: { port: 4002, schema: catalogConfigSchema, load: loadCatalogConfig },
  progress: { port: 4003, schema: progressConfigSchema, load: loadProgressConfig },
  labs: { port: 4004, schema: labsConfigSchema, load: loadLabsConfig },
  ai: { port: 4005, schema: aiConfigSchema, load: loadAiConfig },
  commerce: { port: 4006, schema: commerceConfigSchema, load: loadCommerceConfig },
} as const;
type ServiceName = keyof typeof SERVICES;
const SERVICE_NAMES = Object.keys(SERVICES) as ServiceName[];

const APP_NAMESPACE = 'learncraft';
const LABS_NAMESPACE = 'learncraft-labs';

/** The schema class of every kind the overlays may render; a kind missing here fails the test. */
const MODELS: Record<string, new (data: any) => { validate(): void }> = {
  'apps/v1/Deployment': Deployment,
  'apps/v1/StatefulSet': StatefulSet,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
  'networking.k8s.io/v1/Ingress': Ingress,
  'networking.k8s.io/v1/NetworkPolicy': NetworkPolicy,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'rbac.authorization.k8s.io/v1/Role': Role,
  'rbac.authorization.k8s.io/v1/RoleBinding': RoleBinding,
  'v1/ConfigMap': ConfigMap,
  'v1/Namespace': Namespace,
  'v1/PersistentVolumeClaim': PersistentVolumeClaim,
  'v1/ResourceQuota': ResourceQuota,
  'v1/Secret': Secret,
  'v1/Service': Service,
  'v1/ServiceAccount': ServiceAccount,
};

const fields = createFieldChecker(Object.keys(MODELS));

/** The schema's validate(), then no field the schema does not declare (what strict validation adds). */
function validateManifest(manifest: Manifest): void {
  const kindKey = `${manifest.apiVersion}/${manifest.kind}`;
  const Model = MODELS[kindKey];
  if (!Model)
    throw new Error(`no schema for ${manifest.apiVersion} ${manifest.kind} ${manifest.metadata.name}`);
  new Model(manifest.kind === 'Secret' ? unwrapSecretData(manifest) : manifest).validate();
  const unknown = fields.unknownFields(kindKey, manifest);
  if (unknown.length > 0) throw new Error(`fields the schema does not declare: ${unknown.join(', ')}`);
}

/**
 * kustomize folds long base64 values over several lines; the API server's decoder ignores the
 * line breaks (Go's base64 skips \r and \n), the schema's `byte` format does not.
 */
function unwrapSecretData(secret: Manifest): Manifest {
  const data = Object.entries((secret.data ?? {}) as Record<string, string>).map(([key, value]) => [
    key,
    value.replace(/\n/g, ''),
  ]);
  return { ...secret, data: Object.fromEntries(data) };
}

/** The variable names a service's zod schema declares (commerce's is an object piped into a transform). */
function schemaKeys(schema: z.ZodType): string[] {
  if (schema instanceof z.ZodObject) return Object.keys(schema.shape);
  if (schema instanceof z.ZodPipe) return schemaKeys(schema.in as z.ZodType);
  throw new Error('a config schema that is neither an object nor a pipe from one');
}

const container = (deployment: Manifest) => deployment.spec.template.spec.containers[0];

function configMapOf(manifests: Manifest[], deployment: Manifest): Record<string, string> {
  const refs: { configMapRef?: { name: string } }[] = container(deployment).envFrom ?? [];
  return Object.assign(
    {},
    ...refs.map((ref) => named(manifests, 'ConfigMap', ref.configMapRef!.name, APP_NAMESPACE).data),
  );
}

/** Every variable a Deployment's container gets, with where it comes from. */
function environmentOf(manifests: Manifest[], deployment: Manifest, secrets: Record<string, string>) {
  const env: Record<string, string> = { ...configMapOf(manifests, deployment) };
  for (const entry of container(deployment).env ?? []) {
    const ref = entry.valueFrom?.secretKeyRef;
    if (!ref) throw new Error(`${entry.name} is not taken from a Secret`);
    if (secrets[ref.key] !== undefined) env[entry.name] = secrets[ref.key]!;
    else if (!ref.optional) throw new Error(`${entry.name}: secret key ${ref.key} has no value`);
  }
  return env;
}

function decodeSecret(secret: Manifest): Record<string, string> {
  return Object.fromEntries(
    Object.entries(secret.data as Record<string, string>).map(([key, value]) => [
      key,
      Buffer.from(value, 'base64').toString('utf8'),
    ]),
  );
}

/** Values for the prod Secret: the example's placeholders, with a real key pair (they are parsed). */
function prodSecretValues(): Record<string, string> {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519', {
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  return {
    ...readEnvFile(path.join(K8S_DIR, 'secrets.example.env')),
    JWT_PRIVATE_KEY: privateKey,
    JWT_PUBLIC_KEY: publicKey,
  };
}

const rendered = { dev: renderOverlay('dev'), prod: renderOverlay('prod') };
const overlays = ['dev', 'prod'] as const;

describe('kubectl', () => {
  test('rendering without kubectl on PATH fails with a message that says what to install', () => {
    expect(() => renderOverlay('prod', { pathEnv: '/nonexistent' })).toThrow(KubectlMissingError);
    expect(() => renderOverlay('prod', { pathEnv: '/nonexistent' })).toThrow(
      /kubectl is not installed .*`kubectl kustomize`.*apt-get install kubectl/s,
    );
  });
});

describe.each(overlays)('the %s overlay', (overlay) => {
  const manifests = rendered[overlay];
  const deployments = ofKind(manifests, 'Deployment');

  test('every rendered object validates against its Kubernetes schema', () => {
    expect(manifests.length).toBeGreaterThan(40);
    for (const manifest of manifests) {
      try {
        validateManifest(manifest);
      } catch (error) {
        throw new Error(`${manifest.kind} ${manifest.metadata.name}: ${(error as Error).message}`);
      }
    }
  });

  test('the schema validation rejects a malformed object (the check can fail)', () => {
    const broken = structuredClone(named(manifests, 'Deployment', 'gateway'));
    broken.spec.template.spec.containers[0].ports[0].containerPort = '4000';
    expect(() => validateManifest(broken)).toThrow(/containerPort must be integer/);
  });

  test('a misspelt field fails the validation, as strict field validation would', () => {
    const misspelt = structuredClone(named(manifests, 'Deployment', 'gateway'));
    misspelt.spec.template.spec.containers[0].readinesProbe = {
      httpGet: { path: '/health/ready', port: 'http' },
    };
    expect(() => validateManifest(misspelt)).toThrow(
      'fields the schema does not declare: spec.template.spec.containers[0].readinesProbe',
    );
  });

  test('there is one Deployment and one Service per service, in the app namespace, on its port', () => {
    expect(deployments.map((d) => d.metadata.name).sort()).toEqual([...SERVICE_NAMES].sort());
    for (const name of SERVICE_NAMES) {
      const deployment = named(manifests, 'Deployment', name, APP_NAMESPACE);
      const service = named(manifests, 'Service', name, APP_NAMESPACE);
      expect(container(deployment).ports).toEqual([{ name: 'http', containerPort: SERVICES[name].port }]);
      expect(service.spec.ports).toEqual([{ name: 'http', port: SERVICES[name].port, targetPort: 'http' }]);
      expect(service.spec.selector).toEqual({ 'app.kubernetes.io/name': name });
      expect(deployment.spec.selector.matchLabels).toEqual({ 'app.kubernetes.io/name': name });
      expect(deployment.spec.template.metadata.labels).toEqual({
        'app.kubernetes.io/name': name,
        'app.kubernetes.io/component': name === 'gateway' ? 'gateway' : 'subgraph',
        'app.kubernetes.io/part-of': 'learncraft',
      });
    }
  });

  test('every Deployment runs its compiled entry point from the one image with the overlay tag', () => {
    const image = overlay === 'prod' ? 'registry.example.com/learncraft:0.1.0' : 'learncraft:dev';
    for (const deployment of deployments) {
      const name = deployment.metadata.name;
      expect(deployment.spec.template.spec.containers).toHaveLength(1);
      expect(container(deployment).name).toBe(name);
      expect(container(deployment).image).toBe(image);
      expect(container(deployment).command).toEqual([
        'node',
        name === 'gateway' ? 'gateway/dist/main.js' : `subgraphs/${name}/dist/main.js`,
      ]);
    }
  });

  test('every Deployment has a liveness and a readiness probe on different paths, and a startup probe', () => {
    for (const deployment of deployments) {
      const { livenessProbe, readinessProbe, startupProbe } = container(deployment);
      expect(livenessProbe).toEqual({
        httpGet: { path: '/health/live', port: 'http' },
        periodSeconds: 10,
        timeoutSeconds: 2,
        failureThreshold: 3,
      });
      expect(readinessProbe).toEqual({
        httpGet: { path: '/health/ready', port: 'http' },
        periodSeconds: 5,
        timeoutSeconds: 3,
        failureThreshold: 2,
      });
      // Five minutes for migrations and first-start seeding before liveness counts.
      expect(startupProbe).toEqual({
        httpGet: { path: '/health/live', port: 'http' },
        periodSeconds: 5,
        timeoutSeconds: 2,
        failureThreshold: 60,
      });
    }
  });

  test('every Deployment requests and limits cpu, memory and ephemeral storage', () => {
    for (const deployment of deployments) {
      const { requests, limits } = container(deployment).resources;
      expect(Object.keys(requests).sort()).toEqual(['cpu', 'ephemeral-storage', 'memory']);
      expect(Object.keys(limits).sort()).toEqual(['cpu', 'ephemeral-storage', 'memory']);
    }
    expect(container(named(manifests, 'Deployment', 'gateway')).resources).toEqual({
      requests: { cpu: '250m', memory: '384Mi', 'ephemeral-storage': '64Mi' },
      limits: { cpu: '2', memory: '1Gi', 'ephemeral-storage': '512Mi' },
    });
  });

  test('every Deployment runs non-root, read-only, without capabilities, under RuntimeDefault seccomp', () => {
    for (const deployment of deployments) {
      const pod = deployment.spec.template.spec;
      expect(pod.securityContext).toEqual({
        runAsNonRoot: true,
        runAsUser: 1000,
        runAsGroup: 1000,
        fsGroup: 1000,
        seccompProfile: { type: 'RuntimeDefault' },
      });
      expect(container(deployment).securityContext).toEqual({
        runAsNonRoot: true,
        allowPrivilegeEscalation: false,
        privileged: false,
        readOnlyRootFilesystem: true,
        capabilities: { drop: ['ALL'] },
        seccompProfile: { type: 'RuntimeDefault' },
      });
      expect(pod.volumes).toEqual([
        { name: 'data', emptyDir: { sizeLimit: '256Mi' } },
        { name: 'tmp', emptyDir: { sizeLimit: '64Mi' } },
      ]);
      expect(container(deployment).volumeMounts).toEqual([
        { name: 'data', mountPath: '/data' },
        { name: 'tmp', mountPath: '/tmp' },
      ]);
      expect(configMapOf(manifests, deployment).DATA_DIR).toBe('/data');
      expect(pod.enableServiceLinks).toBe(false);
      expect(pod.hostNetwork).toBeUndefined();
    }
  });

  test('only labs gets a service-account token, that of its own ServiceAccount', () => {
    for (const deployment of deployments) {
      const pod = deployment.spec.template.spec;
      if (deployment.metadata.name === 'labs') {
        expect(pod.serviceAccountName).toBe('labs');
        expect(pod.automountServiceAccountToken).toBe(true);
      } else {
        expect(pod.serviceAccountName).toBeUndefined();
        expect(pod.automountServiceAccountToken).toBe(false);
      }
    }
    expect(named(manifests, 'ServiceAccount', 'labs', APP_NAMESPACE).automountServiceAccountToken).toBe(
      false,
    );
  });

  test('shutdown waits 5 s before the 30 s drain, inside a 40 s grace period', () => {
    for (const deployment of deployments) {
      expect(container(deployment).lifecycle).toEqual({ preStop: { exec: { command: ['sleep', '5'] } } });
      expect(deployment.spec.template.spec.terminationGracePeriodSeconds).toBe(40);
    }
  });

  test('every variable a service gets is one its config schema declares', () => {
    for (const deployment of deployments) {
      const name = deployment.metadata.name as ServiceName;
      const known = new Set(schemaKeys(SERVICES[name].schema));
      const names = [
        ...Object.keys(configMapOf(manifests, deployment)),
        ...(container(deployment).env ?? []).map((entry: { name: string }) => entry.name),
      ];
      expect(names.filter((variable) => !known.has(variable))).toEqual([]);
      expect(new Set(names).size).toBe(names.length);
    }
  });

  test('every service listens on all interfaces on its own port', () => {
    for (const deployment of deployments) {
      const config = configMapOf(manifests, deployment);
      expect(config.HOST).toBe('0.0.0.0');
      expect(config.PORT).toBe(String(SERVICES[deployment.metadata.name as ServiceName].port));
    }
  });

  test('every service URL in the settings names a Service of the app namespace on its port', () => {
    const services = new Map(
      ofKind(manifests, 'Service')
        .filter((s) => s.metadata.namespace === APP_NAMESPACE)
        .map((s) => [s.metadata.name, s.spec.ports[0].port as number]),
    );
    let checked = 0;
    for (const deployment of deployments) {
      for (const [variable, value] of Object.entries(configMapOf(manifests, deployment))) {
        if (!/_URL$/.test(variable) || !/^https?:\/\/[a-z]+:\d+/.test(value)) continue;
        const url = new URL(value);
        expect([variable, services.get(url.hostname)]).toEqual([variable, Number(url.port)]);
        checked++;
      }
    }
    // 7 on the gateway (six subgraphs, identity's internal routes), 14 between siblings.
    expect(checked).toBe(21);
  });

  test("every service's environment parses with its config schema, with the production choices explicit", () => {
    const secrets =
      overlay === 'dev'
        ? decodeSecret(
            ofKind(manifests, 'Secret').find((s) => s.metadata.name.startsWith('learncraft-secrets-'))!,
          )
        : prodSecretValues();
    const configs = Object.fromEntries(
      deployments.map((deployment) => {
        const name = deployment.metadata.name as ServiceName;
        return [name, SERVICES[name].load(environmentOf(manifests, deployment, secrets))];
      }),
    ) as { [K in ServiceName]: ReturnType<(typeof SERVICES)[K]['load']> };
    expect(configs.gateway.NODE_ENV).toBe('production');
    expect(persistedOperationsMode(configs.gateway)).toBe(overlay === 'prod' ? 'safelist' : 'allow');
    expect(configs.commerce.NODE_ENV).toBe('production');
    expect(configs.commerce.PAYMENT_PROVIDER).toBe(overlay === 'prod' ? 'stripe' : 'test');
    expect(configs.commerce.PAYMENT_PROVIDER_CHOSEN).toBe(true);
    expect(configs.labs.LAB_RUNTIME).toBe('kubernetes');
    expect(configs.labs.LAB_K8S_NAMESPACE).toBe(LABS_NAMESPACE);
    expect(configs.identity.JWT_PRIVATE_KEY).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    expect(configs.identity.SEED_DEMO).toBe(overlay === 'dev');
    expect(configs.catalog.MONGODB_URL).toMatch(/^mongodb:\/\//);
    expect(configs.ai.QDRANT_URL).toMatch(/^https?:\/\//);
    expect(configs.ai.OPENAI_BASE_URL).toBe(overlay === 'prod' ? 'https://api.openai.com/v1' : undefined);
    for (const name of SERVICE_NAMES)
      expect([name, configs[name].GATEWAY_SECRET]).toEqual([name, secrets.GATEWAY_SECRET]);
    const publicOrigin = overlay === 'prod' ? 'https://learncraft.example.com' : 'http://127.0.0.1:4000';
    expect(configs.identity.WEB_APP_URL).toBe(publicOrigin);
    expect(configs.commerce.WEB_APP_URL).toBe(publicOrigin);
    expect(configs.labs.LAB_TERMINAL_PUBLIC_URL).toBe(`${publicOrigin.replace(/^http/, 'ws')}/labs/terminal`);
    // A default left in place would point a pod at itself. Only dev's public origin is loopback
    // (the port-forward), and the JWKS URL is unused where JWT_PUBLIC_KEY is set.
    const loopbackAllowed = overlay === 'dev' ? ['WEB_APP_URL', 'LAB_TERMINAL_PUBLIC_URL'] : [];
    for (const name of SERVICE_NAMES) {
      const config: Record<string, unknown> = configs[name];
      const loopback = Object.entries(config)
        .filter(([, value]) => typeof value === 'string' && /127\.0\.0\.1|localhost/.test(value))
        .map(([key]) => key)
        .filter(
          (key) => !loopbackAllowed.includes(key) && !(key === 'IDENTITY_JWKS_URL' && config.JWT_PUBLIC_KEY),
        );
      expect([name, loopback]).toEqual([name, []]);
    }
  });

  test('no ConfigMap holds a secret or a store URL (those come from learncraft-secrets)', () => {
    for (const configMap of ofKind(manifests, 'ConfigMap')) {
      const suspicious = Object.keys(configMap.data).filter((key) =>
        /SECRET|PASSWORD|TOKEN|_KEY$|PRIVATE|DATABASE_URL|REDIS_URL|MONGODB_URL|ELASTICSEARCH_URL|QDRANT_URL|SMTP_URL/.test(
          key,
        ),
      );
      expect([configMap.metadata.name, suspicious]).toEqual([configMap.metadata.name, []]);
    }
  });

  test('the labs namespace enforces the restricted Pod Security profile, as the labs runtime describes it', () => {
    const namespace = named(manifests, 'Namespace', LABS_NAMESPACE);
    expect(namespace.metadata.labels!['pod-security.kubernetes.io/enforce']).toBe('restricted');
    expect(namespace.metadata.labels).toEqual(labNamespaceManifest(LABS_NAMESPACE).metadata!.labels);
    expect(
      named(manifests, 'Namespace', APP_NAMESPACE).metadata.labels!['pod-security.kubernetes.io/enforce'],
    ).toBe('restricted');
  });

  test('the labs namespace denies all ingress and egress, with the policy the labs runtime keeps', () => {
    const policies = ofKind(manifests, 'NetworkPolicy').filter(
      (p) => p.metadata.namespace === LABS_NAMESPACE,
    );
    expect(policies).toHaveLength(1);
    expect(policies[0]!.spec).toEqual({
      podSelector: {},
      policyTypes: ['Ingress', 'Egress'],
      ingress: [],
      egress: [],
    });
    expect(policies[0]).toEqual(JSON.parse(JSON.stringify(labNetworkPolicyManifest(LABS_NAMESPACE))));
  });

  test('the labs Role is namespaced to the lab namespace with exactly the verbs the runtime uses', () => {
    const role = named(manifests, 'Role', 'learncraft-labs-runtime', LABS_NAMESPACE);
    // labRoleManifest() is the runtime's own statement of what it calls (its test pins the verbs).
    const rules: { resources: string[]; verbs: string[] }[] = role.rules;
    expect(rules.map((rule) => rule.resources)).toEqual([['pods'], ['pods/exec'], ['networkpolicies']]);
    expect(
      rules.flatMap((rule) => [...rule.resources, ...rule.verbs]).filter((word) => word === '*'),
    ).toEqual([]);
    expect(role).toEqual(JSON.parse(JSON.stringify(labRoleManifest(LABS_NAMESPACE))));
    const binding = named(manifests, 'RoleBinding', 'learncraft-labs-runtime', LABS_NAMESPACE);
    expect(binding.roleRef).toEqual({
      apiGroup: 'rbac.authorization.k8s.io',
      kind: 'Role',
      name: role.metadata.name,
    });
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: 'labs', namespace: APP_NAMESPACE }]);
    expect(ofKind(manifests, 'Role')).toHaveLength(1);
    expect(ofKind(manifests, 'RoleBinding')).toHaveLength(1);
    expect(manifests.filter((m) => m.kind.startsWith('Cluster'))).toEqual([]);
  });

  test('sandboxes are capped by a quota in the lab namespace', () => {
    expect(named(manifests, 'ResourceQuota', 'learncraft-labs', LABS_NAMESPACE).spec.hard).toEqual({
      pods: '40',
      'requests.cpu': '10',
      'requests.memory': '10Gi',
      'requests.ephemeral-storage': '10Gi',
      'limits.cpu': '40',
      'limits.memory': '40Gi',
      'limits.ephemeral-storage': '80Gi',
    });
  });
});

describe('the prod overlay', () => {
  const manifests = rendered.prod;
  const deployments = ofKind(manifests, 'Deployment');

  test('renders no Secret: every secret is a reference to learncraft-secrets, created outside git', () => {
    expect(ofKind(manifests, 'Secret')).toEqual([]);
    const keys = new Set<string>();
    for (const deployment of deployments)
      for (const entry of container(deployment).env) {
        expect(entry.value).toBeUndefined();
        expect(entry.valueFrom.secretKeyRef.name).toBe('learncraft-secrets');
        keys.add(entry.valueFrom.secretKeyRef.key);
      }
    // secrets.example.env documents every key but the key pair, which is made from files.
    expect([...keys].sort()).toEqual(
      [
        ...Object.keys(readEnvFile(path.join(K8S_DIR, 'secrets.example.env'))),
        'JWT_PRIVATE_KEY',
        'JWT_PUBLIC_KEY',
      ].sort(),
    );
  });

  test('runs at least two replicas of every service', () => {
    for (const deployment of deployments)
      expect([deployment.metadata.name, deployment.spec.replicas]).toEqual([deployment.metadata.name, 2]);
  });

  test('every service has a HorizontalPodAutoscaler from 2 replicas on 70% cpu', () => {
    const autoscalers = ofKind(manifests, 'HorizontalPodAutoscaler');
    expect(autoscalers.map((a) => a.metadata.name).sort()).toEqual([...SERVICE_NAMES].sort());
    for (const autoscaler of autoscalers) {
      expect(autoscaler.metadata.namespace).toBe(APP_NAMESPACE);
      expect(autoscaler.spec.scaleTargetRef).toEqual({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        name: autoscaler.metadata.name,
      });
      expect(autoscaler.spec.minReplicas).toBe(2);
      expect(autoscaler.spec.maxReplicas).toBe(autoscaler.metadata.name === 'gateway' ? 10 : 6);
      expect(autoscaler.spec.metrics).toEqual([
        {
          type: 'Resource',
          resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } },
        },
      ]);
    }
  });

  test('every service has a PodDisruptionBudget that selects exactly its pods and lets one go at a time', () => {
    const budgets = ofKind(manifests, 'PodDisruptionBudget');
    expect(budgets.map((b) => b.metadata.name).sort()).toEqual([...SERVICE_NAMES].sort());
    for (const budget of budgets) {
      expect(budget.metadata.namespace).toBe(APP_NAMESPACE);
      expect(budget.spec).toEqual({
        maxUnavailable: 1,
        selector: { matchLabels: { 'app.kubernetes.io/name': budget.metadata.name } },
      });
    }
  });

  test('every service spreads over zones and nodes, counting only its own pods', () => {
    for (const deployment of deployments) {
      expect(deployment.spec.template.spec.topologySpreadConstraints).toEqual([
        {
          maxSkew: 1,
          topologyKey: 'topology.kubernetes.io/zone',
          whenUnsatisfiable: 'ScheduleAnyway',
          labelSelector: { matchLabels: { 'app.kubernetes.io/part-of': 'learncraft' } },
          matchLabelKeys: ['app.kubernetes.io/name'],
        },
        {
          maxSkew: 1,
          topologyKey: 'kubernetes.io/hostname',
          whenUnsatisfiable: 'DoNotSchedule',
          labelSelector: { matchLabels: { 'app.kubernetes.io/part-of': 'learncraft' } },
          matchLabelKeys: ['app.kubernetes.io/name'],
        },
      ]);
    }
  });

  test('the Ingress sends everything to the gateway over TLS with WebSocket-length timeouts', () => {
    const ingresses = ofKind(manifests, 'Ingress');
    expect(ingresses).toHaveLength(1);
    const ingress = ingresses[0]!;
    expect(ingress.metadata.namespace).toBe(APP_NAMESPACE);
    expect(ingress.metadata.annotations).toEqual({
      'nginx.ingress.kubernetes.io/proxy-read-timeout': '3600',
      'nginx.ingress.kubernetes.io/proxy-send-timeout': '3600',
      'nginx.ingress.kubernetes.io/proxy-body-size': '2m',
      'nginx.ingress.kubernetes.io/ssl-redirect': 'true',
    });
    expect(ingress.spec).toEqual({
      ingressClassName: 'nginx',
      tls: [{ hosts: ['learncraft.example.com'], secretName: 'learncraft-tls' }],
      rules: [
        {
          host: 'learncraft.example.com',
          http: {
            paths: [
              {
                path: '/',
                pathType: 'Prefix',
                backend: { service: { name: 'gateway', port: { name: 'http' } } },
              },
            ],
          },
        },
      ],
    });
  });
});

describe('the dev overlay', () => {
  const manifests = rendered.dev;
  const STORES = { postgres: 5432, redis: 6379, mongodb: 27017, elasticsearch: 9200, qdrant: 6333 };

  test('runs one replica of each service and single-node stores with volumes in learncraft-stores', () => {
    for (const deployment of ofKind(manifests, 'Deployment')) expect(deployment.spec.replicas).toBe(1);
    const statefulSets = ofKind(manifests, 'StatefulSet');
    expect(statefulSets.map((s) => s.metadata.name).sort()).toEqual(Object.keys(STORES).sort());
    for (const statefulSet of statefulSets) {
      const name = statefulSet.metadata.name as keyof typeof STORES;
      expect(statefulSet.metadata.namespace).toBe('learncraft-stores');
      expect(statefulSet.spec.replicas).toBe(1);
      expect(statefulSet.spec.volumeClaimTemplates).toHaveLength(1);
      expect(statefulSet.spec.volumeClaimTemplates[0].metadata.name).toBe('data');
      validateManifest({
        apiVersion: 'v1',
        kind: 'PersistentVolumeClaim',
        ...statefulSet.spec.volumeClaimTemplates[0],
      });
      const store = statefulSet.spec.template.spec.containers[0];
      expect(store.ports).toEqual([{ name: 'store', containerPort: STORES[name] }]);
      expect(store.volumeMounts[0].name).toBe('data');
      expect(store.securityContext).toEqual({
        allowPrivilegeEscalation: false,
        capabilities: { drop: ['ALL'] },
      });
      expect(statefulSet.spec.template.spec.securityContext.runAsNonRoot).toBe(true);
      const service = named(manifests, 'Service', name, 'learncraft-stores');
      expect(service.spec.ports).toEqual([{ name: 'store', port: STORES[name], targetPort: 'store' }]);
    }
  });

  test("the generated Secret's store URLs point at the in-cluster stores, with the stores' own passwords", () => {
    const secrets = decodeSecret(
      ofKind(manifests, 'Secret').find((s) => s.metadata.name.startsWith('learncraft-secrets-'))!,
    );
    const stores = decodeSecret(
      ofKind(manifests, 'Secret').find((s) => s.metadata.name.startsWith('learncraft-stores-secrets-'))!,
    );
    const host = (url: string) => new URL(url).host;
    expect(host(secrets.IDENTITY_DATABASE_URL!)).toBe('postgres.learncraft-stores.svc:5432');
    expect(new URL(secrets.COMMERCE_DATABASE_URL!).password).toBe(stores.POSTGRES_PASSWORD);
    expect(host(secrets.REDIS_URL!)).toBe('redis.learncraft-stores.svc:6379');
    expect(host(secrets.MONGODB_URL!)).toBe('mongodb.learncraft-stores.svc:27017');
    expect(new URL(secrets.MONGODB_URL!).password).toBe(stores.MONGO_INITDB_ROOT_PASSWORD);
    expect(host(secrets.ELASTICSEARCH_URL!)).toBe('elasticsearch.learncraft-stores.svc:9200');
    expect(host(secrets.QDRANT_URL!)).toBe('qdrant.learncraft-stores.svc:6333');
    expect(secrets.GATEWAY_SECRET).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // The StatefulSets read the stores' Secret by its generated name.
    const postgres = named(manifests, 'StatefulSet', 'postgres', 'learncraft-stores');
    const ref = postgres.spec.template.spec.containers[0].env.find(
      (e: { name: string }) => e.name === 'POSTGRES_PASSWORD',
    );
    expect(ref.valueFrom.secretKeyRef.name).toMatch(/^learncraft-stores-secrets-[a-z0-9]+$/);
  });
});
