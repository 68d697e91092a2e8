/**
 * The `kubernetes` lab runtime: one Pod per lab session in the lab namespace, for the scale-out
 * deployment. Everything the runtime knows lives on the pods themselves (labels and annotations),
 * so any replica of the labs subgraph — or one started after a crash — sees the same sandboxes.
 *
 * A warm pool of idle pods per profile hides the cold start (scheduling, image, container start):
 * a session claims a warm pod with one JSON patch whose `test` operation makes the claim atomic on
 * the API server, so two replicas can never hand the same pod to two sessions. Warm pods are left
 * running on `close()` and counted by the next process.
 */
import { randomBytes } from 'node:crypto';
import type { CoreV1Api, Exec, KubeConfig, NetworkingV1Api, V1Pod, Watch } from '@kubernetes/client-node';
import { createLogger, type Logger } from '@learncraft/kit';
import type {
  ExecOptions,
  ExecResult,
  LabRuntime,
  ProvisionProgress,
  RuntimeAvailability,
  SandboxInfo,
  SandboxSpec,
  TerminalStream,
} from '../types';
// The one error class of every runtime adapter, with its closed set of codes: a pod that cannot
// start is UNAVAILABLE, one the cluster cannot schedule in time is CAPACITY.
import { LabRuntimeError } from '../local/errors';
import { loadKubernetesClient } from './client';
import { asError, ExecFailure, openTerminal, runScript } from './exec';
import {
  ANNOTATIONS,
  CONTAINER_NAME,
  DEFAULT_RESOURCES,
  LABELS,
  NETWORK_POLICY_NAME,
  deadlineSeconds,
  labNamespaceManifest,
  labNetworkPolicyManifest,
  labPodManifest,
  managedSelector,
  sessionLabelValue,
  type LabPodResources,
} from './manifests';

export interface KubernetesRuntimeOptions {
  /** From `loadFromDefault()`/`loadFromCluster()`, or built by hand (tests). */
  kubeConfig: KubeConfig;
  /** The lab namespace, e.g. `learncraft-labs`. Nothing else should run in it. */
  namespace: string;
  /** The sandbox image of each profile, e.g. `{ linux: 'learncraft/lab-linux:1' }`. */
  images: Record<string, string>;
  /** How many idle pods to keep ready per profile; none by default. */
  warmPool?: Record<string, number>;
  resources?: Partial<LabPodResources>;
  /** A RuntimeClass with stronger isolation (gVisor, Kata) where the cluster has one. */
  runtimeClassName?: string;
  /**
   * A starting pod is followed with a watch; when the watch brings nothing for this long (a proxy
   * that buffers, a dropped stream) the pod is read again and the watch restarted.
   */
  pollIntervalMs?: number;
  /**
   * The pod's activeDeadlineSeconds is the spec's expiresAt plus this. Kubernetes never raises a
   * pod's deadline, so the room a session may be extended by (labExtend) has to be given up front;
   * the labs subgraph stops a session at its real expiry, and the deadline is the backstop. 0 by
   * default: the pod stops exactly at expiresAt.
   */
  deadlineHeadroomMs?: number;
  /** A pod not running by then is deleted and provisioning fails. */
  startTimeoutMs?: number;
  setupTimeoutMs?: number;
  /** Bounds availability(): an API server that does not answer is unavailable, not a hang. */
  requestTimeoutMs?: number;
  logger?: Logger;
}

export interface KubernetesLabRuntime extends LabRuntime {
  readonly kind: 'kubernetes';
  /** Creates the namespace if missing and applies the default-deny NetworkPolicy; idempotent. */
  ensureNamespace(): Promise<void>;
  /** One pass that tops every profile's warm pool up to its size (runs after each provision too). */
  refillWarmPool(): Promise<void>;
}

const DEFAULTS = {
  deadlineHeadroomMs: 0,
  pollIntervalMs: 2_000,
  startTimeoutMs: 180_000,
  setupTimeoutMs: 300_000,
  requestTimeoutMs: 5_000,
};

