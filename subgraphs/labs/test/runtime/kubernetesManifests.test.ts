/**
 * The sandbox manifests, validated offline against the Kubernetes schemas (kubernetes-models) and
 * checked setting by setting against the restricted Pod Security profile.
 */
import { Namespace, Pod } from 'kubernetes-models/v1';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import { Role } from 'kubernetes-models/rbac.authorization.k8s.io/v1';
import {
  labNamespaceManifest,
  labNetworkPolicyManifest,
  labPodManifest,
  labRoleManifest,
} from '../../src/runtime/kubernetes';

const now = new Date('2026-12-01T09:00:00.000Z');
const claimed = labPodManifest(
  {
    pool: 'claimed',
    sessionId: 'session-42',
    profile: 'linux',
    expiresAt: new Date('2026-12-01T10:30:00.500Z'),
  },
  { name: 'lab-linux-0a1b2c3d4e', namespace: 'learncraft-labs', image: 'learncraft/lab-linux:1', now },
);
const plain = <T>(value: T): any => JSON.parse(JSON.stringify(value));

describe('lab manifests', () => {
  test('the session pod validates against the Kubernetes Pod schema', () => {
    expect(() => new Pod(plain(claimed)).validate()).not.toThrow();
  });

  test('the schema validation catches a malformed pod (the check can fail)', () => {
    const broken = plain(claimed);
    broken.spec.activeDeadlineSeconds = 'soon';
    expect(() => new Pod(broken).validate()).toThrow(/activeDeadlineSeconds must be integer/);
  });

  test('the session pod carries every restricted-profile setting with its exact value', () => {
    const spec = claimed.spec!;
    const container = spec.containers[0]!;
    expect(spec.securityContext).toEqual({
      runAsNonRoot: true,
      runAsUser: 1000,
      runAsGroup: 1000,
      fsGroup: 1000,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(container.securityContext).toEqual({
      runAsNonRoot: true,
      runAsUser: 1000,
      allowPrivilegeEscalation: false,
      privileged: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(spec.automountServiceAccountToken).toBe(false);
    expect(spec.enableServiceLinks).toBe(false);
    expect(spec.hostNetwork).toBe(false);
    expect(spec.hostPID).toBe(false);
    expect(spec.hostIPC).toBe(false);
    expect(spec.restartPolicy).toBe('Never');
    expect(spec.activeDeadlineSeconds).toBe(5401);
    expect(container.command).toEqual(['sleep', 'infinity']);
    expect(container.image).toBe('learncraft/lab-linux:1');
    expect(container.resources).toEqual({
      requests: { cpu: '250m', memory: '256Mi', 'ephemeral-storage': '256Mi' },
      limits: { cpu: '1', memory: '1Gi', 'ephemeral-storage': '2Gi' },
    });
    expect(container.volumeMounts).toEqual([
      { name: 'home', mountPath: '/home/learner' },
      { name: 'tmp', mountPath: '/tmp' },
    ]);
    expect(spec.volumes).toEqual([
      { name: 'home', emptyDir: { sizeLimit: '1Gi' } },
      { name: 'tmp', emptyDir: { sizeLimit: '256Mi' } },
    ]);
    expect(claimed.metadata!.labels).toEqual({
      'app.kubernetes.io/managed-by': 'learncraft-labs',
      'learncraft.dev/profile': 'linux',
      'learncraft.dev/pool': 'claimed',
      'learncraft.dev/session': 'session-42',
    });
    expect(claimed.metadata!.annotations).toEqual({
      'learncraft.dev/session-id': 'session-42',
      'learncraft.dev/claimed-at': '2026-12-01T09:00:00.000Z',
    });
  });

  test('a warm pod carries no session, no deadline and the warm pool label, and validates', () => {
    const warm = labPodManifest(
      { pool: 'warm', profile: 'node' },
      {
        name: 'lab-node-1',
        namespace: 'learncraft-labs',
        image: 'learncraft/lab-node:1',
        runtimeClassName: 'gvisor',
      },
    );
    expect(warm.metadata!.labels).toEqual({
      'app.kubernetes.io/managed-by': 'learncraft-labs',
      'learncraft.dev/profile': 'node',
      'learncraft.dev/pool': 'warm',
    });
    expect(warm.spec!.activeDeadlineSeconds).toBeUndefined();
    expect(warm.metadata!.annotations).toBeUndefined();
    expect(warm.spec!.runtimeClassName).toBe('gvisor');
    expect(() => new Pod(plain(warm)).validate()).not.toThrow();
  });

  test('a session id outside the label alphabet is labelled by a digest and kept whole in an annotation', () => {
    const pod = labPodManifest(
      {
        pool: 'claimed',
        sessionId: 'TGFiU2Vzc2lvbjox/with+slash=',
        profile: 'linux',
        expiresAt: new Date(now.getTime() + 60_000),
      },
      { name: 'lab-linux-2', namespace: 'learncraft-labs', image: 'learncraft/lab-linux:1', now },
    );
    expect(pod.metadata!.labels!['learncraft.dev/session']).toMatch(/^h-[0-9a-f]{60}$/);
    expect(pod.metadata!.annotations!['learncraft.dev/session-id']).toBe('TGFiU2Vzc2lvbjox/with+slash=');
    expect(() => new Pod(plain(pod)).validate()).not.toThrow();
  });

  test('the NetworkPolicy validates and denies all ingress and egress to every pod of the namespace', () => {
    const policy = labNetworkPolicyManifest('learncraft-labs');
    expect(() => new NetworkPolicy(plain(policy)).validate()).not.toThrow();
    expect(policy.metadata!.namespace).toBe('learncraft-labs');
    expect(policy.spec).toEqual({
      podSelector: {},
      policyTypes: ['Ingress', 'Egress'],
      ingress: [],
      egress: [],
    });
  });

  test('the Namespace validates and enforces the restricted Pod Security standard', () => {
    const namespace = labNamespaceManifest('learncraft-labs');
    expect(() => new Namespace(plain(namespace)).validate()).not.toThrow();
    expect(namespace.metadata!.labels).toEqual({
      'app.kubernetes.io/managed-by': 'learncraft-labs',
      'pod-security.kubernetes.io/enforce': 'restricted',
      'pod-security.kubernetes.io/enforce-version': 'latest',
      'pod-security.kubernetes.io/audit': 'restricted',
      'pod-security.kubernetes.io/warn': 'restricted',
    });
  });

  test('the Role validates and grants only pods, pods/exec and the NetworkPolicy in the lab namespace', () => {
    const role = labRoleManifest('learncraft-labs');
    expect(() => new Role(plain(role)).validate()).not.toThrow();
    expect(role.metadata!.namespace).toBe('learncraft-labs');
    expect(role.rules).toEqual([
      { apiGroups: [''], resources: ['pods'], verbs: ['create', 'get', 'list', 'watch', 'patch', 'delete'] },
      { apiGroups: [''], resources: ['pods/exec'], verbs: ['create', 'get'] },
      {
        apiGroups: ['networking.k8s.io'],
        resources: ['networkpolicies'],
        verbs: ['get', 'create', 'update'],
      },
    ]);
  });
});
