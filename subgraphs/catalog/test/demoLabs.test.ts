/**
 * The demo labs really work: for every demo course's LAB lesson, in a throwaway bubblewrap sandbox
 * with the profile's tools (and nothing else: no network, no /etc), the setup script runs, each
 * step's check fails (exit 1, one helpful line) until the step's known solution is typed, and
 * passes (exit 0) after it; at the end every check passes. Checks run as the labs service runs
 * them: `bash -lc <check>` with cwd = HOME = /home/learner.
 *
 * Skipped, saying why, where bubblewrap cannot create a sandbox (no /usr/bin/bwrap or no user
 * namespaces).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { demoCourses, type DemoLab, type DemoLesson } from '../src/seed/demoCatalog';
import { demoLabSolutions } from '../src/seed/demoLabSolutions';

const BWRAP = '/usr/bin/bwrap';
const HOME = '/home/learner';

/** The host paths each profile binds read-only on top of /usr (listed in src/seed/demoLabs.ts). */
function profileBinds(profile: DemoLab['profile']): { binds: string[]; path: string[] } {
  if (profile === 'NODE') {
    const typescript = dirname(require.resolve('typescript/package.json'));
    const nodeDir = dirname(realpathSync(process.execPath));
    const binds = ['--ro-bind', typescript, '/opt/typescript'];
    // A node under /usr is already in the sandbox; one elsewhere (nvm, /opt) needs its directory bound.
    if (!nodeDir.startsWith('/usr/')) binds.push('--ro-bind', nodeDir, '/opt/node/bin');
    return { binds, path: ['/opt/typescript/bin', '/opt/node/bin'] };
  }
  if (profile === 'KUBERNETES') {
    const kubectl = spawnSync('bash', ['-c', 'command -v kubectl'], { encoding: 'utf8' }).stdout.trim();
    const kubectlDir = kubectl ? dirname(realpathSync(kubectl)) : '/usr/bin';
    return kubectlDir.startsWith('/usr/')
      ? { binds: [], path: [] }
      : { binds: ['--ro-bind', kubectlDir, '/opt/kubectl/bin'], path: ['/opt/kubectl/bin'] };
  }
  return { binds: [], path: [] };
}

function sandbox(home: string, profile: DemoLab['profile'], script: string) {
  const { binds, path } = profileBinds(profile);
  const result = spawnSync(
    BWRAP,
    [
      '--ro-bind',
      '/usr',
      '/usr',
      '--symlink',
      'usr/bin',
      '/bin',
      '--symlink',
      'usr/lib',
      '/lib',
      '--symlink',
      'usr/lib64',
      '/lib64',
      '--proc',
      '/proc',
      '--dev',
      '/dev',
      '--tmpfs',
      '/tmp',
      '--bind',
      home,
      HOME,
      ...binds,
      '--chdir',
      HOME,
      '--clearenv',
      '--setenv',
      'HOME',
      HOME,
      '--setenv',
      'PATH',
      [...path, '/usr/local/bin', '/usr/bin', '/bin'].join(':'),
      '--setenv',
      'LANG',
      'C.UTF-8',
      '--unshare-all',
      '--die-with-parent',
      'bash',
      '-lc',
      script,
    ],
    { encoding: 'utf8', timeout: 60_000 },
  );
  return { exitCode: result.status, output: `${result.stdout}${result.stderr}`.trim() };
}