const SETUP_MAX_OUTPUT_BYTES = 64 * 1024;
const PROFILE_NAME = /^[a-z0-9]([-a-z0-9]{0,38}[a-z0-9])?$/;
/** Container states that will not fix themselves: waiting longer only delays the error. */
const FATAL_WAITING_REASONS = new Set([
  'ErrImagePull',
  'ImagePullBackOff',
  'InvalidImageName',
  'CreateContainerConfigError',
  'CreateContainerError',
  'CrashLoopBackOff',
]);

interface Clients {
  watch: Watch;
  core: CoreV1Api;
  networking: NetworkingV1Api;
  exec: Exec;
}

export function createKubernetesRuntime(input: KubernetesRuntimeOptions): KubernetesLabRuntime {
  const options = { ...DEFAULTS, ...input };
  const { namespace, images } = options;
  const resources: LabPodResources = { ...DEFAULT_RESOURCES, ...options.resources };
  const warmPool = options.warmPool ?? {};
  const logger = options.logger ?? createLogger('labs:kubernetes');
  for (const profile of [...Object.keys(images), ...Object.keys(warmPool)]) {
    if (!PROFILE_NAME.test(profile))
      throw new Error(`Lab profile "${profile}" must be a DNS label of at most 40 characters`);
    if (!images[profile]) throw new Error(`The warm pool names profile "${profile}", which has no image`);
  }

  let loaded: Promise<Clients> | undefined;
  const clients = () =>
    (loaded ??= loadKubernetesClient().then((k8s) => ({
      core: options.kubeConfig.makeApiClient(k8s.CoreV1Api),
      networking: options.kubeConfig.makeApiClient(k8s.NetworkingV1Api),
      exec: new k8s.Exec(options.kubeConfig),
      watch: new k8s.Watch(options.kubeConfig),
    })));

  const imageOf = (profile: string) => {
    const image = images[profile];
    if (!image)
      throw new LabRuntimeError('UNKNOWN_PROFILE', `No sandbox image for the lab profile "${profile}"`);
    return image;
  };

  const hardStopOf = (spec: SandboxSpec) => new Date(spec.expiresAt.getTime() + options.deadlineHeadroomMs);

  const podName = (profile: string) => `lab-${profile}-${randomBytes(5).toString('hex')}`;

  async function deletePod(name: string): Promise<void> {
    const { core } = await clients();
    try {
      await core.deleteNamespacedPod({
        name,
        namespace,
        gracePeriodSeconds: 0,
        propagationPolicy: 'Background',
      });
    } catch (error) {
      if (statusCodeOf(error) !== 404) throw error;
    }
  }

  /** Takes a ready warm pod for the session, or null when none could be had. */
  async function claimWarmPod(spec: SandboxSpec): Promise<{ name: string; claimedAt: Date } | null> {
    if (!(warmPool[spec.profile]! > 0)) return null;
    const { core } = await clients();
    const warm = await core.listNamespacedPod({
      namespace,
      labelSelector: managedSelector({ [LABELS.pool]: 'warm', [LABELS.profile]: spec.profile }),
    });
    const image = imageOf(spec.profile);
    const ready = warm.items
      // A warm pod of an earlier image (before a deploy changed it) is replaced, not handed out.
      .filter((pod) => isReady(pod) && imageOfPod(pod) === image)
      .sort((a, b) => timeOf(a.metadata?.creationTimestamp) - timeOf(b.metadata?.creationTimestamp));
    for (const pod of ready) {
      const name = pod.metadata!.name!;
      const claimedAt = new Date();
      const startedAt = pod.status?.startTime ? new Date(pod.status.startTime) : claimedAt;
      const annotations = {
        [ANNOTATIONS.sessionId]: spec.sessionId,
        [ANNOTATIONS.claimedAt]: claimedAt.toISOString(),
      };
      const patch = [
        // The claim is atomic: a pod another replica claimed first fails this test with 422.
        { op: 'test', path: jsonPointer('metadata', 'labels', LABELS.pool), value: 'warm' },
        { op: 'replace', path: jsonPointer('metadata', 'labels', LABELS.pool), value: 'claimed' },
        {
          op: 'add',
          path: jsonPointer('metadata', 'labels', LABELS.session),
          value: sessionLabelValue(spec.sessionId),
        },
        ...(pod.metadata?.annotations
          ? Object.entries(annotations).map(([key, value]) => ({
              op: 'add',
              path: jsonPointer('metadata', 'annotations', key),
              value,
            }))
          : [{ op: 'add', path: '/metadata/annotations', value: annotations }]),
        // Measured from the pod's start, as Kubernetes counts it.
        {
          op: 'add',
          path: '/spec/activeDeadlineSeconds',
          value: deadlineSeconds(hardStopOf(spec), startedAt),
        },
      ];
      try {
        await core.patchNamespacedPod({ name, namespace, body: patch });
        return { name, claimedAt };
      } catch (error) {
        const code = statusCodeOf(error);
        if (code === 404 || code === 409 || code === 422) continue;
        throw error;
      }
    }
    return null;
  }

  /** Creates the session's pod and waits until it runs; a pod that cannot start is deleted. */
  async function startColdPod(spec: SandboxSpec, onProgress: (progress: ProvisionProgress) => void) {
    const { core } = await clients();
    const name = podName(spec.profile);
    const claimedAt = new Date();
    const manifest = labPodManifest(
      { pool: 'claimed', sessionId: spec.sessionId, profile: spec.profile, expiresAt: hardStopOf(spec) },
      {
        name,
        namespace,
        image: imageOf(spec.profile),
        resources,
        runtimeClassName: options.runtimeClassName,
        now: claimedAt,
      },
    );
    onProgress({ percent: 0, message: 'Requesting a sandbox from the cluster' });
    await core.createNamespacedPod({ namespace, body: manifest });
    try {
      await waitUntilRunning(core, name, onProgress);
    } catch (error) {
      await deletePod(name).catch((cleanup: unknown) =>
        logger.warn('could not delete a pod that failed to start', { pod: name, error: cleanup }),
      );
      throw error;
    }
    return { name, claimedAt };
  }

  async function waitUntilRunning(
    core: CoreV1Api,
    name: string,
    onProgress: (progress: ProvisionProgress) => void,
  ) {
    const { watch } = await clients();
    const deadline = Date.now() + options.startTimeoutMs;
    let scheduled = false;
    let pod = await core.readNamespacedPod({ name, namespace });
    for (;;) {
      const failure = failureOf(pod);
      if (failure)
        throw new LabRuntimeError('UNAVAILABLE', `The sandbox pod ${name} could not start: ${failure}`);
      if (!scheduled && (isScheduled(pod) || isReady(pod))) {
        scheduled = true;
        onProgress({ percent: 10, message: 'Scheduled on a node' });
      }
      if (isReady(pod)) {
        onProgress({ percent: 60, message: 'Sandbox running' });
        return;
      }
      const remaining = deadline - Date.now();
      if (remaining <= 0) {
        throw new LabRuntimeError(
          scheduled ? 'UNAVAILABLE' : 'CAPACITY',
          `The sandbox pod ${name} was not ${scheduled ? 'running' : 'scheduled on a node'} after ${options.startTimeoutMs} ms`,
        );
      }
      const waitMs = Math.min(options.pollIntervalMs, remaining);
      pod =
        (await nextPodState(watch, name, pod.metadata?.resourceVersion, waitMs)) ??
        (await core.readNamespacedPod({ name, namespace }));
    }
  }

  /**
   * The pod's next state from a watch started at `resourceVersion` (so no change in between is
   * missed), or null when none came within `waitMs` or the watch ended; the caller then re-reads.
   */
  function nextPodState(
    watch: Watch,
    name: string,
    resourceVersion: string | undefined,
    waitMs: number,
  ): Promise<V1Pod | null> {
    return new Promise((resolve) => {
      let controller: AbortController | undefined;
      let settled = false;
      const settle = (pod: V1Pod | null) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        controller?.abort();
        resolve(pod);
      };
      const timer = setTimeout(() => settle(null), waitMs);
      watch
        .watch(
          `/api/v1/namespaces/${namespace}/pods`,
          { fieldSelector: `metadata.name=${name}`, resourceVersion },
          (type: string, object: V1Pod) => {
            if (type === 'ADDED' || type === 'MODIFIED') settle(object);
            else if (type === 'DELETED')
              settle({ ...object, status: { phase: 'Failed', reason: 'Deleted' } });
            // ERROR (e.g. 410 Gone: the version is too old to watch from) and the rest: re-read.
            else settle(null);
          },
          () => settle(null),
        )
        .then(
          (opened) => {
            controller = opened;
            if (settled) opened.abort();
          },
          () => settle(null),
        );
    });
  }

  /** Runs the lab's setup script; a sandbox whose setup fails is deleted, not handed out. */
  async function runSetup(name: string, script: string): Promise<void> {
    const { exec } = await clients();
    try {
      const result = await runScript(exec, { namespace, pod: name }, script, {
        timeoutMs: options.setupTimeoutMs,
        maxOutputBytes: SETUP_MAX_OUTPUT_BYTES,
      });
      if (result.exitCode !== 0) {
        const outcome = result.timedOut
          ? `timed out after ${options.setupTimeoutMs} ms`
          : `exited with ${result.exitCode}`;
        throw new LabRuntimeError(
          'SETUP_FAILED',
          `The setup script ${outcome}: ${result.output.slice(-2000)}`,
        );
      }
    } catch (error) {
      await deletePod(name).catch((cleanup: unknown) =>
        logger.warn('could not delete a pod whose setup failed', { pod: name, error: cleanup }),
      );
      throw error instanceof LabRuntimeError ? error : notFoundOr(error, name);
    }
  }

  async function refillOnce(): Promise<void> {
    const { core } = await clients();
    for (const [profile, size] of Object.entries(warmPool)) {
      if (!(size > 0)) continue;
      const warm = await core.listNamespacedPod({
        namespace,
        labelSelector: managedSelector({ [LABELS.pool]: 'warm', [LABELS.profile]: profile }),
      });
      const alive = warm.items.filter((pod) => !pod.metadata?.deletionTimestamp);
      const broken = alive.filter((pod) => failureOf(pod) !== null || imageOfPod(pod) !== imageOf(profile));
      await Promise.all(broken.map((pod) => deletePod(pod.metadata!.name!)));
      const missing = size - (alive.length - broken.length);
      if (missing <= 0) continue;
      logger.info('filling the warm pool', { profile, creating: missing });
      await Promise.all(
        Array.from({ length: missing }, () =>
          core.createNamespacedPod({
            namespace,
            body: labPodManifest(
              { pool: 'warm', profile },
              {
                name: podName(profile),
                namespace,
                image: imageOf(profile),
                resources,
                runtimeClassName: options.runtimeClassName,
              },
            ),
          }),
        ),
      );
    }
  }

  // Passes run one at a time; requests made while one waits to start share it.
  let closed = false;
  let passes: Promise<void> = Promise.resolve();
  let queued: Promise<void> | null = null;
  function refillWarmPool(): Promise<void> {
    if (queued) return queued;
    const pass = passes.then(async () => {
      queued = null;
      if (!closed) await refillOnce();
    });
    queued = pass;
    passes = pass.catch(() => undefined);
    return pass;
  }
  const refillInBackground = () => {
    if (Object.values(warmPool).some((size) => size > 0) && !closed) {
      setImmediate(() => {
        refillWarmPool().catch((error: unknown) => logger.warn('could not refill the warm pool', { error }));
      });
    }
  };

  return {
    kind: 'kubernetes',

    async availability(): Promise<RuntimeAvailability> {
      const server = options.kubeConfig.getCurrentCluster()?.server ?? '(no cluster in the kubeconfig)';
      try {
        const { core } = await clients();
        // Listing pods needs only the namespaced permission the runtime needs anyway.
        await withTimeout(core.listNamespacedPod({ namespace, limit: 1 }), options.requestTimeoutMs);
        try {
          await withTimeout(core.readNamespace({ name: namespace }), options.requestTimeoutMs);
        } catch (error) {
          if (statusCodeOf(error) === 404) {
            return {
              ok: false,
              reason: `The lab namespace "${namespace}" does not exist on ${server}: apply deploy/ or call ensureNamespace()`,
            };
          }
          // Reading namespaces is cluster-scoped; a namespaced Role cannot grant it, and need not.
          if (statusCodeOf(error) !== 403) throw error;
        }
        return { ok: true };
      } catch (error) {
        const code = statusCodeOf(error);
        if (code === 401 || code === 403) {
          return {
            ok: false,
            reason: `The Kubernetes API at ${server} refused the labs credentials (HTTP ${code}): grant pods and pods/exec in "${namespace}"`,
          };
        }
        return {
          ok: false,
          reason: `The Kubernetes API at ${server} cannot be reached: ${asError(error).message}`,
        };
      }
    },

    async ensureNamespace() {
      const { core, networking } = await clients();
      try {
        await core.readNamespace({ name: namespace });
      } catch (error) {
        const code = statusCodeOf(error);
        if (code === 404) {
          await core.createNamespace({ body: labNamespaceManifest(namespace) }).catch((created: unknown) => {
            if (statusCodeOf(created) !== 409) throw created;
          });
        } else if (code === 403) {
          logger.warn('cannot read the lab namespace; assuming it exists', { namespace });
        } else {
          throw error;
        }
      }
      const wanted = labNetworkPolicyManifest(namespace);
      try {
        const current = await networking.readNamespacedNetworkPolicy({
          name: NETWORK_POLICY_NAME,
          namespace,
        });
        if (
          JSON.stringify(normalisedPolicySpec(current.spec)) !==
          JSON.stringify(normalisedPolicySpec(wanted.spec))
        ) {
          await networking.replaceNamespacedNetworkPolicy({
            name: NETWORK_POLICY_NAME,
            namespace,
            body: {
              ...wanted,
              metadata: { ...wanted.metadata, resourceVersion: current.metadata?.resourceVersion },
            },
          });
        }
      } catch (error) {
        if (statusCodeOf(error) !== 404) throw error;
        await networking.createNamespacedNetworkPolicy({ namespace, body: wanted });
      }
      refillInBackground();
    },

    refillWarmPool,

    async provision(spec, onProgressInput) {
      imageOf(spec.profile);
      const onProgress = (progress: ProvisionProgress) => {
        logger.debug('provisioning', { session: spec.sessionId, ...progress });
        onProgressInput?.(progress);
      };
      const started = Date.now();
      try {
        const claimed = await claimWarmPod(spec);
        if (claimed) onProgress({ percent: 60, message: 'Claimed a ready sandbox from the warm pool' });
        const { name, claimedAt } = claimed ?? (await startColdPod(spec, onProgress));
        if (spec.setupScript !== null) {
          onProgress({ percent: 80, message: 'Running the setup script' });
          await runSetup(name, spec.setupScript);
        }
        onProgress({ percent: 100, message: 'Sandbox ready' });
        logger.info('sandbox ready', {
          pod: name,
          session: spec.sessionId,
          warm: claimed !== null,
          ms: Date.now() - started,
        });
        return { id: name, sessionId: spec.sessionId, createdAt: claimedAt };
      } finally {
        // After the session has its sandbox, so the refill never competes with it.
        refillInBackground();
      }
    },

    async exec(sandboxId: string, script: string, execOptions: ExecOptions): Promise<ExecResult> {
      const { exec } = await clients();
      return runScript(exec, { namespace, pod: sandboxId }, script, execOptions).catch((error: unknown) => {
        throw notFoundOr(error, sandboxId);
      });
    },

    async attach(sandboxId, size): Promise<TerminalStream> {
      const { exec } = await clients();
      return openTerminal(exec, { namespace, pod: sandboxId }, size).catch((error: unknown) => {
        throw notFoundOr(error, sandboxId);
      });
    },

    destroy: deletePod,

    async list(): Promise<SandboxInfo[]> {
      const { core } = await clients();
      const pods = await core.listNamespacedPod({
        namespace,
        labelSelector: managedSelector({ [LABELS.session]: true }),
      });
      return pods.items
        .filter((pod) => !pod.metadata?.deletionTimestamp)
        .map((pod) => {
          const metadata = pod.metadata!;
          return {
            id: metadata.name!,
            sessionId: metadata.annotations?.[ANNOTATIONS.sessionId] ?? metadata.labels![LABELS.session]!,
            createdAt: new Date(
              metadata.annotations?.[ANNOTATIONS.claimedAt] ?? metadata.creationTimestamp ?? 0,
            ),
          };
        });
    },

    async close() {
      closed = true;
      await passes;
    },
  };
}

