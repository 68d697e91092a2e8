/**
 * Renders a kustomize overlay of deploy/k8s offline with `kubectl kustomize` and parses the
 * result. The tree is copied to a temporary directory first, so the dev overlay's git-ignored
 * secret files can be generated there (make-secrets.ts) without touching the checkout.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { writeDevSecrets } from '../k8s/overlays/dev/make-secrets';

export const K8S_DIR = path.resolve(__dirname, '../k8s');

/** One rendered Kubernetes object; tests read it field by field. */
export type Manifest = {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
} & Record<string, any>;

export interface RenderOptions {
  /** PATH to look kubectl up on (tests use it to see the message when kubectl is missing). */
  pathEnv?: string;
}

export class KubectlMissingError extends Error {
  override name = 'KubectlMissingError';
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv) {
  const result = spawnSync(command, args, { env, encoding: 'utf8', timeout: 60_000 });
  if (result.error && (result.error as NodeJS.ErrnoException).code === 'ENOENT')
    throw new KubectlMissingError(
      'kubectl is not installed (or not on PATH): the Kubernetes manifests are rendered with ' +
        '`kubectl kustomize`, offline. Install it (`apt-get install kubectl`; .ci/run does it in ' +
        'ensure_lab_tools) and run the test again.',
    );
  if (result.error) throw result.error;
  if (result.status !== 0)
    throw new Error(`${command} ${args.join(' ')} exited with ${result.status}:\n${result.stderr}`);
  return result.stdout;
}

/** `kubectl kustomize deploy/k8s/overlays/<overlay>`, parsed into its objects. */
export function renderOverlay(overlay: 'dev' | 'prod', options: RenderOptions = {}): Manifest[] {
  const env = { ...process.env, PATH: options.pathEnv ?? process.env.PATH };
  const work = mkdtempSync(path.join(tmpdir(), 'learncraft-k8s-'));
  try {
    cpSync(K8S_DIR, work, { recursive: true });
    const overlayDir = path.join(work, 'overlays', overlay);
    if (overlay === 'dev') writeDevSecrets(overlayDir);
    return parseManifests(run('kubectl', ['kustomize', overlayDir], env));
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

export function parseManifests(text: string): Manifest[] {
  return parseAllDocuments(text).map((document) => {
    if (document.errors.length > 0) throw new Error(document.errors.map((e) => e.message).join('\n'));
    return document.toJS() as Manifest;
  });
}

/** `KEY=value` lines of an env file (kustomize's format: `#` comments, no quoting). */
export function readEnvFile(file: string): Record<string, string> {
  const entries = readFileSync(file, 'utf8')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const at = line.indexOf('=');
      return [line.slice(0, at), line.slice(at + 1)] as const;
    });
  return Object.fromEntries(entries);
}

export const ofKind = (manifests: Manifest[], kind: string) => manifests.filter((m) => m.kind === kind);

export function named(manifests: Manifest[], kind: string, name: string, namespace?: string): Manifest {
  const found = manifests.find(
    (m) =>
      m.kind === kind &&
      m.metadata.name === name &&
      (namespace === undefined || m.metadata.namespace === namespace),
  );
  if (!found) throw new Error(`no ${kind} ${namespace ? `${namespace}/` : ''}${name} in the rendered output`);
  return found;
}
