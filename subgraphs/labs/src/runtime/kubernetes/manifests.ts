/**
 * The Kubernetes objects a lab sandbox is made of, as pure functions so they can be read, reviewed
 * and validated against the Kubernetes schemas without a cluster. A sandbox runs learner code, so
 * the Pod is built to pass the `restricted` Pod Security profile and then some (read-only root,
 * no service-account token, no service links), and the namespace's NetworkPolicy denies all
 * traffic in and out: a lab pod cannot reach the cloud metadata address, the API server or other
 * learners' pods.
 */
import { createHash } from 'node:crypto';
import type { V1Namespace, V1NetworkPolicy, V1Pod, V1Role } from '@kubernetes/client-node';

export const LABELS = {
  managedBy: 'app.kubernetes.io/managed-by',
  session: 'learncraft.dev/session',
  profile: 'learncraft.dev/profile',
  pool: 'learncraft.dev/pool',
} as const;

export const ANNOTATIONS = {
  /** The exact session id (labels are limited to 63 characters of a small alphabet). */
  sessionId: 'learncraft.dev/session-id',
  /** When the sandbox was given to its session (a warm pod is created long before). */
  claimedAt: 'learncraft.dev/claimed-at',
} as const;

export const MANAGED_BY = 'learncraft-labs';
export const CONTAINER_NAME = 'lab';
export const LEARNER_UID = 1000;
export const HOME_DIR = '/home/learner';

export type PoolState = 'warm' | 'claimed';

export interface LabPodResources {
  requests: { cpu: string; memory: string; 'ephemeral-storage': string };
  limits: { cpu: string; memory: string; 'ephemeral-storage': string };
  /** The learner's writable home (an emptyDir); the pod is evicted when it grows beyond this. */
  homeSizeLimit: string;
  /** A writable /tmp, also an emptyDir. */
  tmpSizeLimit: string;
}

export const DEFAULT_RESOURCES: LabPodResources = {
  requests: { cpu: '250m', memory: '256Mi', 'ephemeral-storage': '256Mi' },
  limits: { cpu: '1', memory: '1Gi', 'ephemeral-storage': '2Gi' },
  homeSizeLimit: '1Gi',
  tmpSizeLimit: '256Mi',
};

export interface LabPodOptions {
  /** The Pod's name: also the sandbox id. */
  name: string;
  namespace: string;
  image: string;
  resources?: LabPodResources;
  /** e.g. `gvisor` or `kata` where the cluster offers a stronger isolation runtime. */
  runtimeClassName?: string;
  /** Computes activeDeadlineSeconds from the spec's expiresAt; defaults to the current time. */
  now?: Date;
}

/** What a pod is for: a session's sandbox (claimed), or a warm one waiting for a session. */
export type LabPodPurpose =
  | { pool: 'claimed'; sessionId: string; profile: string; expiresAt: Date }
  | { pool: 'warm'; profile: string };

const LABEL_VALUE = /^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;

/** A session id as a label value: itself when it fits the label alphabet, else a stable digest. */
export function sessionLabelValue(sessionId: string): string {
  if (LABEL_VALUE.test(sessionId)) return sessionId;
  return 'h-' + createHash('sha256').update(sessionId).digest('hex').slice(0, 60);
}

/** Seconds from `now` until `expiresAt`, rounded up, at least 1 (Kubernetes refuses 0). */
export function deadlineSeconds(expiresAt: Date, since: Date): number {
  return Math.max(1, Math.ceil((expiresAt.getTime() - since.getTime()) / 1000));
}

/** The selector of every pod this runtime owns. */
export function managedSelector(extra: Record<string, string | true> = {}): string {
  const terms = [`${LABELS.managedBy}=${MANAGED_BY}`];
  for (const [key, value] of Object.entries(extra)) terms.push(value === true ? key : `${key}=${value}`);
  return terms.join(',');
}

/**
 * The Pod of one sandbox. Warm pods carry no session and no deadline: they are given both when a
 * session claims them (Kubernetes lets activeDeadlineSeconds be set once on a running pod).
 */