function isReady(pod: V1Pod): boolean {
  return (
    !pod.metadata?.deletionTimestamp &&
    pod.status?.phase === 'Running' &&
    (pod.status.conditions ?? []).some(
      (condition) => condition.type === 'Ready' && condition.status === 'True',
    )
  );
}

function imageOfPod(pod: V1Pod): string | undefined {
  return pod.spec?.containers.find((container) => container.name === CONTAINER_NAME)?.image;
}

function isScheduled(pod: V1Pod): boolean {
  return (
    Boolean(pod.spec?.nodeName) ||
    (pod.status?.conditions ?? []).some((c) => c.type === 'PodScheduled' && c.status === 'True')
  );
}

/** Why a pod will never run, or null while it still might. */
function failureOf(pod: V1Pod): string | null {
  const phase = pod.status?.phase;
  if (phase === 'Failed' || phase === 'Succeeded')
    return `${phase}${pod.status?.reason ? ` (${pod.status.reason})` : ''}`;
  for (const container of pod.status?.containerStatuses ?? []) {
    const waiting = container.state?.waiting;
    if (waiting?.reason && FATAL_WAITING_REASONS.has(waiting.reason))
      return `${waiting.reason}: ${waiting.message ?? ''}`.trim();
  }
  return null;
}

/** The HTTP status of a client-library ApiException (or of a refused exec upgrade), if any. */
function statusCodeOf(error: unknown): number | undefined {
  if (typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'number')
    return error.code;
  const match = /Unexpected server response: (\d{3})/.exec(asError(error).message);
  return match ? Number(match[1]) : undefined;
}

