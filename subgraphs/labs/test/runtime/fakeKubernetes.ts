/**
 * A local test server speaking the subset of the Kubernetes API the `kubernetes` lab runtime uses,
 * so the adapter is tested through the real client library over real HTTP and WebSocket — never by
 * mocking the library. It is a test server, not a sandbox: exec runs the command as a local process
 * (a PTY for `tty=true`) in a per-pod temporary home.
 *
 * Covered: namespaces (get, create), pods (create, get, list with label selectors, watch by name,
 * JSON/merge patch, delete) with Pending → scheduled → Running transitions after configurable delays
 * and activeDeadlineSeconds enforced (Failed, DeadlineExceeded),
 * NetworkPolicies (get, create, replace), bearer-token auth, and pods/exec over the
 * `v4.channel.k8s.io` / `channel.k8s.io` subprotocols (0 stdin, 1 stdout, 2 stderr, 3 status,
 * 4 resize).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { constants as osConstants } from 'node:os';
import * as pty from 'node-pty';
import { WebSocketServer, type WebSocket } from 'ws';
import type { KubeConfig } from '@kubernetes/client-node';
import { loadKubernetesClient } from '../../src/runtime/kubernetes';

export interface FakeKubernetesOptions {
  token?: string;
  /** Namespaces that exist from the start. */
  namespaces?: string[];
  /** From creation until the pod is bound to a node. */
  scheduleDelayMs?: number;
  /** From creation until the pod is Running and Ready. */
  startDelayMs?: number;
  /** Pods with these images never start: their container waits in ErrImagePull. */
  brokenImages?: string[];
  /** Executables the "image" lacks: exec of them fails like a real runtime's (no exit code). */
  missingExecutables?: string[];
}

export interface FakeRequest {
  method: string;
  path: string;
  /** The query parameters as sent. */
  query: Record<string, string>;
  at: number;
}

type KubeObject = {
  apiVersion?: string;
  kind?: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    [key: string]: unknown;
  };
  spec?: Record<string, unknown>;
  status?: Record<string, unknown>;
  [key: string]: unknown;
};

interface PodRecord {
  object: KubeObject;
  home: string;
  timers: NodeJS.Timeout[];
  deadline?: NodeJS.Timeout;
  processes: Set<{ kill(): void }>;
}

export class FakeKubernetes {
  readonly token: string;
  readonly requests: FakeRequest[] = [];
  private readonly namespaces = new Map<string, KubeObject>();
  private readonly pods = new Map<string, PodRecord>();
  private readonly policies = new Map<string, KubeObject>();
  private readonly server = createServer((request, response) => void this.handle(request, response));
  private readonly sockets = new WebSocketServer({
    noServer: true,
    handleProtocols: (offered) =>
      offered.has('v4.channel.k8s.io')
        ? 'v4.channel.k8s.io'
        : offered.has('channel.k8s.io')
          ? 'channel.k8s.io'
          : false,
  });
  private readonly watchers = new Set<{ namespace: string; name: string | null; response: ServerResponse }>();
  private resourceVersion = 1;
  private readonly scheduleDelayMs: number;
  private readonly startDelayMs: number;
  private readonly brokenImages: Set<string>;
  private readonly missingExecutables: Set<string>;
  url = '';

