/**
 * `npm run bench:labs` (tsx subgraphs/labs/bench/runtime.ts [sandboxes] [provisions]): figures for
 * sizing the local lab runtime on one machine.
 * 1. Start-to-READY: `provision` timed over `provisions` runs (default 20), without and with a
 *    small setup script, each destroyed afterwards; and the latency of a one-line `exec` check.
 * 2. Capacity: up to `sandboxes` (default 50) sandboxes, each with an idle attached shell at its
 *    prompt; memory per sandbox from its processes (RSS, and PSS which shares libraries fairly)
 *    and from the machine's MemAvailable; then all destroyed.
 * Bounded: stops adding sandboxes after 3 minutes or when MemAvailable falls under 1 GiB, and
 * cleans up its data directory either way.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLocalRuntime } from '../src/runtime';
import type { SandboxSpec, TerminalStream } from '../src/runtime/types';

const SANDBOXES = Number(process.argv[2] ?? 50);
const PROVISIONS = Number(process.argv[3] ?? 20);
const UID_BASE = 1_900_000;
const DEADLINE_MS = 3 * 60_000;
const MIN_AVAILABLE_KIB = 1024 * 1024;

const dataDir = mkdtempSync(join(tmpdir(), 'labs-bench-'));
const runtime = createLocalRuntime({ dataDir, maxSandboxes: SANDBOXES + 5, uidBase: UID_BASE });

function spec(setupScript: string | null): SandboxSpec {
  return { sessionId: 'bench', profile: 'linux', setupScript, expiresAt: new Date(Date.now() + 30 * 60_000) };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

function memAvailableKib(): number {
  return Number(/^MemAvailable:\s+(\d+)/m.exec(readFileSync('/proc/meminfo', 'utf8'))?.[1]);
}

/** RSS and PSS (KiB) of every live process whose real uid is in [from, to). */
function memoryOfUids(from: number, to: number): { rss: number; pss: number; processes: number } {
  let rss = 0;
  let pss = 0;
  let processes = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const status = readFileSync(`/proc/${entry}/status`, 'utf8');
      const uid = Number(/^Uid:\s+(\d+)/m.exec(status)?.[1]);
      if (uid < from || uid >= to) continue;
      const rollup = readFileSync(`/proc/${entry}/smaps_rollup`, 'utf8');
      rss += Number(/^Rss:\s+(\d+)/m.exec(rollup)?.[1] ?? 0);
      pss += Number(/^Pss:\s+(\d+)/m.exec(rollup)?.[1] ?? 0);
      processes += 1;
    } catch {
      // exited while we looked
    }
  }
  return { rss, pss, processes };
}

function waitForPrompt(terminal: TerminalStream): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error(`no prompt: ${JSON.stringify(seen)}`)), 30_000);
    const subscription = terminal.onData((data) => {
      seen += data;
      if (seen.includes('learner@lab:~$ ')) {
        clearTimeout(timer);
        subscription.dispose();
        resolve();
      }
    });
  });
}

async function timeProvisions(setupScript: string | null): Promise<number[]> {
  const times: number[] = [];
  for (let run = 0; run < PROVISIONS; run += 1) {
    const started = performance.now();
    const info = await runtime.provision(spec(setupScript));
    times.push(performance.now() - started);
    await runtime.destroy(info.id);
  }
  return times.sort((a, b) => a - b);
}

