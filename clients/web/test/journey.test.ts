/**
 * The learner's journey in a real browser (Debian Chromium driven by playwright-core) against the
 * built web app served by a real gateway over real identity, catalog and progress subgraphs:
 * sign up, search, open a course, enrol, save and resume a video position, pass a quiz, and watch
 * the dashboard in a second tab update live through the `progressUpdated` subscription.
 *
 * The demo videos are public sample URLs this offline machine cannot load, so the video position
 * is moved through the transcript (the player's own seek path, which reports the position to
 * `videoProgressRecord` when the media is unavailable); resuming is checked after a reload.
 */
import { mkdirSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type Browser, type BrowserContext, type ConsoleMessage, type Page } from 'playwright-core';
import { launchChromium } from '../../../gateway/test/e2e/browser';
import { demoCourses } from '@learncraft/catalog/src/seed/demoCatalog';
import { progressTopic } from '@learncraft/progress';
import { demoAccount, startPlatform, type Platform } from '../../../gateway/test/e2e/platform';
import { ensureWebApp } from '../../../gateway/src/platform/webApp';
import { createStaticHandler } from '@learncraft/gateway';

const WEB_DIR = join(__dirname, '..');
const DIST = join(WEB_DIR, 'dist');
const SCREENSHOTS = join(WEB_DIR, 'test-results');
const kubernetes = demoCourses.find((course) => course.slug === 'kubernetes-basics')!;
const videoUrls = new Set(
  demoCourses.flatMap((course) =>
    course.modules.flatMap((m) => m.lessons.flatMap((l) => (l.video ? [l.video.url] : []))),
  ),
);
const quiz = kubernetes.modules.flatMap((module) => module.lessons).find((lesson) => lesson.kind === 'QUIZ')!;

jest.setTimeout(180_000);