  private constructor(options: FakeKubernetesOptions) {
    this.token = options.token ?? 'fake-kubernetes-token';
    this.scheduleDelayMs = options.scheduleDelayMs ?? 20;
    this.startDelayMs = options.startDelayMs ?? 60;
    this.brokenImages = new Set(options.brokenImages ?? []);
    this.missingExecutables = new Set(options.missingExecutables ?? []);
    for (const name of options.namespaces ?? ['learncraft-labs'])
      this.namespaces.set(name, this.stamp({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } }));
    this.server.on('upgrade', (request: IncomingMessage, socket, head) =>
      this.upgrade(request, socket, head),
    );
  }

  static async start(options: FakeKubernetesOptions = {}): Promise<FakeKubernetes> {
    const fake = new FakeKubernetes(options);
    await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
    fake.url = `http://127.0.0.1:${(fake.server.address() as AddressInfo).port}`;
    return fake;
  }

  /** A KubeConfig pointing at this server with a token user, as a deployment would have. */
  async kubeConfig(token = this.token): Promise<KubeConfig> {
    const { KubeConfig } = await loadKubernetesClient();
    const config = new KubeConfig();
    config.loadFromOptions({
      clusters: [{ name: 'fake', server: this.url, skipTLSVerify: true }],
      users: [{ name: 'labs', token }],
      contexts: [{ name: 'fake', cluster: 'fake', user: 'labs' }],
      currentContext: 'fake',
    });
    return config;
  }

  /** The stored pods of a namespace, as the API would return them. */
  podObjects(namespace = 'learncraft-labs'): KubeObject[] {
    return [...this.pods.values()]
      .map((record) => record.object)
      .filter((pod) => pod.metadata.namespace === namespace);
  }

  networkPolicy(namespace: string, name: string): KubeObject | undefined {
    return this.policies.get(`${namespace}/${name}`);
  }

  namespace(name: string): KubeObject | undefined {
    return this.namespaces.get(name);
  }

  /** How many requests matched, e.g. `count('POST', /\/pods$/)`. */
  count(method: string, path: RegExp, since = 0): number {
    return this.requests.filter(
      (request) => request.method === method && path.test(request.path) && request.at >= since,
    ).length;
  }

  async close(): Promise<void> {
    for (const record of this.pods.values()) this.dispose(record);
    this.pods.clear();
    for (const client of this.sockets.clients) client.terminate();
    for (const watcher of this.watchers) watcher.response.end();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private stamp(object: KubeObject): KubeObject {
    object.metadata.resourceVersion = String(++this.resourceVersion);
    object.metadata.uid ??= `uid-${this.resourceVersion}`;
    object.metadata.creationTimestamp ??= new Date().toISOString();
    return object;
  }

  private async handle(request: IncomingMessage, response: ServerResponse) {
    const url = new URL(request.url ?? '/', 'http://fake');
    const method = request.method ?? 'GET';
    this.requests.push({
      method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      at: Date.now(),
    });
    if (request.headers.authorization !== `Bearer ${this.token}`)
      return send(response, 401, failure(401, 'Unauthorized', 'Unauthorized'));
    const body = await readBody(request);
    const parts = url.pathname.split('/').filter(Boolean);
    try {
      if (parts[0] === 'api' && parts[1] === 'v1' && parts[2] === 'namespaces') {
        const [, , , ns, resource, name, ...rest] = parts;
        if (!ns)
          return method === 'POST'
            ? this.createNamespace(response, JSON.parse(body) as KubeObject)
            : send(response, 405, failure(405, 'MethodNotAllowed', method));
        if (!resource)
          return this.namespaces.has(ns)
            ? send(response, 200, this.namespaces.get(ns))
            : send(response, 404, notFound('namespaces', ns));
        if (resource === 'pods' && rest.length === 0)
          return this.pod(method, ns, name, url, body, request.headers['content-type'] ?? '', response);
      }
      if (
        parts[0] === 'apis' &&
        parts[1] === 'networking.k8s.io' &&
        parts[2] === 'v1' &&
        parts[3] === 'namespaces' &&
        parts[5] === 'networkpolicies'
      ) {
        return this.networkPolicyRequest(method, parts[4]!, parts[6], body, response);
      }
      send(
        response,
        404,
        failure(
          404,
          'NotFound',
          `the server could not find the requested resource (${method} ${url.pathname})`,
        ),
      );
    } catch (error) {
      send(
        response,
        500,
        failure(500, 'InternalError', error instanceof Error ? error.message : String(error)),
      );
    }
  }

  private createNamespace(response: ServerResponse, object: KubeObject) {
    if (this.namespaces.has(object.metadata.name))
      return send(
        response,
        409,
        failure(409, 'AlreadyExists', `namespaces "${object.metadata.name}" already exists`),
      );
    this.namespaces.set(object.metadata.name, this.stamp(object));
    send(response, 201, object);
  }

  private pod(
    method: string,
    ns: string,
    name: string | undefined,
    url: URL,
    body: string,
    contentType: string,
    response: ServerResponse,
  ) {
    // Like the real API, listing in a namespace that does not exist answers an empty list.
    if (!this.namespaces.has(ns) && !(method === 'GET' && !name))
      return send(response, 404, notFound('namespaces', ns));
    if (!name && method === 'GET' && url.searchParams.get('watch') === 'true')
      return this.watch(ns, url, response);
    if (!name && method === 'GET') {
      const selector = url.searchParams.get('labelSelector') ?? '';
      const limit = Number(url.searchParams.get('limit') ?? 0);
      let items = this.podObjects(ns).filter((pod) => matchesSelector(pod.metadata.labels ?? {}, selector));
      if (limit > 0) items = items.slice(0, limit);
      return send(response, 200, {
        apiVersion: 'v1',
        kind: 'PodList',
        metadata: { resourceVersion: String(this.resourceVersion) },
        items,
      });
    }
    if (!name && method === 'POST') return this.createPod(ns, JSON.parse(body) as KubeObject, response);
    const key = `${ns}/${name}`;
    const record = this.pods.get(key);
    if (!name || !record) return send(response, 404, notFound('pods', name ?? ''));
    if (method === 'GET') return send(response, 200, record.object);
    if (method === 'DELETE') {
      this.pods.delete(key);
      this.dispose(record);
      this.notify('DELETED', record.object);
      return send(response, 200, record.object);
    }
    if (method === 'PATCH') {
      const patched = applyPatch(record.object, JSON.parse(body), contentType);
      if ('error' in patched) return send(response, 422, failure(422, 'Invalid', patched.error));
      record.object = this.stamp(patched.object);
      this.notify('MODIFIED', record.object);
      this.armDeadline(record);
      return send(response, 200, record.object);
    }
    send(response, 405, failure(405, 'MethodNotAllowed', method));
  }

  private createPod(ns: string, object: KubeObject, response: ServerResponse) {
    const key = `${ns}/${object.metadata.name}`;
    if (this.pods.has(key))
      return send(
        response,
        409,
        failure(409, 'AlreadyExists', `pods "${object.metadata.name}" already exists`),
      );
    object.metadata.namespace = ns;
    object.status = { phase: 'Pending', conditions: [] };
    const record: PodRecord = {
      object: this.stamp(object),
      home: mkdtempSync(join(tmpdir(), 'fake-pod-')),
      timers: [],
      processes: new Set(),
    };
    this.pods.set(key, record);
    record.timers.push(
      setTimeout(() => {
        record.object.spec = { ...record.object.spec, nodeName: 'fake-node' };
        record.object.status = {
          ...record.object.status,
          conditions: [{ type: 'PodScheduled', status: 'True' }],
        };
        this.notify('MODIFIED', this.stamp(record.object));
      }, this.scheduleDelayMs),
      setTimeout(() => {
        const containers = (record.object.spec?.containers ?? []) as { name: string; image: string }[];
        const broken = containers.some((container) => this.brokenImages.has(container.image));
        const now = new Date().toISOString();
        record.object.status = broken
          ? {
              phase: 'Pending',
              conditions: [{ type: 'PodScheduled', status: 'True' }],
              containerStatuses: containers.map((c) => ({
                name: c.name,
                image: c.image,
                ready: false,
                restartCount: 0,
                imageID: '',
                state: { waiting: { reason: 'ErrImagePull', message: `pull access denied for ${c.image}` } },
              })),
            }
          : {
              phase: 'Running',
              startTime: now,
              conditions: [
                { type: 'PodScheduled', status: 'True' },
                { type: 'Ready', status: 'True' },
              ],
              containerStatuses: containers.map((c) => ({
                name: c.name,
                image: c.image,
                ready: true,
                restartCount: 0,
                imageID: '',
                state: { running: { startedAt: now } },
              })),
            };
        this.notify('MODIFIED', this.stamp(record.object));
        this.armDeadline(record);
      }, this.startDelayMs),
    );
    this.notify('ADDED', record.object);
    send(response, 201, record.object);
  }

  /**
   * A watch on pods (`fieldSelector=metadata.name=…` only). From a resourceVersion older than the
   * pod's, the current state is sent at once, standing in for the events in between; without one,
   * the current state comes as ADDED, like the initial list of a real watch.
   */
  private watch(namespace: string, url: URL, response: ServerResponse) {
    const field = /^metadata\.name=(.+)$/.exec(url.searchParams.get('fieldSelector') ?? '');
    const watcher = { namespace, name: field ? field[1]! : null, response };
    response.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
    response.flushHeaders();
    this.watchers.add(watcher);
    response.on('close', () => this.watchers.delete(watcher));
    const since = url.searchParams.get('resourceVersion');
    for (const pod of this.podObjects(namespace)) {
      if (watcher.name !== null && pod.metadata.name !== watcher.name) continue;
      if (!since) response.write(JSON.stringify({ type: 'ADDED', object: pod }) + '\n');
      else if (Number(pod.metadata.resourceVersion) > Number(since)) {
        response.write(JSON.stringify({ type: 'MODIFIED', object: pod }) + '\n');
      }
    }
  }

  private notify(type: 'ADDED' | 'MODIFIED' | 'DELETED', pod: KubeObject) {
    for (const watcher of this.watchers) {
      if (watcher.namespace !== pod.metadata.namespace) continue;
      if (watcher.name !== null && watcher.name !== pod.metadata.name) continue;
      watcher.response.write(JSON.stringify({ type, object: pod }) + '\n');
    }
  }

  private networkPolicyRequest(
    method: string,
    ns: string,
    name: string | undefined,
    body: string,
    response: ServerResponse,
  ) {
    if (!this.namespaces.has(ns)) return send(response, 404, notFound('namespaces', ns));
    if (!name && method === 'POST') {
      const object = JSON.parse(body) as KubeObject;
      const key = `${ns}/${object.metadata.name}`;
      if (this.policies.has(key))
        return send(
          response,
          409,
          failure(409, 'AlreadyExists', `networkpolicies "${object.metadata.name}" already exists`),
        );
      object.metadata.namespace = ns;
      this.policies.set(key, this.stamp(object));
      return send(response, 201, object);
    }
    const key = `${ns}/${name}`;
    const current = this.policies.get(key);
    if (!name || !current) return send(response, 404, notFound('networkpolicies', name ?? ''));
    if (method === 'GET') return send(response, 200, current);
    if (method === 'PUT') {
      const object = JSON.parse(body) as KubeObject;
      if (object.metadata.resourceVersion !== current.metadata.resourceVersion) {
        return send(
          response,
          409,
          failure(
            409,
            'Conflict',
            'the object has been modified; please apply your changes to the latest version',
          ),
        );
      }
      object.metadata = {
        ...object.metadata,
        namespace: ns,
        uid: current.metadata.uid,
        creationTimestamp: current.metadata.creationTimestamp,
      };
      this.policies.set(key, this.stamp(object));
      return send(response, 200, object);
    }
    send(response, 405, failure(405, 'MethodNotAllowed', method));
  }

  private upgrade(request: IncomingMessage, socket: import('node:stream').Duplex, head: Buffer) {
    const url = new URL(request.url ?? '/', 'http://fake');
    this.requests.push({
      method: 'EXEC',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      at: Date.now(),
    });
    const refuse = (code: number, text: string) => {
      socket.end(`HTTP/1.1 ${code} ${text}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`);
    };
    if (request.headers.authorization !== `Bearer ${this.token}`) return refuse(401, 'Unauthorized');
    const match = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/exec$/.exec(url.pathname);
    const record = match ? this.pods.get(`${match[1]}/${match[2]}`) : undefined;
    if (!record) return refuse(404, 'Not Found');
    if (record.object.status?.phase !== 'Running') return refuse(400, 'Bad Request');
    this.sockets.handleUpgrade(request, socket, head, (ws) => this.exec(ws, record, url.searchParams));
  }

  private exec(ws: WebSocket, record: PodRecord, query: URLSearchParams) {
    const command = query.getAll('command');
    const tty = query.get('tty') === 'true';
    const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: record.home, LANG: 'C.UTF-8' };
    const frame = (channel: number, data: Buffer | string) => {
      if (ws.readyState === ws.OPEN) ws.send(Buffer.concat([Buffer.from([channel]), Buffer.from(data)]));
    };
    const finish = (exitCode: number) => {
      frame(3, JSON.stringify(exitStatus(command, exitCode)));
      ws.close();
    };

    if (this.missingExecutables.has(command[0]!)) {
      const message = `failed to exec in container: exec: "${command[0]}": executable file not found in $PATH`;
      frame(
        3,
        JSON.stringify({ metadata: {}, status: 'Failure', message, reason: 'InternalError', code: 500 }),
      );
      ws.close();
      return;
    }

    if (tty) {
      const shell = pty.spawn(command[0]!, command.slice(1), {
        name: 'xterm-256color',
        cols: 80,
        rows: 24,
        cwd: record.home,
        env,
      });
      const handle = { kill: () => shell.kill('SIGKILL') };
      record.processes.add(handle);
      shell.onData((data) => frame(1, data));
      shell.onExit(({ exitCode, signal }) => {
        record.processes.delete(handle);
        finish(signal ? 128 + signal : exitCode);
      });
      ws.on('message', (data: Buffer) => {
        if (data[0] === 0) shell.write(data.subarray(1).toString('utf8'));
        if (data[0] === 4) {
          const size = JSON.parse(data.subarray(1).toString('utf8')) as Record<string, number>;
          shell.resize(size.Width ?? size.width ?? 80, size.Height ?? size.height ?? 24);
        }
      });
      // A real kubelet closes the PTY with the stream, which hangs up the shell.
      ws.on('close', () => {
        try {
          shell.kill('SIGHUP');
        } catch {
          // already gone
        }
      });
      return;
    }

    const child: ChildProcess = spawn(command[0]!, command.slice(1), {
      cwd: record.home,
      env,
      detached: true,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const handle = { kill: () => killGroup(child) };
    record.processes.add(handle);
    child.stdout!.on('data', (chunk: Buffer) => frame(1, chunk));
    child.stderr!.on('data', (chunk: Buffer) => frame(2, chunk));
    child.on('error', (error) => {
      frame(2, `${error.message}\n`);
    });
    child.on('close', (code, signal) => {
      record.processes.delete(handle);
      finish(code ?? 128 + (signal ? osConstants.signals[signal] : 0));
    });
    ws.on('message', (data: Buffer) => {
      if (data[0] === 0 && query.get('stdin') === 'true') child.stdin!.write(data.subarray(1));
    });
    // Like a real kubelet, closing a non-TTY stream does not stop the command (hence `timeout`).
  }

  /** Like the kubelet: a running pod past activeDeadlineSeconds (from its start) is stopped and Failed. */
  private armDeadline(record: PodRecord) {
    clearTimeout(record.deadline);
    const seconds = record.object.spec?.activeDeadlineSeconds;
    const startTime = record.object.status?.startTime;
    if (
      typeof seconds !== 'number' ||
      typeof startTime !== 'string' ||
      record.object.status?.phase !== 'Running'
    )
      return;
    record.deadline = setTimeout(
      () => {
        for (const running of record.processes) running.kill();
        record.object.status = {
          ...record.object.status,
          phase: 'Failed',
          reason: 'DeadlineExceeded',
          message: 'Pod was active on the node longer than the specified deadline',
        };
        this.notify('MODIFIED', this.stamp(record.object));
      },
      Math.max(0, Date.parse(startTime) + seconds * 1000 - Date.now()),
    );
  }

  private dispose(record: PodRecord) {
    clearTimeout(record.deadline);
    for (const timer of record.timers) clearTimeout(timer);
    for (const running of record.processes) running.kill();
    record.processes.clear();
    rmSync(record.home, { recursive: true, force: true });
  }
}

function killGroup(child: ChildProcess) {
  try {
    if (child.pid) process.kill(-child.pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

function exitStatus(command: string[], exitCode: number) {
  if (exitCode === 0) return { metadata: {}, status: 'Success' };
  return {
    metadata: {},
    status: 'Failure',
    message: `command terminated with non-zero exit code: error executing command [${command.join(' ')}], exit code ${exitCode}`,
    reason: 'NonZeroExitCode',
    details: { causes: [{ reason: 'ExitCode', message: String(exitCode) }] },
  };
}

/** Equality (`k=v`, `k==v`), inequality (`k!=v`), existence (`k`) and absence (`!k`) terms. */
export function matchesSelector(labels: Record<string, string>, selector: string): boolean {
  return selector
    .split(',')
    .map((term) => term.trim())
    .filter(Boolean)
    .every((term) => {
      const inequality = term.indexOf('!=');
      if (inequality > 0) return labels[term.slice(0, inequality)] !== term.slice(inequality + 2);
      const equality = term.indexOf('=');
      if (equality > 0)
        return (
          labels[term.slice(0, equality)] === term.slice(equality + (term[equality + 1] === '=' ? 2 : 1))
        );
      if (term.startsWith('!')) return !(term.slice(1) in labels);
      return term in labels;
    });
}

type PatchOperation = { op: string; path: string; value?: unknown };

/** JSON patch (add, replace, remove, test) and merge patch, applied to a copy. */
function applyPatch(
  object: KubeObject,
  patch: unknown,
  contentType: string,
): { object: KubeObject } | { error: string } {
  const copy = structuredClone(object);
  if (!contentType.startsWith('application/json-patch+json'))
    return { object: mergePatch(copy, patch) as KubeObject };
  for (const operation of patch as PatchOperation[]) {
    const segments = operation.path
      .split('/')
      .slice(1)
      .map((segment) => segment.replaceAll('~1', '/').replaceAll('~0', '~'));
    const last = segments.pop()!;
    let parent: unknown = copy;
    for (const segment of segments) {
      parent =
        typeof parent === 'object' && parent !== null
          ? (parent as Record<string, unknown>)[segment]
          : undefined;
    }
    if (typeof parent !== 'object' || parent === null)
      return { error: `the path "${operation.path}" does not exist` };
    const target = parent as Record<string, unknown>;
    switch (operation.op) {
      case 'test':
        if (JSON.stringify(target[last]) !== JSON.stringify(operation.value))
          return { error: `testing value ${operation.path} failed` };
        break;
      case 'add':
        target[last] = operation.value;
        break;
      case 'replace':
        if (!(last in target))
          return { error: `replace operation does not apply: doc is missing key: ${operation.path}` };
        target[last] = operation.value;
        break;
      case 'remove':
        if (!(last in target))
          return { error: `remove operation does not apply: doc is missing path: ${operation.path}` };
        delete target[last];
        break;
      default:
        return { error: `unsupported operation ${operation.op}` };
    }
  }
  return { object: copy };
}

function mergePatch(target: unknown, patch: unknown): unknown {
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) return patch;
  const result =
    typeof target === 'object' && target !== null && !Array.isArray(target)
      ? { ...(target as Record<string, unknown>) }
      : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = mergePatch(result[key], value);
  }
  return result;
}

function failure(code: number, reason: string, message: string) {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code };
}

function notFound(resource: string, name: string) {
  return failure(404, 'NotFound', `${resource} "${name}" not found`);
}

function send(response: ServerResponse, code: number, body: unknown) {
  const text = JSON.stringify(body);
  response.writeHead(code, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  response.end(text);
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}