const available = (() => {
  const home = mkdtempSync(join(tmpdir(), 'lc-lab-probe-'));
  try {
    return sandbox(home, 'LINUX', 'true').exitCode === 0;
  } catch {
    return false;
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
})();

const labs = demoCourses.flatMap((course) =>
  course.modules.flatMap((module) =>
    module.lessons
      .filter((lesson): lesson is DemoLesson & { lab: DemoLab } => lesson.kind === 'LAB' && !!lesson.lab)
      .map((lesson) => ({ course: course.slug, lesson })),
  ),
);

test('every demo course has exactly one LAB lesson, with 2 to 4 steps, a setup script and a known solution', () => {
  expect(labs.map(({ course, lesson }) => [course, lesson.key, lesson.lab.profile])).toEqual([
    ['kubernetes-basics', 'first-deployment-lab', 'KUBERNETES'],
    ['docker-for-developers', 'containerize-node-app', 'LINUX'],
    ['typescript-fundamentals', 'typed-module-lab', 'NODE'],
    ['advanced-typescript-types', 'type-utilities-lab', 'NODE'],
    ['the-linux-command-line', 'shell-workout-lab', 'LINUX'],
  ]);
  expect(demoCourses.map((course) => course.slug)).toEqual(labs.map(({ course }) => course));
  for (const { course, lesson } of labs) {
    expect(lesson.lab.steps.length).toBeGreaterThanOrEqual(2);
    expect(lesson.lab.steps.length).toBeLessThanOrEqual(4);
    expect(lesson.lab.setupScript.trim()).not.toBe('');
    const solution = demoLabSolutions[lesson.key];
    expect([solution?.courseSlug, solution?.lessonKey]).toEqual([course, lesson.key]);
    expect(solution?.steps.map((step) => step.stepKey)).toEqual(lesson.lab.steps.map((step) => step.key));
  }
  expect(Object.keys(demoLabSolutions).sort()).toEqual(labs.map(({ lesson }) => lesson.key).sort());
});

/** What each check says before its step is done (after the earlier steps' solutions). */
const FAILURES: Record<string, string[]> = {
  'first-deployment-lab': [
    'Missing ~/k8s/deployment.yaml',
    'Missing ~/k8s/service.yaml',
    'Missing ~/k8s/kustomization.yaml',
  ],
  'containerize-node-app': [
    'Missing ~/app/.dockerignore',
    'Missing ~/app/Dockerfile',
    'Copy the build output into the runtime stage with: COPY --from=build /app/dist ./dist',
  ],
  'typed-module-lab': [
    'sum still accepts anything: give values the type number[]',
    'average must declare the return type number | undefined',
    'dist/main.js is missing: run tsc -p . in ~/ts-lab',
  ],
  'type-utilities-lab': [
    'Nested properties are still writable: DeepReadonly must recurse with readonly [K in keyof T]',
    "RouteParams<'/courses/:courseId/lessons/:lessonId'> must be 'courseId' | 'lessonId'",
    'Missing ~/types-lab/src/checks.ts',
  ],
  'shell-workout-lab': [
    'Missing directory ~/workshop/notes: create it with mkdir -p ~/workshop/notes',
    'Missing script ~/workshop/scripts/hello.sh',
    "Missing ~/workshop/logs/errors.txt: redirect grep's output into it with >",
  ],
};

const describeSandbox = available ? describe : describe.skip;
describeSandbox(
  available
    ? 'demo labs in a bubblewrap sandbox'
    : 'demo labs (skipped: bubblewrap cannot create a sandbox here)',
  () => {
    test.each(labs.map(({ course, lesson }) => [course, lesson] as const))(
      '%s: the setup succeeds, each check fails before its solution and passes after it',
      (_course, lesson) => {
        const home = mkdtempSync(join(tmpdir(), 'lc-lab-'));
        const { profile, setupScript, steps } = lesson.lab;
        const run = (script: string) => sandbox(home, profile, script);
        try {
          expect(run(setupScript)).toEqual({ exitCode: 0, output: '' });
          const before = steps.map((step) => run(step.check.command));
          expect(before.map((result) => result.exitCode)).toEqual(steps.map(() => 1));
          const solution = demoLabSolutions[lesson.key]!;
          steps.forEach((step, index) => {
            const failing = run(step.check.command);
            expect([step.key, failing.exitCode, failing.output]).toEqual([
              step.key,
              1,
              FAILURES[lesson.key]![index],
            ]);
            const typed = run(['set -e', ...solution.steps[index]!.commands].join('\n'));
            expect([step.key, typed.exitCode]).toEqual([step.key, 0]);
            const passing = run(step.check.command);
            expect([step.key, passing.exitCode]).toEqual([step.key, 0]);
          });
          expect(steps.map((step) => run(step.check.command).exitCode)).toEqual(steps.map(() => 0));
        } finally {
          rmSync(home, { recursive: true, force: true });
        }
      },
      120_000,
    );
  },
);

describeSandbox(
  available
    ? 'demo lab checks on common mistakes'
    : 'demo lab checks on common mistakes (skipped: bubblewrap cannot create a sandbox here)',
  () => {
    const labByKey = new Map(labs.map(({ lesson }) => [lesson.key, lesson.lab]));

    test.each([
      [
        'shell-workout-lab',
        'executable-script',
        "mkdir -p ~/workshop/scripts && printf '#!/usr/bin/env bash\\necho hi\\n' > ~/workshop/scripts/hello.sh && chmod 644 ~/workshop/scripts/hello.sh",
        'hello.sh has mode 644; it needs 755 (rwxr-xr-x): chmod 755 ~/workshop/scripts/hello.sh',
      ],
      [
        'shell-workout-lab',
        'filter-errors',
        'cp ~/workshop/logs/app.log ~/workshop/logs/errors.txt',
        'errors.txt must hold exactly the 3 ERROR lines of app.log, in order; it has 6 lines',
      ],
      [
        'first-deployment-lab',
        'write-deployment',
        "printf '%s\\n' 'apiVersion: apps/v1' 'kind: Deployment' 'metadata:' '  name: web' 'spec:' '  replicas: 2' > ~/k8s/deployment.yaml",
        "Expected apiVersion, kind, name, replicas, selector app, Pod app, container, image, port: 'apps/v1 Deployment web 3 web web web nginx:1.27 80'; found: 'apps/v1 Deployment web 2     '",
      ],
    ])('%s %s: a wrong attempt is exit 1 with what is wrong', (lessonKey, stepKey, attempt, message) => {
      const lab = labByKey.get(lessonKey)!;
      const home = mkdtempSync(join(tmpdir(), 'lc-lab-'));
      try {
        expect(sandbox(home, lab.profile, lab.setupScript).exitCode).toBe(0);
        expect(sandbox(home, lab.profile, attempt).exitCode).toBe(0);
        const check = lab.steps.find((step) => step.key === stepKey)!.check.command;
        expect(sandbox(home, lab.profile, check)).toEqual({ exitCode: 1, output: message });
      } finally {
        rmSync(home, { recursive: true, force: true });
      }
    });
  },
);
