/**
 * Finding and killing a sandbox's processes from /proc, for `destroy` (including sandboxes a
 * crashed labs process left behind, whose child handles we no longer hold). A process belongs to a
 * sandbox when its real uid is the sandbox's host uid, or when its command line names the sandbox
 * directory (the bwrap processes, and every process when we are not root and uids are shared).
 */
import { readdir, readFile } from 'node:fs/promises';

export interface ProcessMatch {
  /** The sandbox's host uid, or null when sandboxes do not get their own uid. */
  uid: number | null;
  /** The sandbox directory as it appears in bwrap's arguments. */
  sandboxDir: string;
}

async function readOrNull(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return null; // the process exited while we looked
  }
}

function realUid(status: string): number | null {
  const match = /^Uid:\s+(\d+)/m.exec(status);
  return match?.[1] === undefined ? null : Number(match[1]);
}

/** Pids of every live process of the sandbox (ourselves excluded). */
export async function sandboxPids(match: ProcessMatch, procDir = '/proc'): Promise<number[]> {
  const entries = await readdir(procDir);
  const pids: number[] = [];
  const dirArgument = `\0${match.sandboxDir}/`;
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    if (pid === process.pid) continue;
    const status = await readOrNull(`${procDir}/${entry}/status`);
    if (status === null || /^State:\s+[ZX]/m.test(status)) continue; // gone, or dead and waiting to be reaped
    if (match.uid !== null) {
      if (realUid(status) === match.uid) {
        pids.push(pid);
        continue;
      }
    }
    const cmdline = await readOrNull(`${procDir}/${entry}/cmdline`);
    if (cmdline !== null && `\0${cmdline}`.includes(dirArgument)) pids.push(pid);
  }
  return pids;
}

function killQuietly(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

/**
 * SIGKILLs every process of the sandbox until none is left. Repeats because a fork bomb can
 * create processes between the scan and the kill; each round kills pid namespaces' init
 * processes too, which takes their whole namespace down. Returns how many processes it killed.
 */
export async function killSandboxProcesses(
  match: ProcessMatch,
  tracked: Iterable<number> = [],
): Promise<number> {
  for (const pid of tracked) killQuietly(pid);
  let killed = 0;
  for (let round = 0; round < 100; round += 1) {
    const pids = await sandboxPids(match);
    if (pids.length === 0) return killed;
    for (const pid of pids) killQuietly(pid);
    killed += pids.length;
    await new Promise((resolve) => setTimeout(resolve, round < 5 ? 10 : 50));
  }
  throw new Error(`Processes of ${match.sandboxDir} survived 100 rounds of SIGKILL`);
}
