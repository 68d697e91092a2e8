/**
 * Reads the services' V8 CPU profiles (`.cpuprofile`, written by `--cpu-prof` when the platform
 * runs with CPU_PROFILE_DIR) and reports, per operation and per service, the functions with the
 * most self time in that operation's measured window, in CPU milliseconds per request.
 *
 * A profile is a call tree (`nodes`, each with a `callFrame` and `children`) and a list of
 * samples (`samples`: node ids; `timeDeltas`: microseconds since the previous sample, from
 * `startTime`). V8 stamps samples with the monotonic clock that `process.hrtime` reads, so the
 * benchmark's windows (taken with `process.hrtime` in this process) select the samples of one
 * operation in every service's profile.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}

interface CpuProfile {
  nodes: { id: number; callFrame: CallFrame }[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** A measured window in microseconds of the monotonic clock (`process.hrtime.bigint() / 1000n`). */
export interface ProfileWindow {
  name: string;
  startUs: number;
  endUs: number;
  requests: number;
}

export interface FunctionCost {
  /** `name file:line:column`, the file relative to the repository or as `package/path` inside node_modules. */
  frame: string;
  msPerRequest: number;
}

export interface WindowCost {
  /** CPU (not idle) milliseconds per request that the profile saw in the window. */
  busyMsPerRequest: number;
  top: FunctionCost[];
  /** Self time by where the code lives: a package in node_modules, node internals, our code, GC. */
  byOwner: FunctionCost[];
}

/** `(idle)` is the sampler seeing the event loop wait; `(program)` is native code outside JS. */
const IDLE = '(idle)';

/** The current monotonic time in microseconds, on the clock V8 stamps profiles with. */
export const monotonicUs = (): number => Number(process.hrtime.bigint() / 1000n);

function frameOf(frame: CallFrame, repo: string): { frame: string; owner: string } {
  const name = frame.functionName || '(anonymous)';
  if (!frame.url) return { frame: name, owner: name.startsWith('(') ? name : '(native)' };
  const path = frame.url.startsWith('file://') ? decodeURIComponent(frame.url.slice(7)) : frame.url;
  const inModules = path.lastIndexOf('/node_modules/');
  let where: string;
  let owner: string;
  if (inModules >= 0) {
    where = path.slice(inModules + '/node_modules/'.length);
    const parts = where.split('/');
    owner = parts[0]!.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]!;
  } else if (path.startsWith('node:')) {
    where = path;
    owner = 'node internals';
  } else {
    where = relative(repo, path);
    // gateway/src/…, subgraphs/kit/src/…: the first two folders name our package.
    owner = where.split('/').slice(0, 2).join('/');
  }
  // tsx compiles with whitespace minified, so our files need the column as well as the line.
  return { frame: `${name} ${where}:${frame.lineNumber + 1}:${frame.columnNumber + 1}`, owner };
}

/** The main-thread profiles in a service's folder (thread 1 is tsx's module loader). */
export function profilesIn(dir: string): string[] {
  let files: string[];
  try {
    files = readdirSync(dir);
  } catch {
    return [];
  }
  return files.filter((file) => /\.\d+\.0\.\d+\.cpuprofile$/.test(file)).map((file) => join(dir, file));
}

/**
 * Self time per frame within each window, from one service's profiles (more than one when the
 * supervisor restarted it).
 */
export function costsByWindow(
  files: string[],
  windows: ProfileWindow[],
  repo: string,
  top = 12,
): Map<string, WindowCost> {
  const selfUs = windows.map(() => new Map<string, number>());
  const ownerUs = windows.map(() => new Map<string, number>());
  const busyUs = windows.map(() => 0);
  for (const file of files) {
    const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
    const frames = new Map(profile.nodes.map((node) => [node.id, frameOf(node.callFrame, repo)]));
    let at = profile.startTime;
    const stamps = profile.timeDeltas.map((delta) => (at += delta));
    for (let i = 0; i < profile.samples.length; i += 1) {
      const stamp = stamps[i]!;
      // A sample stands for the time until the next one.
      const weight = (stamps[i + 1] ?? profile.endTime) - stamp;
      const w = windows.findIndex((window) => stamp >= window.startUs && stamp < window.endUs);
      if (w < 0 || weight <= 0) continue;
      const { frame, owner } = frames.get(profile.samples[i]!)!;
      if (frame === IDLE) continue;
      busyUs[w] = busyUs[w]! + weight;
      selfUs[w]!.set(frame, (selfUs[w]!.get(frame) ?? 0) + weight);
      ownerUs[w]!.set(owner, (ownerUs[w]!.get(owner) ?? 0) + weight);
    }
  }
  const ranked = (costs: Map<string, number>, requests: number, n: number) =>
    [...costs.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([frame, us]) => ({ frame, msPerRequest: us / 1000 / Math.max(1, requests) }));
  return new Map(
    windows.map((window, w) => [
      window.name,
      {
        busyMsPerRequest: busyUs[w]! / 1000 / Math.max(1, window.requests),
        top: ranked(selfUs[w]!, window.requests, top),
        byOwner: ranked(ownerUs[w]!, window.requests, 6),
      },
    ]),
  );
}

/** The report as text: per operation, per service, the busiest functions. */
export function formatProfileReport(
  services: readonly string[],
  profileRoot: string,
  windows: ProfileWindow[],
  repo: string,
): string {
  const byService = new Map(
    services.map((service) => [
      service,
      costsByWindow(profilesIn(join(profileRoot, service)), windows, repo),
    ]),
  );
  const lines: string[] = [];
  for (const window of windows) {
    lines.push(`\n${window.name} (${window.requests} requests): self time, CPU ms per request`);
    for (const service of services) {
      const cost = byService.get(service)?.get(window.name);
      if (!cost || cost.busyMsPerRequest < 0.01) continue;
      lines.push(
        `  ${service}: ${cost.busyMsPerRequest.toFixed(2)} ms busy — ${cost.byOwner
          .map((owner) => `${owner.frame} ${owner.msPerRequest.toFixed(2)}`)
          .join(', ')}`,
      );
      for (const fn of cost.top) lines.push(`    ${fn.msPerRequest.toFixed(3).padStart(7)}  ${fn.frame}`);
    }
  }
  return lines.join('\n');
}
