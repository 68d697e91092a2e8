/**
 * Loads @kubernetes/client-node. Version 1.x is published as ES modules only, and the labs package
 * runs as CommonJS under Jest (SWC), where `require()` of an ES module fails on Node 20 — so the
 * client is loaded through a real dynamic `import()` that the transform leaves alone. Everything
 * else imports only its types, which keeps the embedded default (and its tests) from loading the
 * Kubernetes client at all.
 */
export type KubernetesClient = typeof import('@kubernetes/client-node');

// A Function body is not rewritten by the CommonJS transform, so `import()` stays an ESM import.
// eslint-disable-next-line @typescript-eslint/no-implied-eval
const importModule = new Function('specifier', 'return import(specifier)') as (
  specifier: string,
) => Promise<KubernetesClient>;

let loading: Promise<KubernetesClient> | undefined;

export function loadKubernetesClient(): Promise<KubernetesClient> {
  loading ??= importModule('@kubernetes/client-node');
  return loading;
}
