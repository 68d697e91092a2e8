/**
 * The `local` LabRuntime: sandboxes on this machine with bubblewrap, the embedded default.
 *
 * Design. A sandbox is a directory, `<dataDir>/labs/sandboxes/<id>/`, holding `meta.json` (session,
 * times, profile, host uid), a private `home/`, generated `etc/` files and a `bin/` of profile
 * wrappers. There is no long-lived sandbox process: every process — the setup script, each `exec`
 * check, each `attach` shell — is its own bwrap invocation over the same home (see bwrap.ts for
 * the flags and why). That keeps the state on disk, so a new labs process finds sandboxes a crashed
 * one left (`list`), and `destroy` can always kill and remove them.
 *
 * Trade-offs of one invocation per process (documented for the labs subgraph):
 * - Each invocation has its own pid and network namespace: a check cannot see processes or
 *   loopback servers the learner started in a shell. (bwrap's --userns/--pidns could join a
 *   long-lived init's namespaces later.)
 * - No disk quota without cgroups or loop devices: RLIMIT_FSIZE caps each file, and a watchdog
 *   measures each home every `watchIntervalMs` and kills the sandbox's processes when it is over
 *   `homeBytes` (the files stay so the learner can delete them). A tmpfs home would be capped
 *   exactly but would not survive between invocations.
 * - Memory is RLIMIT_DATA per process, not per sandbox: with `processes` processes a sandbox can
 *   in theory hold processes × memoryBytes. /tmp and /dev/shm are capped tmpfs per invocation, so
 *   they are not shared between a shell and a check either.
 * - Host uids are `uidBase + slot`, the lowest slot no sandbox on disk and no live process uses.
 *   The range must belong to one data directory alone. The data directory gets o+x (search, not
 *   list) so those uids can reach their homes. Without root there is no uid switch: sandboxes then
 *   share our uid and with it the process limit (`isolateUids: false`).
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { accessSync, constants, existsSync, realpathSync, statSync } from 'node:fs';
import { chmod, chown, lstat, mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import * as pty from 'node-pty';
import type { Logger } from '@learncraft/kit';
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
import { sandboxArgv, type InvocationPlan, type Rlimits } from './bwrap';
import { LabRuntimeError } from './errors';
import { killSandboxProcesses, sandboxPids } from './processes';
import { etcFiles, profileMounts, type HostTools } from './profiles';
import { seccompFilter } from './seccomp';

export interface LocalLimits extends Rlimits {
  /** The home directory's size cap, enforced by the watchdog, in bytes. */
  homeBytes: number;
  /** The setup script is killed (and provisioning fails) after this long. */
  setupTimeoutMs: number;
  /** Niceness of sandbox processes (0 to 19). */
  niceness: number;
}

export const DEFAULT_LOCAL_LIMITS: LocalLimits = {
  processes: 64,
  memoryBytes: 512 * 1024 * 1024,
  fileSizeBytes: 50 * 1024 * 1024,
  cpuSeconds: 600,
  openFiles: 256,
  tmpBytes: 64 * 1024 * 1024,
  shmBytes: 16 * 1024 * 1024,
  homeBytes: 100 * 1024 * 1024,
  setupTimeoutMs: 60_000,
  niceness: 10,
};

export interface LocalRuntimeOptions {
  /** The embedded data directory; sandboxes live under `<dataDir>/labs/sandboxes/`. */
  dataDir: string;
  /** Sandboxes this machine holds at most (orphans count). Default 50. */
  maxSandboxes?: number;
  limits?: Partial<LocalLimits>;
  logger?: Logger;
  /** The bwrap binary; default: found on `searchPath`. A path that does not exist means "not installed". */
  bwrapPath?: string;
  /** Directories searched for bwrap, setpriv, prlimit and kubectl. */
  searchPath?: string;
  /** Host tool locations for the profiles; defaults: this node, the repo's typescript, kubectl on searchPath. */
  tools?: Partial<HostTools>;
  /**
   * Give each sandbox its own host uid (`uidBase + slot`). Default: when running as root, which it
   * requires. Without it every sandbox shares our uid, so the process limit is shared too.
   */
  isolateUids?: boolean;
  /** First host uid for sandboxes; pick a range no host account uses. Default 1 500 000. */
  uidBase?: number;
  /** How often homes are measured and expired sandboxes swept. Default 10 s. */
  watchIntervalMs?: number;
  /** Apply the seccomp deny-list (seccomp.ts) where this architecture has one. Default true. */
  seccomp?: boolean;
}