describe('a learner in the browser', () => {
  let platform: Platform;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let origin: string;
  const consoleErrors: string[] = [];
  const startedAt = Date.now();

  /** Console errors, except failed loads of the external sample videos (unreachable offline). */
  const watchConsole = (target: Page) => {
    target.on('console', (message: ConsoleMessage) => {
      if (message.type() !== 'error') return;
      const url = message.location().url;
      if (videoUrls.has(url) || [...videoUrls].some((video) => message.text().includes(video))) return;
      consoleErrors.push(`${message.text()} (${url})`);
    });
    target.on('pageerror', (error) => consoleErrors.push(`uncaught: ${error.message}`));
  };
  const shot = (target: Page, name: string) =>
    target.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });

  beforeAll(async () => {
    if (!ensureWebApp(join(WEB_DIR, '../..'))) throw new Error('the web app did not build');
    mkdirSync(SCREENSHOTS, { recursive: true });
    platform = await startPlatform({ staticHandler: createStaticHandler(DIST) });
    origin = new URL(platform.gateway.url).origin;
    browser = await launchChromium();
    context = await browser.newContext({ baseURL: origin, viewport: { width: 1280, height: 900 } });
    context.setDefaultTimeout(15_000);
    page = await context.newPage();
    watchConsole(page);
  });

  afterAll(async () => {
    await browser?.close();
    await platform?.close();
    console.log(`browser journey took ${((Date.now() - startedAt) / 1000).toFixed(1)} s`);
  });

  it('signs up and lands on an empty dashboard', async () => {
    await page.goto('/signup');
    await page.getByLabel('Name').fill('Ada Learner');
    await page.getByLabel('Email').fill('Ada@Example.com');
    await page.getByLabel('Password').fill('a-long-enough-pass');
    await page.getByRole('button', { name: 'Sign up' }).click();

    await page.getByRole('heading', { name: 'My learning' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/dashboard');
    await page.getByText('Welcome back, Ada Learner.').waitFor();
    await page.getByRole('heading', { name: 'You have not enrolled in any course yet' }).waitFor();
    expect(await page.locator('.account-name').textContent()).toBe('Ada Learner');
  });

  it('finds the course by searching and narrowing by level', async () => {
    await page.getByRole('link', { name: 'Search', exact: true }).click();
    await page.getByRole('searchbox', { name: 'Search' }).fill('kubernetes');
    const expected = await platform.graphql<{
      courseSearch: { totalCount: number; edges: { node: { title: string } }[] };
    }>(
      `{ courseSearch(query: "kubernetes", filterBy: { level: BEGINNER }) { totalCount edges { node { title } } } }`,
    );
    await page.getByLabel('Level').selectOption('BEGINNER');
    await page.waitForURL(
      (url) => url.searchParams.get('q') === 'kubernetes' && url.searchParams.get('level') === 'BEGINNER',
    );
    const count = expected.data!.courseSearch.totalCount;
    await page.getByText(`${count} ${count === 1 ? 'course' : 'courses'} found`, { exact: true }).waitFor();
    const titles = await page.locator('.course-card h3').allTextContents();
    expect(titles).toEqual(expected.data!.courseSearch.edges.map((edge) => edge.node.title));
    expect(titles).toContain('Kubernetes Basics');
    await shot(page, '1-search');
  });

  it('opens the course page with its syllabus, instructors and rendered description', async () => {
    await page.getByRole('link', { name: 'Kubernetes Basics' }).click();
    await page.getByRole('heading', { level: 1, name: 'Kubernetes Basics' }).waitFor();
    expect(await page.locator('.instructors').textContent()).toBe(
      `Taught by ${demoAccount('instructor@learncraft.dev').displayName}`,
    );
    expect(await page.locator('.syllabus h3').allTextContents()).toEqual(
      kubernetes.modules.map((module, index) => `Module ${index + 1}: ${module.title}`),
    );
    // The description's Markdown became real headings and list items (and nothing executable).
    expect(await page.locator('.markdown h2').first().textContent()).toBe("What you'll learn");
    expect(await page.locator('.markdown li').count()).toBe(5);
    await shot(page, '2-course');
  });

  it('enrolls and starts at 0 %', async () => {
    await page.getByRole('button', { name: 'Enroll', exact: true }).click();
    const bar = page.getByRole('progressbar', { name: 'Kubernetes Basics progress' });
    await bar.waitFor();
    expect(await bar.getAttribute('aria-valuenow')).toBe('0');
    expect(await page.locator('.enroll-box .progress-text').textContent()).toBe('0% complete');
    await page.getByRole('link', { name: 'Start the course' }).waitFor();
  });

  it('saves the video position and resumes from it after a reload', async () => {
    await page.getByRole('link', { name: 'Start the course' }).click();
    await page.getByRole('heading', { level: 1, name: 'What Is Kubernetes?' }).waitFor();
    // The sample video is unreachable offline: the player says so and keeps the transcript usable.
    await page.getByText('The video could not be loaded.', { exact: false }).waitFor();
    await page.getByRole('button', { name: /^1:08 In the next lessons/ }).click();
    await page.getByText('Saved position: 1:08', { exact: true }).waitFor();

    await page.reload();
    await page.getByText('Resuming at 1:08.', { exact: true }).waitFor();
    await page.getByText('Saved position: 1:08', { exact: true }).waitFor();
    expect(
      await page.getByRole('button', { name: /^1:08 In the next lessons/ }).getAttribute('aria-current'),
    ).toBe('true');
    await shot(page, '3-video-lesson');
  });

  it('passes the quiz while a second tab shows the dashboard updating live', async () => {
    const courseId = (
      await platform.graphql<{ course: { id: string } }>(`{ course(slug: "kubernetes-basics") { id } }`)
    ).data!.course.id;
    const dashboard = await context.newPage();
    watchConsole(dashboard);
    await dashboard.goto('/dashboard');
    const card = dashboard.locator('.enrollment-card', { hasText: 'Kubernetes Basics' });
    await card.getByText('0% complete', { exact: true }).waitFor();
    expect(await card.getByRole('link', { name: /^Continue:/ }).textContent()).toBe(
      'Continue: What Is Kubernetes? (at 1:08)',
    );
    await waitUntil(
      () => platform.progressPubSub.subscriberCount(progressTopic(courseId)) >= 1,
      'the dashboard subscription',
    );

    // A background tab gets few animation frames, which slows every click in it: focus the learner's tab.
    await page.bringToFront();
    await page.getByRole('link', { name: quiz.title }).click();
    await page.getByRole('heading', { level: 1, name: quiz.title }).waitFor();
    for (const question of quiz.quiz!.questions) {
      const fieldset = page.locator('fieldset', { hasText: question.prompt });
      for (const key of question.correctOptionKeys)
        await fieldset
          .getByLabel(question.options.find((option) => option.key === key)!.label, { exact: true })
          .check();
    }
    await page.getByRole('button', { name: 'Submit answers' }).click();
    await page.getByText('You scored 100% — passed.', { exact: true }).waitFor();
    expect(await page.locator('.feedback strong').allTextContents()).toEqual(
      quiz.quiz!.questions.map(() => 'Correct'),
    );
    await shot(page, '4-quiz-passed');

    // 1 of 6 lessons complete → 16 %, pushed to the other tab without a reload.
    await card.getByText('16% complete', { exact: true }).waitFor();
    expect(await card.getByRole('progressbar').getAttribute('aria-valuenow')).toBe('16');
    await shot(dashboard, '5-dashboard-live');
    await dashboard.close();
  });

  it('has no serious or critical axe violations and fits a 360 px screen on the main pages', async () => {
    const course = await platform.graphql(
      `{ course(slug: "kubernetes-basics") { modules { lessons { id kind } } } }`,
    );
    const reading = course.data?.course.modules
      .flatMap((m: { lessons: { id: string; kind: string }[] }) => m.lessons)
      .find((l: { kind: string }) => l.kind === 'READING');
    const pages = [
      '/',
      '/search?q=kubernetes',
      '/courses/kubernetes-basics',
      `/courses/kubernetes-basics/lessons/${reading.id}`,
      '/dashboard',
    ];
    const findings: Record<string, string[]> = {};
    for (const width of [1280, 360]) {
      await page.setViewportSize({ width, height: 800 });
      for (const path of pages) {
        await page.goto(path);
        await page.locator('main h1').first().waitFor();
        await page.waitForLoadState('networkidle');
        if (width === 360) {
          const overflow = await page.evaluate(
            () => document.documentElement.scrollWidth - window.innerWidth,
          );
          if (overflow > 0) (findings[path] ??= []).push(`${overflow} px wider than a 360 px screen`);
          await shot(page, `6-narrow${path.replace(/[/?=]+/g, '-')}`);
          continue;
        }
        await page.addScriptTag({ path: require.resolve('axe-core/axe.min.js') });
        const violations = await page.evaluate(async () => {
          const axe = (
            window as unknown as {
              axe: {
                run: (
                  context: Document,
                ) => Promise<{ violations: { id: string; impact: string | null; nodes: unknown[] }[] }>;
              };
            }
          ).axe;
          const result = await axe.run(document);
          return result.violations
            .filter((v) => v.impact === 'serious' || v.impact === 'critical')
            .map((v) => `${v.impact}: ${v.id} (${v.nodes.length})`);
        });
        if (violations.length > 0) (findings[path] ??= []).push(...violations);
      }
    }
    await page.setViewportSize({ width: 1280, height: 900 });
    expect(findings).toEqual({});
  });

  it('logged no console errors on the happy path', () => {
    expect(consoleErrors).toEqual([]);
  });

  it('sends a learner whose session cannot be refreshed to log in, then back to where they were', async () => {
    const other = await browser.newContext({ baseURL: origin });
    try {
      await other.addInitScript(() => localStorage.setItem('learncraft.refreshToken', 'revoked-or-made-up'));
      const tab = await other.newPage();
      await tab.goto('/dashboard');
      await tab.getByText('Your session has ended. Please log in again.', { exact: true }).waitFor();
      expect(new URL(tab.url()).pathname + new URL(tab.url()).search).toBe('/login?next=%2Fdashboard');
      await shot(tab, '6-login');

      const learner = demoAccount('learner@learncraft.dev');
      await tab.getByLabel('Email').fill(learner.email);
      await tab.getByLabel('Password').fill(learner.password);
      await tab.getByRole('button', { name: 'Log in', exact: true }).click();
      await tab.getByText(`Welcome back, ${learner.displayName}.`, { exact: true }).waitFor();
      expect(new URL(tab.url()).pathname).toBe('/dashboard');
    } finally {
      await other.close();
    }
  });

  it('refreshes once and retries when the gateway answers UNAUTHENTICATED, and logs out', async () => {
    const operations: string[] = [];
    page.on('request', (request) => {
      const body =
        request.method() === 'POST' && request.url().endsWith('/graphql') ? request.postData() : null;
      if (body) operations.push((JSON.parse(body) as { operationName: string }).operationName);
    });
    let rejected = false;
    await page.route('**/graphql', async (route) => {
      const body = route.request().postData() ?? '';
      if (rejected || !body.includes('"operationName":"Dashboard"')) return route.continue();
      rejected = true;
      await route.fulfill({
        status: 401,
        contentType: 'application/json',
        body: JSON.stringify({
          errors: [{ message: 'The access token has expired.', extensions: { code: 'UNAUTHENTICATED' } }],
        }),
      });
    });
    await page.goto('/dashboard');
    await page.getByText('Welcome back, Ada Learner.', { exact: true }).waitFor();
    await page
      .locator('.enrollment-card', { hasText: 'Kubernetes Basics' })
      .getByText('16% complete', { exact: true })
      .waitFor();
    expect(operations).toEqual(['SessionRefresh', 'Dashboard', 'SessionRefresh', 'Dashboard']);
    await page.unroute('**/graphql');

    await page.getByRole('button', { name: 'Log out' }).click();
    await page.getByRole('link', { name: 'Log in', exact: true }).waitFor();
    expect(await page.evaluate(() => localStorage.getItem('learncraft.refreshToken'))).toBeNull();
    expect(operations.filter((name) => name === 'SessionRevoke')).toEqual(['SessionRevoke']);
  });
});

