/**
 * The command line of one sandboxed process: `setpriv` (drop to the sandbox's own host uid) →
 * `prlimit` (rlimits) → `bwrap` (namespaces and the filesystem view) → the command. Pure: it only
 * builds argv, so the isolation flags can be read in one place.
 *
 * Why each piece:
 * - `nice`: there is no CPU share without cgroups; a lower priority keeps the host responsive.
 * - A distinct host uid per sandbox (when we are root): RLIMIT_NPROC counts per real uid and the
 *   kernel never applies it to uid 0, so a fork bomb is only contained when each sandbox has its
 *   own uid; it also means nothing in a sandbox runs as host root even outside the user namespace,
 *   and `destroy` can find every process of the sandbox by its uid.
 * - `--unshare-all`: user, pid, net (loopback only), ipc, uts, cgroup namespaces. With a private
 *   pid namespace the sandbox sees only its own processes, and when bwrap's pid 1 dies the kernel
 *   kills everything else in the namespace, so nothing an invocation started outlives it.
 * - `--die-with-parent`: a crashed labs process takes its sandboxes' processes with it.
 * - `--disable-userns`, `--cap-drop ALL`: no nested user namespaces, no capabilities inside.
 * - `--seccomp`: a deny-list of system calls (seccomp.ts).
 * - Only `/usr` (read-only), generated `/etc` files, `/proc`, `/dev`, a `/tmp` tmpfs and the
 *   sandbox's home are mounted; the host's /root, /work, the data directory and other sandboxes
 *   are simply not in the mount namespace.
 */
import { LAB_BIN } from './profiles';

export const SANDBOX_HOME = '/home/learner';

export interface Rlimits {
  /** RLIMIT_NPROC: processes of the sandbox (all its invocations together, see uid above). */
  processes: number;
  /** RLIMIT_DATA per process, in bytes (heap and private mappings; address space reservations such as V8's are not counted). */
  memoryBytes: number;
  /** RLIMIT_FSIZE: the largest file a process may write, in bytes. */
  fileSizeBytes: number;
  /** RLIMIT_CPU per process, in seconds. */
  cpuSeconds: number;
  /** RLIMIT_NOFILE. */
  openFiles: number;
  /** Size of the private /tmp tmpfs (memory-backed, so it is capped), in bytes. */
  tmpBytes: number;
  /** Size of /dev/shm (POSIX shared memory), in bytes. */
  shmBytes: number;
}

export interface InvocationPlan {
  /** The sandbox directory on the host (holds home/, etc/, bin/). */
  sandboxDir: string;
  /** The host uid/gid the sandbox runs as, or null to keep ours (not root: limits are then shared). */
  hostUid: number | null;
  hostname: string;
  path: string;
  term: string;
  binds: { source: string; target: string }[];
  /** Extra read-only /etc files from the host, bound when they exist (ld.so.cache, alternatives…). */
  hostEtc: string[];
  generatedEtc: string[];
  limits: Rlimits;
  /** A PTY shell keeps the PTY as its controlling terminal; exec checks get a new session (no TIOCSTI into our terminal). */
  newSession: boolean;
  /** A file descriptor the process inherits holding a seccomp filter (seccomp.ts), or null for none. */
  seccompFd: number | null;
  /** Niceness of every sandbox process (inherited by its children), so learners' CPU hogs yield to the service. */
  niceness: number;
  tools: { bwrap: string; setpriv: string; prlimit: string; nice: string | null };
}

/** argv (program first) that runs `command` inside the sandbox. */
export function sandboxArgv(plan: InvocationPlan, command: string[]): string[] {
  const { limits } = plan;
  const argv: string[] = [];
  if (plan.hostUid !== null) {
    argv.push(
      plan.tools.setpriv,
      `--reuid=${plan.hostUid}`,
      `--regid=${plan.hostUid}`,
      '--clear-groups',
      '--',
    );
  }
  if (plan.tools.nice !== null && plan.niceness !== 0)
    argv.push(plan.tools.nice, '-n', String(plan.niceness));
  argv.push(
    plan.tools.prlimit,
    `--nproc=${limits.processes}`,
    `--data=${limits.memoryBytes}`,
    `--fsize=${limits.fileSizeBytes}`,
    `--cpu=${limits.cpuSeconds}`,
    `--nofile=${limits.openFiles}`,
    '--core=0',
    '--',
    plan.tools.bwrap,
    '--unshare-all',
    '--unshare-user',
    '--die-with-parent',
    '--disable-userns',
    '--cap-drop',
    'ALL',
    '--uid',
    '1000',
    '--gid',
    '1000',
    '--hostname',
    plan.hostname,
  );
  if (plan.newSession) argv.push('--new-session');
  argv.push(
    '--ro-bind',
    '/usr',
    '/usr',
    '--symlink',
    'usr/bin',
    '/bin',
    '--symlink',
    'usr/sbin',
    '/sbin',
    '--symlink',
    'usr/lib',
    '/lib',
    '--symlink',
    'usr/lib64',
    '/lib64',
  );
  for (const path of plan.hostEtc) argv.push('--ro-bind', path, path);
  for (const name of plan.generatedEtc)
    argv.push('--ro-bind', `${plan.sandboxDir}/etc/${name}`, `/etc/${name}`);
  argv.push('--ro-bind', `${plan.sandboxDir}/bin`, LAB_BIN);
  for (const bind of plan.binds) argv.push('--ro-bind', bind.source, bind.target);
  argv.push(
    '--proc',
    '/proc',
    '--dev',
    '/dev',
    // bwrap's /dev is an unbounded writable tmpfs (memory): capped /dev/shm, the rest read-only.
    '--size',
    String(limits.shmBytes),
    '--tmpfs',
    '/dev/shm',
    '--remount-ro',
    '/dev',
    '--size',
    String(limits.tmpBytes),
    '--tmpfs',
    '/tmp',
    '--bind',
    `${plan.sandboxDir}/home`,
    SANDBOX_HOME,
    // The root tmpfs bwrap builds (and the /etc, /home it made there) would be writable otherwise.
    '--remount-ro',
    '/',
    '--chdir',
    SANDBOX_HOME,
    '--clearenv',
    '--setenv',
    'PATH',
    plan.path,
    '--setenv',
    'HOME',
    SANDBOX_HOME,
    '--setenv',
    'USER',
    'learner',
    '--setenv',
    'TERM',
    plan.term,
    '--setenv',
    'LANG',
    'C.UTF-8',
  );
  if (plan.seccompFd !== null) argv.push('--seccomp', String(plan.seccompFd));
  argv.push('--', ...command);
  return argv;
}
