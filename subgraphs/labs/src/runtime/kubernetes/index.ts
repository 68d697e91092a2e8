/** The `kubernetes` lab runtime: one Pod per session (see runtime.ts), and the manifests it applies. */
export { createKubernetesRuntime, type KubernetesLabRuntime, type KubernetesRuntimeOptions } from './runtime';
export {
  DEFAULT_RESOURCES,
  LABELS,
  labNamespaceManifest,
  labNetworkPolicyManifest,
  labPodManifest,
  labRoleManifest,
  type LabPodOptions,
  type LabPodPurpose,
  type LabPodResources,
} from './manifests';
export { loadKubernetesClient, type KubernetesClient } from './client';
