/**
 * Backup and recovery on embedded defaults, as an operator runs it: `npm start`, learners write,
 * `npm run backup` while the platform serves, stop, the data directory is wiped, `npm run restore`,
 * `npm start` again — and every write acknowledged before the backup is there, signed-in with the
 * same password. Two full platform starts: bounded by the waits below, killed as a group at the end.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT, TSX, exitWithin, graphql, launch, type Launch } from './npmStartProcess';

const COURSE = 'kubernetes-basics';
const STATE = `query ($slug: String!) {
  me { email displayName }
  course(slug: $slug) {
    viewerEnrollment { progressPercent }
    modules { lessons { id viewerProgress { status } } }
  }
}`;

interface State {
  me: { email: string; displayName: string };
  course: {
    viewerEnrollment: { progressPercent: number } | null;
    modules: { lessons: { id: string; viewerProgress: { status: string } | null }[] }[];
  };
}

/** Runs one of the operator scripts to its end (async: the platform's output keeps draining meanwhile). */
function runScript(
  script: string,
  args: string[],
  env: Record<string, string>,
): Promise<{ status: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(TSX, [script, ...args], { cwd: REPO_ROOT, env: { ...process.env, ...env } });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 180_000);
    child.once('exit', (status) => {
      clearTimeout(timer);
      resolve({ status, output });
    });
  });
}

async function signIn(platform: Launch, email: string, password: string): Promise<string> {
  const login = await graphql(
    platform.gatewayUrl,
    'mutation ($input: SessionCreateInput!) { sessionCreate(input: $input) { session { accessToken } } }',
    { input: { email, password } },
  );
  return (login.data?.sessionCreate as { session: { accessToken: string } }).session.accessToken;
}

function portEnv(platform: Launch): Record<string, string> {
  return Object.fromEntries(
    Object.entries(platform.ports).map(([name, port]) => [`${name.toUpperCase()}_PORT`, String(port)]),
  );
}

describe('npm run backup / npm run restore', () => {
  const launches: Launch[] = [];
  const backupDir = join(mkdtempSync(join(tmpdir(), 'learncraft-backup-')), 'backup');

  afterAll(() => {
    for (const started of launches) started.killGroup();
    for (const started of launches) rmSync(started.dataDir, { recursive: true, force: true });
    for (const started of launches)
      rmSync(`${started.dataDir}.before-restore`, { recursive: true, force: true });
    rmSync(join(backupDir, '..'), { recursive: true, force: true });
  });

  it('restores every acknowledged write into a wiped data directory', async () => {
    const first = await launch();
    launches.push(first);
    await first.waitFor(/LearnCraft is ready in/, 150_000);

    const registered = await graphql(
      first.gatewayUrl,
      'mutation ($input: UserRegisterInput!) { userRegister(input: $input) { userErrors { code } } }',
      { input: { email: 'kept@example.com', password: 'a-long-enough-pass', displayName: 'Kept' } },
    );
    expect(registered).toEqual({ data: { userRegister: { userErrors: [] } } });
    const token = await signIn(first, 'kept@example.com', 'a-long-enough-pass');
    const opened = await graphql(first.gatewayUrl, STATE, { slug: COURSE }, token);
    const course = (opened.data as unknown as State).course;
    const courseId = (
      (await graphql(first.gatewayUrl, '{ course(slug: "kubernetes-basics") { id } }')).data?.course as {
        id: string;
      }
    ).id;
    const enrolled = await graphql(
      first.gatewayUrl,
      'mutation ($id: ID!) { courseEnroll(input: { courseId: $id }) { userErrors { code } } }',
      { id: courseId },
      token,
    );
    expect(enrolled).toEqual({ data: { courseEnroll: { userErrors: [] } } });
    const [firstLesson, secondLesson] = course.modules.flatMap((module) => module.lessons);
    for (const lesson of [firstLesson!, secondLesson!]) {
      const completed = await graphql(
        first.gatewayUrl,
        'mutation ($id: ID!) { lessonComplete(input: { lessonId: $id }) { lessonProgress { status } userErrors { code } } }',
        { id: lesson.id },
        token,
      );
      expect(completed).toEqual({
        data: { lessonComplete: { lessonProgress: { status: 'COMPLETED' }, userErrors: [] } },
      });
    }
    const acknowledged = (await graphql(first.gatewayUrl, STATE, { slug: COURSE }, token))
      .data as unknown as State;
    expect(acknowledged.me).toEqual({ email: 'kept@example.com', displayName: 'Kept' });
    expect(acknowledged.course.viewerEnrollment?.progressPercent).toBeGreaterThan(0);

    // Backed up while the platform serves.
    const env = { DATA_DIR: first.dataDir, ...portEnv(first) };
    const backup = await runScript('deploy/backup/backup.ts', [backupDir], env);
    expect([backup.status, backup.output]).toEqual([
      0,
      expect.stringContaining(`backup written to ${backupDir} (`),
    ]);
    const manifest = JSON.parse(readFileSync(join(backupDir, 'manifest.json'), 'utf8')) as {
      services: Record<string, unknown>;
      files: string[];
    };
    expect(Object.keys(manifest.services)).toEqual([
      'identity',
      'catalog',
      'progress',
      'labs',
      'ai',
      'commerce',
    ]);
    expect(manifest.files).toEqual(expect.arrayContaining(['gateway-secret', 'internal-api-secret', 'keys']));

    // Restore refuses while the platform runs, and changes nothing.
    const refused = await runScript('deploy/backup/restore.ts', [backupDir], env);
    expect([refused.status, refused.output.trim()]).toEqual([
      1,
      'restore failed: identity is running: stop the platform before restoring.',
    ]);

    first.signal('SIGTERM');
    expect(await exitWithin(first, 60_000)).toBe(0);
    rmSync(first.dataDir, { recursive: true, force: true });

    const restored = await runScript('deploy/backup/restore.ts', [backupDir], env);
    expect([restored.status, restored.output]).toEqual([0, expect.stringContaining('restored')]);
    // Restoring over a data directory never deletes it: it is moved aside first.
    const over = await runScript('deploy/backup/restore.ts', [backupDir], env);
    const aside = /the data directory was moved aside to (\S+)\n/.exec(over.output)?.[1];
    expect([over.status, aside?.startsWith(`${first.dataDir}.before-restore-`)]).toEqual([0, true]);
    expect(readdirSync(aside!)).toEqual(expect.arrayContaining(['identity', 'progress', 'keys']));
    rmSync(aside!, { recursive: true, force: true });
    expect(readdirSync(first.dataDir).sort()).toEqual(
      expect.arrayContaining(['identity', 'catalog', 'progress', 'labs', 'ai', 'commerce', 'keys']),
    );

    const second = await launch({}, first.dataDir);
    launches.push(second);
    await second.waitFor(/LearnCraft is ready in/, 150_000);
    const again = await signIn(second, 'kept@example.com', 'a-long-enough-pass');
    const after = (await graphql(second.gatewayUrl, STATE, { slug: COURSE }, again)).data as unknown as State;
    expect(after).toEqual(acknowledged);
    // The token issued before the backup still verifies: identity's signing key came back too.
    expect((await graphql(second.gatewayUrl, '{ me { email } }', {}, token)).data).toEqual({
      me: { email: 'kept@example.com' },
    });
  }, 600_000);
});