const DEFAULT_SEARCH_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
const SANDBOX_ID = /^lab-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const HOSTNAME = 'lab';
const HOST_ETC = [
  '/etc/alternatives',
  '/etc/ld.so.cache',
  '/etc/ld.so.conf',
  '/etc/ld.so.conf.d',
  '/etc/localtime',
  '/etc/inputrc',
  '/etc/terminfo',
];
const MAX_TIMER_MS = 2 ** 31 - 1;

interface SandboxMeta {
  sessionId: string;
  profile: string;
  createdAt: string;
  expiresAt: string;
  /** The host uid the sandbox's processes run as; null when uids are not isolated. */
  hostUid: number | null;
}

/** What this process knows about a sandbox beyond its meta: the processes it started. */
interface LiveSandbox {
  meta: SandboxMeta;
  pids: Set<number>;
  expiryTimer: NodeJS.Timeout | null;
}

const silentLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  child: () => silentLogger,
};

function findExecutable(name: string, searchPath: string): string | null {
  for (const dir of searchPath.split(':')) {
    if (dir === '') continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return null;
}

function defaultTypescriptDir(): string | null {
  try {
    return dirname(require.resolve('typescript/package.json'));
  } catch {
    return null;
  }
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Bytes a directory tree occupies on disk, counted until `stopAbove` is passed. */
async function diskUsage(root: string, stopAbove: number): Promise<number> {
  let total = 0;
  const pending = [root];
  while (pending.length > 0 && total <= stopAbove) {
    const dir = pending.pop() as string;
    let names: string[];
    try {
      names = await readdir(dir);
    } catch {
      continue;
    }
    for (const name of names) {
      const path = join(dir, name);
      try {
        const info = await lstat(path);
        total += info.blocks * 512;
        if (info.isDirectory()) pending.push(path);
      } catch {
        // removed while we counted
      }
    }
  }
  return total;
}

export class LocalLabRuntime implements LabRuntime {
  readonly kind = 'local' as const;
  private readonly sandboxesDir: string;
  private readonly limits: LocalLimits;
  private readonly maxSandboxes: number;
  private readonly logger: Logger;
  private readonly bwrap: string | null;
  private readonly setpriv: string | null;
  private readonly prlimit: string | null;
  private readonly nice: string | null;
  private readonly tools: HostTools;
  private readonly isolateUids: boolean;
  private readonly uidBase: number;
  private readonly hostEtc: string[];
  private readonly seccomp: Buffer | null;
  private readonly live = new Map<string, LiveSandbox>();
  private readonly destroying = new Map<string, Promise<void>>();
  /** Uids handed out by provisions still writing their meta. */
  private readonly reservedUids = new Set<number>();
  /**
   * Sandboxes this process is creating, by id, with their session: listed with it while their
   * directory has no meta yet, so a reconcile never takes one for a crashed provision's leftover.
   */
  private readonly creating = new Map<string, { sessionId: string; createdAt: Date }>();
  private allocation: Promise<unknown> = Promise.resolve();
  private readonly watchdog: NodeJS.Timeout;
  private watching = false;

  constructor(private readonly options: LocalRuntimeOptions) {
    const searchPath = options.searchPath ?? DEFAULT_SEARCH_PATH;
    this.sandboxesDir = join(options.dataDir, 'labs', 'sandboxes');
    this.limits = { ...DEFAULT_LOCAL_LIMITS, ...options.limits };
    this.maxSandboxes = options.maxSandboxes ?? 50;
    this.logger = options.logger ?? silentLogger;
    this.bwrap =
      options.bwrapPath === undefined
        ? findExecutable('bwrap', searchPath)
        : isExecutable(options.bwrapPath)
          ? options.bwrapPath
          : null;
    this.setpriv = findExecutable('setpriv', searchPath);
    this.prlimit = findExecutable('prlimit', searchPath);
    this.nice = findExecutable('nice', searchPath);
    this.tools = {
      node: options.tools?.node !== undefined ? options.tools.node : realpathSync(process.execPath),
      typescriptDir:
        options.tools?.typescriptDir !== undefined ? options.tools.typescriptDir : defaultTypescriptDir(),
      kubectl:
        options.tools?.kubectl !== undefined ? options.tools.kubectl : findExecutable('kubectl', searchPath),
    };
    this.isolateUids = options.isolateUids ?? process.getuid?.() === 0;
    this.uidBase = options.uidBase ?? 1_500_000;
    if (!Number.isInteger(this.uidBase) || this.uidBase < 65_536) {
      throw new RangeError(
        `uidBase must be an integer of at least 65536 (above every system and login uid), not ${this.uidBase}`,
      );
    }
    this.hostEtc = HOST_ETC.filter((path) => existsSync(path));
    this.seccomp = options.seccomp === false ? null : seccompFilter(process.arch);
    this.watchdog = setInterval(() => void this.watch(), options.watchIntervalMs ?? 10_000);
    this.watchdog.unref();
  }

  availability(): Promise<RuntimeAvailability> {
    if (this.bwrap === null) {
      return Promise.resolve({
        ok: false,
        reason: 'bubblewrap is not installed: apt-get install bubblewrap',
      });
    }
    if (this.prlimit === null || (this.isolateUids && this.setpriv === null)) {
      return Promise.resolve({
        ok: false,
        reason: 'util-linux (prlimit, setpriv) is not installed: apt-get install util-linux',
      });
    }
    if (this.isolateUids) {
      // Each sandbox uid must be able to reach its directory to bind it.
      for (let dir = dirname(this.options.dataDir); ; dir = dirname(dir)) {
        try {
          if ((statSync(dir).mode & 0o001) === 0) {
            return Promise.resolve({
              ok: false,
              reason: `The sandboxes' uids cannot traverse ${dir}: chmod o+x ${dir} or choose another data directory`,
            });
          }
        } catch {
          // created later with the data directory
        }
        if (dir === dirname(dir)) break;
      }
    }
    return Promise.resolve({ ok: true });
  }

  async provision(
    spec: SandboxSpec,
    onProgress?: (progress: ProvisionProgress) => void,
  ): Promise<SandboxInfo> {
    const available = await this.availability();
    if (!available.ok) throw new LabRuntimeError('UNAVAILABLE', available.reason);
    const mounts = profileMounts(spec.profile, this.tools);
    onProgress?.({ percent: 10, message: 'Creating the sandbox' });

    const id = `lab-${randomUUID()}`;
    const createdAt = new Date();
    this.creating.set(id, { sessionId: spec.sessionId, createdAt });
    try {
      return await this.create(id, createdAt, spec, mounts, onProgress);
    } finally {
      this.creating.delete(id);
    }
  }

  private async create(
    id: string,
    createdAt: Date,
    spec: SandboxSpec,
    mounts: ReturnType<typeof profileMounts>,
    onProgress?: (progress: ProvisionProgress) => void,
  ): Promise<SandboxInfo> {
    const dir = join(this.sandboxesDir, id);
    const hostUid = await this.allocate(async (hostUidCandidate) => {
      await mkdir(join(dir, 'home'), { recursive: true, mode: 0o711 });
      const meta: SandboxMeta = {
        sessionId: spec.sessionId,
        profile: spec.profile,
        createdAt: createdAt.toISOString(),
        expiresAt: spec.expiresAt.toISOString(),
        hostUid: hostUidCandidate,
      };
      await writeFile(join(dir, 'meta.json.tmp'), JSON.stringify(meta, null, 2), { mode: 0o600 });
      await rename(join(dir, 'meta.json.tmp'), join(dir, 'meta.json'));
      this.live.set(id, { meta, pids: new Set(), expiryTimer: null });
    });
    try {
      await chmod(dir, 0o711);
      await mkdir(join(dir, 'etc'), { mode: 0o755 });
      for (const [name, content] of Object.entries(etcFiles(HOSTNAME, mounts.path))) {
        await writeFile(join(dir, 'etc', name), content, { mode: 0o644 });
      }
      await mkdir(join(dir, 'bin'), { mode: 0o755 });
      for (const [name, content] of Object.entries(mounts.wrappers)) {
        await writeFile(join(dir, 'bin', name), content, { mode: 0o755 });
      }
      if (this.seccomp) await writeFile(join(dir, 'seccomp.bpf'), this.seccomp, { mode: 0o600 });
      if (hostUid !== null) await chown(join(dir, 'home'), hostUid, hostUid);
      await chmod(join(dir, 'home'), 0o700);
    } catch (error) {
      await this.destroy(id);
      throw error;
    }

    if (spec.setupScript !== null) {
      onProgress?.({ percent: 50, message: 'Running the setup script' });
      const result = await this.exec(id, spec.setupScript, {
        timeoutMs: this.limits.setupTimeoutMs,
        maxOutputBytes: 16 * 1024,
      });
      if (result.timedOut || result.exitCode !== 0) {
        await this.destroy(id);
        const why = result.timedOut
          ? `timed out after ${this.limits.setupTimeoutMs} ms`
          : `exited with ${String(result.exitCode)}`;
        throw new LabRuntimeError('SETUP_FAILED', `The setup script ${why}: ${result.output.slice(-2000)}`);
      }
    }
    this.armExpiry(id, spec.expiresAt);
    this.logger.info('sandbox ready', { sandboxId: id, sessionId: spec.sessionId, profile: spec.profile });
    onProgress?.({ percent: 100, message: 'Ready' });
    return { id, sessionId: spec.sessionId, createdAt };
  }

  async exec(sandboxId: string, script: string, options: ExecOptions): Promise<ExecResult> {
    const sandbox = await this.sandbox(sandboxId);
    const argv = sandboxArgv(this.plan(sandboxId, sandbox.meta, true, 'dumb'), ['bash', '-lc', script]);
    // One pipe for both streams keeps stdout and stderr interleaved as a terminal would show them.
    const [program, ...args] = this.launcher(sandboxId, 'exec 2>&1', argv);
    const child = spawn(program as string, args, {
      cwd: '/',
      env: {},
      detached: true,
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    const pid = child.pid;
    if (pid !== undefined) sandbox.pids.add(pid);
    const chunks: Buffer[] = [];
    let kept = 0;
    let truncated = false;
    let timedOut = false;
    child.stdout.on('data', (chunk: Buffer) => {
      const room = options.maxOutputBytes - kept;
      if (chunk.length > room) truncated = true;
      if (room <= 0) return;
      const part = chunk.length > room ? chunk.subarray(0, room) : chunk;
      chunks.push(part);
      kept += part.length;
    });
    const timer = setTimeout(() => {
      timedOut = true;
      // The process group is bwrap's outer process; its pid-namespace init dies with it
      // (--die-with-parent), and the kernel kills everything else in the namespace.
      if (pid !== undefined) {
        try {
          process.kill(-pid, 'SIGKILL');
        } catch {
          // already exited
        }
      }
    }, options.timeoutMs);
    const exitCode = await new Promise<number | null>((resolve, reject) => {
      child.on('error', reject);
      child.on('close', (code) => resolve(code));
    }).finally(() => {
      clearTimeout(timer);
      if (pid !== undefined) sandbox.pids.delete(pid);
    });
    return {
      exitCode: timedOut ? null : exitCode,
      output: Buffer.concat(chunks).toString('utf8'),
      timedOut,
      truncated,
    };
  }

  async attach(sandboxId: string, size: { cols: number; rows: number }): Promise<TerminalStream> {
    const sandbox = await this.sandbox(sandboxId);
    const argv = sandboxArgv(this.plan(sandboxId, sandbox.meta, false, 'xterm-256color'), [
      'bash',
      '--login',
      '-i',
    ]);
    const [program, ...args] = this.launcher(sandboxId, ':', argv);
    const shell = pty.spawn(program as string, args, {
      name: 'xterm-256color',
      cols: size.cols,
      rows: size.rows,
      cwd: '/',
      env: {},
    });
    sandbox.pids.add(shell.pid);
    shell.onExit(() => sandbox.pids.delete(shell.pid));
    return {
      write: (data) => shell.write(data),
      resize: (cols, rows) => shell.resize(cols, rows),
      onData: (listener) => shell.onData(listener),
      onExit: (listener) => shell.onExit(({ exitCode, signal }) => listener(signal ? null : exitCode)),
      close: () => {
        try {
          // bwrap's outer process: its namespace (the shell and all it started) goes with it.
          process.kill(shell.pid, 'SIGKILL');
        } catch {
          // already exited
        }
      },
    };
  }

  destroy(sandboxId: string): Promise<void> {
    if (!SANDBOX_ID.test(sandboxId)) return Promise.resolve();
    const running = this.destroying.get(sandboxId);
    if (running) return running;
    const done = this.destroyNow(sandboxId).finally(() => this.destroying.delete(sandboxId));
    this.destroying.set(sandboxId, done);
    return done;
  }

  async list(): Promise<SandboxInfo[]> {
    const infos: SandboxInfo[] = [];
    for (const id of await this.sandboxIds()) {
      const meta = await this.readMeta(id);
      if (meta) {
        infos.push({ id, sessionId: meta.sessionId, createdAt: new Date(meta.createdAt) });
        continue;
      }
      const creating = this.creating.get(id);
      if (creating) {
        infos.push({ id, ...creating });
        continue;
      }
      // A provision that crashed before writing meta: still listed, so it can be destroyed.
      try {
        const info = await stat(join(this.sandboxesDir, id));
        infos.push({ id, sessionId: '', createdAt: info.birthtime });
      } catch {
        // removed meanwhile
      }
    }
    return infos.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
  }

  close(): Promise<void> {
    clearInterval(this.watchdog);
    for (const sandbox of this.live.values()) {
      if (sandbox.expiryTimer) clearTimeout(sandbox.expiryTimer);
      sandbox.expiryTimer = null;
    }
    return Promise.resolve();
  }

  private async destroyNow(sandboxId: string): Promise<void> {
    const dir = join(this.sandboxesDir, sandboxId);
    if (!existsSync(dir)) {
      this.live.delete(sandboxId);
      return;
    }
    const live = this.live.get(sandboxId);
    if (live?.expiryTimer) clearTimeout(live.expiryTimer);
    const meta = live?.meta ?? (await this.readMeta(sandboxId));
    const killed = await killSandboxProcesses(
      { uid: this.sandboxUid(meta), sandboxDir: dir },
      live?.pids ?? [],
    );
    await rm(dir, { recursive: true, force: true });
    this.live.delete(sandboxId);
    this.logger.info('sandbox destroyed', { sandboxId, killedProcesses: killed });
  }

  /**
   * The uid whose processes `destroy` kills. Never a system or service uid, whatever meta.json
   * says: killing "every process of uid 0" would take the machine down.
   */
  private sandboxUid(meta: SandboxMeta | null): number | null {
    const uid = meta?.hostUid;
    if (typeof uid !== 'number' || !Number.isInteger(uid) || uid < 65_536 || uid === process.getuid?.())
      return null;
    return uid;
  }

  private plan(sandboxId: string, meta: SandboxMeta, newSession: boolean, term: string): InvocationPlan {
    const mounts = profileMounts(meta.profile, this.tools);
    return {
      sandboxDir: join(this.sandboxesDir, sandboxId),
      hostUid: meta.hostUid,
      hostname: HOSTNAME,
      path: mounts.path,
      term,
      binds: mounts.binds,
      hostEtc: this.hostEtc,
      generatedEtc: Object.keys(etcFiles(HOSTNAME, mounts.path)),
      limits: this.limits,
      newSession,
      seccompFd: this.seccomp ? 3 : null,
      niceness: this.limits.niceness,
      tools: {
        bwrap: this.bwrap as string,
        setpriv: this.setpriv ?? 'setpriv',
        prlimit: this.prlimit ?? 'prlimit',
        nice: this.nice,
      },
    };
  }

  /**
   * A `/bin/sh` that prepares descriptors and then execs the sandbox command line: `first` (e.g.
   * merging stderr), then the seccomp filter opened on fd 3 for bwrap. node-pty cannot pass extra
   * descriptors, hence the shell rather than spawn's stdio; a missing filter file fails closed.
   */
  private launcher(sandboxId: string, first: string, argv: string[]): string[] {
    if (!this.seccomp) return ['/bin/sh', '-c', `${first}; exec "$@"`, 'sh', ...argv];
    return [
      '/bin/sh',
      '-c',
      `${first}; exec 3<"$0" || exit 126; exec "$@"`,
      join(this.sandboxesDir, sandboxId, 'seccomp.bpf'),
      ...argv,
    ];
  }

  /** The sandbox from memory, or from disk when a previous process made it. */
  private async sandbox(sandboxId: string): Promise<LiveSandbox> {
    const found = await this.findSandbox(sandboxId);
    // Checked after the await and followed synchronously by the spawn, so no process can start
    // between destroy's kill sweep and the removal of the directory.
    if (this.destroying.has(sandboxId))
      throw new LabRuntimeError('SANDBOX_NOT_FOUND', `No sandbox ${sandboxId}`);
    return found;
  }

  private async findSandbox(sandboxId: string): Promise<LiveSandbox> {
    const known = this.live.get(sandboxId);
    if (known) return known;
    const meta = SANDBOX_ID.test(sandboxId) ? await this.readMeta(sandboxId) : null;
    if (!meta) throw new LabRuntimeError('SANDBOX_NOT_FOUND', `No sandbox ${sandboxId}`);
    if (this.bwrap === null)
      throw new LabRuntimeError('UNAVAILABLE', 'bubblewrap is not installed: apt-get install bubblewrap');
    const adopted: LiveSandbox = { meta, pids: new Set(), expiryTimer: null };
    this.live.set(sandboxId, adopted);
    this.armExpiry(sandboxId, new Date(meta.expiresAt));
    return adopted;
  }

  private async readMeta(sandboxId: string): Promise<SandboxMeta | null> {
    try {
      return JSON.parse(
        await readFile(join(this.sandboxesDir, sandboxId, 'meta.json'), 'utf8'),
      ) as SandboxMeta;
    } catch {
      return null;
    }
  }

  private async sandboxIds(): Promise<string[]> {
    try {
      return (await readdir(this.sandboxesDir)).filter((name) => SANDBOX_ID.test(name));
    } catch {
      return [];
    }
  }

  /**
   * Serialises capacity checks and uid choice so concurrent provisions cannot both take the last
   * slot or the same uid; `create` runs inside the critical section and records the sandbox.
   */
  private allocate(create: (hostUid: number | null) => Promise<void>): Promise<number | null> {
    const step = this.allocation.then(async () => {
      await this.prepareDirs();
      const ids = await this.sandboxIds();
      if (ids.length >= this.maxSandboxes) {
        throw new LabRuntimeError(
          'CAPACITY',
          `This machine already holds its maximum of ${this.maxSandboxes} lab sandboxes`,
        );
      }
      let hostUid: number | null = null;
      if (this.isolateUids) {
        const used = new Set(this.reservedUids);
        for (const id of ids) {
          const uid = (await this.readMeta(id))?.hostUid;
          if (typeof uid === 'number') used.add(uid);
        }
        for (let slot = 0; hostUid === null; slot += 1) {
          const candidate = this.uidBase + slot;
          if (used.has(candidate)) continue;
          // A uid with live processes (a sandbox whose removal failed) is never reused.
          if ((await sandboxPids({ uid: candidate, sandboxDir: '\0' })).length === 0) hostUid = candidate;
        }
        this.reservedUids.add(hostUid);
      }
      try {
        await create(hostUid);
      } finally {
        if (hostUid !== null) this.reservedUids.delete(hostUid);
      }
      return hostUid;
    });
    this.allocation = step.catch(() => undefined);
    return step;
  }

  private async prepareDirs(): Promise<void> {
    await mkdir(this.sandboxesDir, { recursive: true });
    if (!this.isolateUids) return;
    // Search permission only (no listing) so each sandbox uid can reach its own directory.
    const dataDirMode = (await stat(this.options.dataDir)).mode;
    if ((dataDirMode & 0o001) === 0) await chmod(this.options.dataDir, (dataDirMode & 0o7777) | 0o001);
    await chmod(join(this.options.dataDir, 'labs'), 0o711);
    await chmod(this.sandboxesDir, 0o711);
  }

  private armExpiry(sandboxId: string, expiresAt: Date): void {
    const sandbox = this.live.get(sandboxId);
    if (!sandbox) return;
    if (sandbox.expiryTimer) clearTimeout(sandbox.expiryTimer);
    const wait = expiresAt.getTime() - Date.now();
    sandbox.expiryTimer = setTimeout(
      () => {
        if (wait > MAX_TIMER_MS) return this.armExpiry(sandboxId, expiresAt);
        this.logger.info('sandbox expired', { sandboxId });
        void this.destroy(sandboxId).catch((error: unknown) =>
          this.logger.error('expiry failed', { sandboxId, error }),
        );
      },
      Math.max(0, Math.min(wait, MAX_TIMER_MS)),
    );
    sandbox.expiryTimer.unref();
  }

  /** Sweeps expired sandboxes (orphans included) and stops homes over their size cap. */
  private async watch(): Promise<void> {
    if (this.watching) return;
    this.watching = true;
    try {
      for (const id of await this.sandboxIds()) {
        const meta = await this.readMeta(id);
        if (!meta || this.destroying.has(id)) continue;
        if (new Date(meta.expiresAt).getTime() <= Date.now()) {
          await this.destroy(id);
          continue;
        }
        const dir = join(this.sandboxesDir, id);
        const used = await diskUsage(join(dir, 'home'), this.limits.homeBytes);
        if (used > this.limits.homeBytes) {
          const killed = await killSandboxProcesses(
            { uid: this.sandboxUid(meta), sandboxDir: dir },
            this.live.get(id)?.pids ?? [],
          );
          this.logger.warn('sandbox home over its size cap: processes stopped', {
            sandboxId: id,
            used,
            killed,
          });
        }
      }
    } catch (error) {
      this.logger.error('sandbox watchdog failed', { error });
    } finally {
      this.watching = false;
    }
  }
}

/** The local (bubblewrap) runtime; see the module header for what it isolates and how. */
export function createLocalRuntime(options: LocalRuntimeOptions): LabRuntime {
  return new LocalLabRuntime(options);
}
