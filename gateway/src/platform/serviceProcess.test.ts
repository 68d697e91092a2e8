import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { serviceArgs } from './serviceProcess';

const REPO_ROOT = resolve(__dirname, '../../..');
const MiB = 1024 * 1024;

describe('serviceArgs', () => {
  let dir: string;
  let probe: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'learncraft-heap-'));
    probe = join(dir, 'probe.ts');
    // TypeScript on purpose: the probe runs through the same tsx loader as a service.
    writeFileSync(
      probe,
      "import { getHeapStatistics } from 'node:v8';\nconst limit: number = getHeapStatistics().heap_size_limit;\nprocess.stdout.write(String(limit));\n",
    );
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('makes a service that allocates without bound die of its own heap limit', () => {
    const hog = join(dir, 'hog.ts');
    writeFileSync(hog, 'const kept: string[] = [];\nfor (;;) kept.push(`${Math.random()}`.repeat(64));\n');
    // `ulimit -c 0`: the abort must not leave a core file in the repository.
    const result = spawnSync(
      '/bin/sh',
      ['-c', 'ulimit -c 0; exec "$0" "$@"', process.execPath, ...serviceArgs(hog, 64)],
      { cwd: REPO_ROOT, encoding: 'utf8', timeout: 60_000 },
    );
    expect(result.signal).toBe('SIGABRT');
    expect(result.stderr).toContain('JavaScript heap out of memory');
  });

  const heapLimitMiB = (heapMb: number) =>
    Number(execFileSync(process.execPath, serviceArgs(probe, heapMb), { cwd: REPO_ROOT, encoding: 'utf8' })) /
    MiB;

  it.each([256, 512])(
    'gives a service run with %i MiB a V8 heap limit of that old space plus the young generation',
    (heapMb) => {
      const limit = heapLimitMiB(heapMb);
      // heap_size_limit adds the young generation (at most 48 MiB on 64-bit) to the old space.
      expect(limit).toBeGreaterThanOrEqual(heapMb);
      expect(limit).toBeLessThan(heapMb + 64);
    },
  );

  it('adds no profiler flags unless a profile directory is given', () => {
    expect(serviceArgs('entry.ts', 256)).toEqual(['--max-old-space-size=256', '--import', 'tsx', 'entry.ts']);
  });

  it('makes a service run with a profile directory write its CPU profile there when it exits', () => {
    const profiled = join(dir, 'profiled.ts');
    writeFileSync(
      profiled,
      'function busyProbeLoop(): number {\n  let sum = 0;\n  for (let i = 0; i < 5e7; i += 1) sum += i % 7;\n  return sum;\n}\nprocess.stdout.write(String(busyProbeLoop()));\n',
    );
    const profileDir = join(dir, 'profiles', 'catalog');
    execFileSync(process.execPath, serviceArgs(profiled, 256, profileDir), {
      cwd: REPO_ROOT,
      encoding: 'utf8',
    });
    // CPU.<date>.<time>.<pid>.<thread>.<sequence>.cpuprofile: thread 0 is the service, thread 1
    // is tsx's module loader (its hooks run off the main thread).
    const files = readdirSync(profileDir).sort();
    expect(files.map((file) => file.split('.')[4])).toEqual(['0', '1']);
    const main = files[0]!;
    expect(main).toMatch(/^CPU\.\d{8}\.\d{6}\.\d+\.0\.\d{3}\.cpuprofile$/);
    const profile = JSON.parse(readFileSync(join(profileDir, main), 'utf8')) as {
      nodes: { callFrame: { functionName: string } }[];
    };
    expect(profile.nodes.map((node) => node.callFrame.functionName)).toContain('busyProbeLoop');
  });
});