export function labPodManifest(purpose: LabPodPurpose, options: LabPodOptions): V1Pod {
  const resources = options.resources ?? DEFAULT_RESOURCES;
  const labels: Record<string, string> = {
    [LABELS.managedBy]: MANAGED_BY,
    [LABELS.profile]: purpose.profile,
    [LABELS.pool]: purpose.pool,
  };
  const annotations: Record<string, string> = {};
  if (purpose.pool === 'claimed') {
    labels[LABELS.session] = sessionLabelValue(purpose.sessionId);
    annotations[ANNOTATIONS.sessionId] = purpose.sessionId;
    annotations[ANNOTATIONS.claimedAt] = (options.now ?? new Date()).toISOString();
  }
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    // No empty annotations map: the API server would drop it anyway, and the claim patch relies on
    // seeing what the server stores.
    metadata: {
      name: options.name,
      namespace: options.namespace,
      labels,
      ...(Object.keys(annotations).length > 0 ? { annotations } : {}),
    },
    spec: {
      restartPolicy: 'Never',
      ...(purpose.pool === 'claimed'
        ? { activeDeadlineSeconds: deadlineSeconds(purpose.expiresAt, options.now ?? new Date()) }
        : {}),
      automountServiceAccountToken: false,
      enableServiceLinks: false,
      hostNetwork: false,
      hostPID: false,
      hostIPC: false,
      hostname: 'lab',
      terminationGracePeriodSeconds: 0,
      ...(options.runtimeClassName ? { runtimeClassName: options.runtimeClassName } : {}),
      securityContext: {
        runAsNonRoot: true,
        runAsUser: LEARNER_UID,
        runAsGroup: LEARNER_UID,
        fsGroup: LEARNER_UID,
        seccompProfile: { type: 'RuntimeDefault' },
      },
      containers: [
        {
          name: CONTAINER_NAME,
          image: options.image,
          imagePullPolicy: 'IfNotPresent',
          command: ['sleep', 'infinity'],
          workingDir: HOME_DIR,
          env: [
            { name: 'HOME', value: HOME_DIR },
            { name: 'TMPDIR', value: '/tmp' },
          ],
          resources: { requests: { ...resources.requests }, limits: { ...resources.limits } },
          securityContext: {
            runAsNonRoot: true,
            runAsUser: LEARNER_UID,
            allowPrivilegeEscalation: false,
            privileged: false,
            readOnlyRootFilesystem: true,
            capabilities: { drop: ['ALL'] },
            seccompProfile: { type: 'RuntimeDefault' },
          },
          volumeMounts: [
            { name: 'home', mountPath: HOME_DIR },
            { name: 'tmp', mountPath: '/tmp' },
          ],
        },
      ],
      volumes: [
        { name: 'home', emptyDir: { sizeLimit: resources.homeSizeLimit } },
        { name: 'tmp', emptyDir: { sizeLimit: resources.tmpSizeLimit } },
      ],
    },
  };
}

export const NETWORK_POLICY_NAME = 'learncraft-labs-deny-all';

/**
 * Default-deny for every pod of the lab namespace: both policy types listed with no rules, so no ingress and no
 * egress at all — not even DNS, which keeps the metadata address (169.254.169.254) out of reach
 * without an exception to get wrong. Labs that need the network are a later, explicit policy.
 */
export function labNetworkPolicyManifest(namespace: string): V1NetworkPolicy {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: NETWORK_POLICY_NAME, namespace, labels: { [LABELS.managedBy]: MANAGED_BY } },
    spec: {
      // Every pod of the namespace, not only ours: nothing else belongs there.
      podSelector: {},
      policyTypes: ['Ingress', 'Egress'],
      ingress: [],
      egress: [],
    },
  };
}

/** The lab namespace, with Pod Security admission enforcing `restricted` on everything in it. */
export function labNamespaceManifest(namespace: string): V1Namespace {
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: {
      name: namespace,
      labels: {
        [LABELS.managedBy]: MANAGED_BY,
        'pod-security.kubernetes.io/enforce': 'restricted',
        'pod-security.kubernetes.io/enforce-version': 'latest',
        'pod-security.kubernetes.io/audit': 'restricted',
        'pod-security.kubernetes.io/warn': 'restricted',
      },
    },
  };
}

export const ROLE_NAME = 'learncraft-labs-runtime';

/**
 * What the labs subgraph's service account needs in the lab namespace, and nothing more: pods and
 * pods/exec (exec is a `create` on the WebSocket upgrade; some API servers check `get`), and the
 * NetworkPolicy that ensureNamespace() keeps. Creating the namespace itself is cluster-scoped and
 * left to the deployment (deploy/), which applies labNamespaceManifest().
 */
export function labRoleManifest(namespace: string): V1Role {
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'Role',
    metadata: { name: ROLE_NAME, namespace, labels: { [LABELS.managedBy]: MANAGED_BY } },
    rules: [
      { apiGroups: [''], resources: ['pods'], verbs: ['create', 'get', 'list', 'watch', 'patch', 'delete'] },
      { apiGroups: [''], resources: ['pods/exec'], verbs: ['create', 'get'] },
      {
        apiGroups: ['networking.k8s.io'],
        resources: ['networkpolicies'],
        verbs: ['get', 'create', 'update'],
      },
    ],
  };
}