function notFoundOr(error: unknown, sandboxId: string): Error {
  if (error instanceof ExecFailure) {
    return new LabRuntimeError(
      'UNAVAILABLE',
      `Could not run a command in the sandbox ${sandboxId}: ${error.message}`,
    );
  }
  const code = statusCodeOf(error);
  if (code === 404) return new LabRuntimeError('SANDBOX_NOT_FOUND', `No sandbox ${sandboxId}`);
  // The API refuses exec into a pod that is no longer running (its deadline passed, or it failed).
  if (code === 400)
    return new LabRuntimeError('SANDBOX_NOT_FOUND', `The sandbox ${sandboxId} is not running`);
  return asError(error);
}

function jsonPointer(...segments: string[]): string {
  return segments.map((segment) => '/' + segment.replaceAll('~', '~0').replaceAll('/', '~1')).join('');
}

function timeOf(value: Date | string | undefined): number {
  return value ? new Date(value).getTime() : 0;
}

/** The API server fills defaults into a stored policy; compare only what we set. */
function normalisedPolicySpec(spec: unknown) {
  const value = (spec ?? {}) as {
    podSelector?: unknown;
    policyTypes?: unknown;
    ingress?: unknown;
    egress?: unknown;
  };
  return {
    podSelector: value.podSelector ?? {},
    policyTypes: value.policyTypes ?? [],
    ingress: value.ingress ?? [],
    egress: value.egress ?? [],
  };
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
