/**
 * How `npm start` runs one service: `node --max-old-space-size=<MiB> --import tsx <entry>`. Node
 * itself with tsx's loader, not the `tsx` CLI: the CLI forks a second node process, so its pid is
 * not the service's, a SIGKILL to it leaves the real server running (and holding its port), and
 * V8 flags would have to travel through NODE_OPTIONS. The heap limit makes a runaway request
 * kill only that service, which the supervisor then restarts. With a profile directory (the
 * platform's `CPU_PROFILE_DIR`, off by default) the service runs under `--cpu-prof`: Node refuses
 * that flag in NODE_OPTIONS, so it travels here, and the profile is written when the service exits
 * on its own (SIGTERM -> close -> exit), not on SIGKILL.
 */
import { spawn } from 'node:child_process';
import type { SupervisedChild } from './supervisor';

/**
 * Arguments to `node` for a service entry with a V8 old-space limit in MiB, and a V8 CPU profile
 * written into `cpuProfileDir` at exit when one is given.
 */
export function serviceArgs(entry: string, heapMb: number, cpuProfileDir?: string): string[] {
  const profile = cpuProfileDir ? ['--cpu-prof', `--cpu-prof-dir=${cpuProfileDir}`] : [];
  return [`--max-old-space-size=${heapMb}`, ...profile, '--import', 'tsx', entry];
}

export interface ServiceLaunch {
  name: string;
  entry: string;
  heapMb: number;
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Where this service's `.cpuprofile` goes; no profiling when absent. */
  cpuProfileDir?: string;
}

/** Starts the service with its output prefixed by its name (`[catalog]  ...`). */
export function spawnService({
  name,
  entry,
  heapMb,
  cwd,
  env,
  cpuProfileDir,
}: ServiceLaunch): SupervisedChild {
  const child = spawn(process.execPath, serviceArgs(entry, heapMb, cpuProfileDir), {
    cwd,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const prefix = `[${name}] `.padEnd(11);
  const forward = (stream: NodeJS.WritableStream) => (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n')) if (line.trim()) stream.write(prefix + line + '\n');
  };
  child.stdout.on('data', forward(process.stdout));
  child.stderr.on('data', forward(process.stderr));
  return {
    pid: child.pid,
    kill: (signal) => void child.kill(signal),
    onExit: (listener) => {
      let reported = false;
      const report = (code: number | null, signal: NodeJS.Signals | null) => {
        if (reported) return;
        reported = true;
        listener(code, signal);
      };
      child.once('exit', report);
      // A failed spawn emits only `error`; it counts as a crash like any other.
      child.once('error', () => report(null, null));
    },
  };
}