async function main(): Promise<void> {
  const availability = await runtime.availability();
  if (!availability.ok) throw new Error(availability.reason);

  const rows: string[][] = [];
  for (const [label, script] of [
    ['provision, no setup script', null],
    [
      'provision, setup script (writes 3 files)',
      'mkdir -p work && for f in a b c; do echo $f > work/$f; done',
    ],
  ] as const) {
    const times = await timeProvisions(script);
    rows.push([
      label,
      String(times.length),
      percentile(times, 50).toFixed(0),
      percentile(times, 95).toFixed(0),
      (times.at(-1) ?? NaN).toFixed(0),
    ]);
  }
  const checked = await runtime.provision(spec(null));
  const execTimes: number[] = [];
  for (let run = 0; run < PROVISIONS; run += 1) {
    const started = performance.now();
    await runtime.exec(checked.id, 'test -d "$HOME"', { timeoutMs: 10_000, maxOutputBytes: 1_000 });
    execTimes.push(performance.now() - started);
  }
  await runtime.destroy(checked.id);
  execTimes.sort((a, b) => a - b);
  rows.push([
    'exec of a one-line check (no provision)',
    String(execTimes.length),
    percentile(execTimes, 50).toFixed(0),
    percentile(execTimes, 95).toFixed(0),
    (execTimes.at(-1) ?? NaN).toFixed(0),
  ]);
  console.log('\nStart-to-READY and check latency (ms)');
  console.log('case | runs | p50 | p95 | max');
  for (const row of rows) console.log(row.join(' | '));

  const baseline = memAvailableKib();
  const ourRssBefore = process.memoryUsage().rss;
  const held: { id: string; terminal: TerminalStream }[] = [];
  const started = Date.now();
  let stoppedBecause = `reached ${SANDBOXES}`;
  const attachTimes: number[] = [];
  while (held.length < SANDBOXES) {
    if (Date.now() - started > DEADLINE_MS) {
      stoppedBecause = 'time limit';
      break;
    }
    if (memAvailableKib() < MIN_AVAILABLE_KIB) {
      stoppedBecause = 'memory floor';
      break;
    }
    const info = await runtime.provision(spec(null));
    const attachStarted = performance.now();
    const terminal = await runtime.attach(info.id, { cols: 80, rows: 24 });
    await waitForPrompt(terminal);
    attachTimes.push(performance.now() - attachStarted);
    held.push({ id: info.id, terminal });
  }
  await new Promise((resolve) => setTimeout(resolve, 1_000)); // let the shells settle
  const sandboxMemory = memoryOfUids(UID_BASE, UID_BASE + SANDBOXES + 5);
  const machineUsed = baseline - memAvailableKib();
  const ourRssGrowth = (process.memoryUsage().rss - ourRssBefore) / 1024;
  const destroyStarted = performance.now();
  for (const { id } of held) await runtime.destroy(id);
  const destroyMs = performance.now() - destroyStarted;
  const left = memoryOfUids(UID_BASE, UID_BASE + SANDBOXES + 5).processes;
  attachTimes.sort((a, b) => a - b);

  const n = Math.max(1, held.length);
  console.log(`\nIdle sandboxes with an attached shell (stopped: ${stoppedBecause})`);
  console.log('figure | value');
  console.log(`sandboxes held | ${held.length}`);
  console.log(`sandbox processes (bwrap outer, bwrap init, bash) | ${sandboxMemory.processes}`);
  console.log(
    `attach to prompt p50 / p95 (ms) | ${percentile(attachTimes, 50).toFixed(0)} / ${percentile(attachTimes, 95).toFixed(0)}`,
  );
  console.log(
    `RSS per sandbox (MiB, shared libraries counted each time) | ${(sandboxMemory.rss / n / 1024).toFixed(2)}`,
  );
  console.log(`PSS per sandbox (MiB, shared pages split) | ${(sandboxMemory.pss / n / 1024).toFixed(2)}`);
  console.log(
    `machine MemAvailable drop per sandbox (MiB; noisy when the machine is shared) | ${(machineUsed / n / 1024).toFixed(2)}`,
  );
  console.log(`labs process RSS growth per sandbox (MiB) | ${(ourRssGrowth / n / 1024).toFixed(3)}`);
  console.log(
    `destroy all (ms total / per sandbox) | ${destroyMs.toFixed(0)} / ${(destroyMs / n).toFixed(1)}`,
  );
  console.log(`sandbox processes left after destroy | ${left}`);
}

main()
  .catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  })
  .finally(async () => {
    for (const info of await runtime.list()) await runtime.destroy(info.id);
    await runtime.close();
    rmSync(dataDir, { recursive: true, force: true });
    process.exit();
  });