describe('a learner who forgot their password', () => {
  let platform: Platform;
  let browser: Browser;

  beforeAll(async () => {
    if (!ensureWebApp(join(WEB_DIR, '../..'))) throw new Error('the web app did not build');
    platform = await startPlatform({ staticHandler: createStaticHandler(DIST) });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await platform?.close();
  });

  /** The reset link of the newest mail to `email` in identity's mail directory. */
  const resetLink = async (email: string) => {
    const dir = join(platform.dataDir, 'mail');
    const deadline = Date.now() + 10_000;
    for (;;) {
      const files = (await readdir(dir).catch(() => [] as string[])).filter((file) =>
        file.endsWith(`-${email}.eml`),
      );
      if (files.length > 0) {
        const text = await readFile(join(dir, files.sort().at(-1)!), 'utf8');
        const link = /http\S+\/reset-password\?token=[A-Za-z0-9_-]{43}/.exec(text)?.[0];
        if (link) return new URL(link);
      }
      if (Date.now() > deadline) throw new Error(`no reset mail to ${email} in ${dir}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };

  it('asks for a link from the log-in page, follows it from the mail file, sets a new password and logs in with it', async () => {
    const learner = demoAccount('learner@learncraft.dev');
    const origin = new URL(platform.gateway.url).origin;
    const context = await browser.newContext({ baseURL: origin });
    try {
      const tab = await context.newPage();
      await tab.goto('/login');
      await tab.getByRole('link', { name: 'Forgot password?' }).click();
      // The log-in form has an Email field too: fill the reset form only once its page is shown.
      await tab.getByRole('heading', { name: 'Reset your password' }).waitFor();
      await tab.getByLabel('Email').fill(learner.email);
      await tab.getByRole('button', { name: 'Send reset link' }).click();
      await tab.getByRole('heading', { name: 'Check your email' }).waitFor();

      const link = await resetLink(learner.email);
      // The link names the configured web app (WEB_APP_URL, default http://127.0.0.1:4000); this
      // test's gateway serves the app on another port, so the same path is opened there.
      expect(link.origin).toBe('http://127.0.0.1:4000');
      expect(link.pathname).toBe('/reset-password');
      await tab.goto(link.pathname + link.search);
      await tab.getByLabel(/^New password/).fill('qwertyuiop');
      await tab.getByRole('button', { name: 'Set new password' }).click();
      await tab
        .getByText(
          'This password is one of the most common passwords found in data breaches. Choose another.',
        )
        .waitFor();
      await tab.getByLabel(/^New password/).fill('a fresh and private passphrase');
      await tab.getByRole('button', { name: 'Set new password' }).click();
      await tab.getByRole('heading', { name: 'Password changed' }).waitFor();

      await tab.getByRole('status').getByRole('link', { name: 'Log in', exact: true }).click();
      await tab.getByLabel('Email').fill(learner.email);
      await tab.getByLabel('Password').fill('a fresh and private passphrase');
      await tab.getByRole('button', { name: 'Log in', exact: true }).click();
      await tab.getByText(`Welcome back, ${learner.displayName}.`, { exact: true }).waitFor();
    } finally {
      await context.close();
    }
  });
});

async function waitUntil(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
