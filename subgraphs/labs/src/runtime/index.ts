/**
 * The lab runtime: the port (types.ts), its error class, and the adapters this package ships.
 * `createRuntime` is the one place the labs subgraph's config picks an adapter: the local
 * bubblewrap runtime (the embedded default) or the Kubernetes runtime, whose client library is
 * loaded only when it is chosen.
 */
import type { Logger } from '@learncraft/kit';
import type { LabsConfig } from '../config';
import { createKubernetesRuntime, loadKubernetesClient } from './kubernetes';
import { createLocalRuntime } from './local';
import type { LabRuntime } from './types';

export type * from './types';
export { LabRuntimeError, type LabRuntimeErrorCode } from './local/errors';
export {
  createLocalRuntime,
  DEFAULT_LOCAL_LIMITS,
  PROFILE_NAMES,
  type LocalLimits,
  type LocalRuntimeOptions,
} from './local';
export { createKubernetesRuntime, type KubernetesRuntimeOptions } from './kubernetes';

/** The runtime LAB_RUNTIME names, configured from the labs config. */
export async function createRuntime(config: LabsConfig, logger: Logger): Promise<LabRuntime> {
  if (config.LAB_RUNTIME === 'local') {
    return createLocalRuntime({ dataDir: config.DATA_DIR, maxSandboxes: config.LAB_MAX_SANDBOXES, logger });
  }
  const k8s = await loadKubernetesClient();
  const kubeConfig = new k8s.KubeConfig();
  kubeConfig.loadFromDefault(); // KUBECONFIG, ~/.kube/config, or the pod's service account
  const runtime = createKubernetesRuntime({
    kubeConfig,
    namespace: config.LAB_K8S_NAMESPACE,
    images: config.LAB_K8S_IMAGES,
    warmPool: config.LAB_K8S_WARM_POOL,
    runtimeClassName: config.LAB_K8S_RUNTIME_CLASS,
    // A session may be extended this much past its first expiry; the pod's deadline allows it.
    deadlineHeadroomMs: config.LAB_MAX_EXTENSIONS * 15 * 60_000,
    logger,
  });
  await runtime.ensureNamespace();
  return runtime;
}
