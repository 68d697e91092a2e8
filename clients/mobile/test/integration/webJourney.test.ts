/**
 * The learner's journey through the app's own screens, exported for the web (Expo web,
 * react-native-web) and driven in Debian's Chromium at a phone's size (390x844, 3x, touch) against
 * a real gateway over real subgraphs: log in with the demo learner, open a course from Home, enrol,
 * pass its quiz, and watch the Dashboard in a second page move live through `progressUpdated`.
 *
 * Locators are the accessible roles and names the screens promise (react-native-web turns
 * `accessibilityRole` into `role` and `accessibilityLabel` into `aria-label`), so what this test
 * finds is what a screen reader finds.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  type Browser,
  type BrowserContext,
  type ConsoleMessage,
  type Locator,
  type Page,
} from 'playwright-core';
import { createStaticHandler } from '@learncraft/gateway';
import { demoCourses } from '@learncraft/catalog/src/seed/demoCatalog';
import { progressTopic } from '@learncraft/progress';
import { launchChromium } from '../../../../gateway/test/e2e/browser';
import { demoAccount, startPlatform, type Platform } from '../../../../gateway/test/e2e/platform';
import { ensureWebExport, MOBILE_DIR } from './webExport';

const SCREENSHOTS = join(MOBILE_DIR, 'test-results');
/** An iPhone-sized screen: the journey must work where the app is meant to be used. */
const PHONE = {
  viewport: { width: 390, height: 844 },
  deviceScaleFactor: 3,
  isMobile: true,
  hasTouch: true,
} as const;

const kubernetes = demoCourses.find((course) => course.slug === 'kubernetes-basics')!;
const lessons = kubernetes.modules.flatMap((module) => module.lessons);
const quiz = lessons.find((lesson) => lesson.kind === 'QUIZ')!;

jest.setTimeout(240_000);

let platform: Platform;
let browser: Browser;
let origin: string;
let exportDir: string;

beforeAll(async () => {
  exportDir = ensureWebExport();
  mkdirSync(SCREENSHOTS, { recursive: true });
  // The courses' media (`/media/thumbnails/…`) are the platform's, served from the web app's
  // public files in production; the export is served for everything else.
  const app = createStaticHandler(exportDir);
  const media = createStaticHandler(join(MOBILE_DIR, '..', 'web', 'public'));
  platform = await startPlatform({
    staticHandler: (req, res) => (req.url?.startsWith('/media/') ? media(req, res) : app(req, res)),
  });
  origin = new URL(platform.gateway.url).origin;
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await platform?.close();
});

/** Collects console errors and uncaught exceptions of every page it watches. */
function consoleWatcher() {
  const errors: string[] = [];
  return {
    errors,
    watch(page: Page) {
      page.on('console', (message: ConsoleMessage) => {
        if (message.type() !== 'error') return;
        const url = message.location().url;
        errors.push(`${message.text()} (${url})`);
      });
      page.on('pageerror', (error) => errors.push(`uncaught: ${error.message}`));
    },
  };
}

const shot = (page: Page, name: string) =>
  page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });

describe('the web export served by the gateway', () => {
  it('answers the export’s index.html for the root and for deep app paths, and serves the bundle it names', async () => {
    const index = readFileSync(join(exportDir, 'index.html'), 'utf8');
    for (const path of ['/', '/login', '/dashboard', '/courses/kubernetes-basics/lessons/some-lesson']) {
      const response = await fetch(`${origin}${path}`);
      expect([path, response.status, response.headers.get('content-type')]).toEqual([
        path,
        200,
        'text/html; charset=utf-8',
      ]);
      expect(await response.text()).toBe(index);
    }
    const bundle = /<script src="(\/_expo\/static\/js\/web\/[^"]+\.js)"/.exec(index)?.[1];
    expect(bundle).toBeDefined();
    const response = await fetch(`${origin}${bundle}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect((await response.arrayBuffer()).byteLength).toBeGreaterThan(100_000);
  });

  it('opens in a phone-sized Chromium and renders the app, without console errors', async () => {
    const context = await browser.newContext({ ...PHONE, baseURL: origin });
    try {
      const page = await context.newPage();
      const logs = consoleWatcher();
      logs.watch(page);
      await page.goto('/');
      await page.getByText('LearnCraft').first().waitFor({ timeout: 15_000 });
      expect(await page.evaluate(() => [innerWidth, innerHeight, devicePixelRatio])).toEqual([390, 844, 3]);
      expect(await page.evaluate(() => matchMedia('(pointer: coarse)').matches)).toBe(true);
      await shot(page, '0-app-opens');
      expect(logs.errors).toEqual([]);
    } finally {
      await context.close();
    }
  });
});

describe('a learner on a phone, in the app exported for the web', () => {
  let context: BrowserContext;
  let page: Page;
  const logs = consoleWatcher();
  const learner = demoAccount('learner@learncraft.dev');

  beforeAll(async () => {
    context = await browser.newContext({ ...PHONE, baseURL: origin });
    context.setDefaultTimeout(15_000);
    page = await context.newPage();
    logs.watch(page);
  });
  afterAll(async () => {
    await context?.close();
  });

  /**
   * A bottom tab (React Navigation renders them with role tab on the web). Its accessible name is
   * the label, after the icon's text when the icon is a glyph (the default icon is "⏷").
   */
  const tab = (target: Page, name: 'Home' | 'Search' | 'Dashboard' | 'Account') =>
    target.getByRole('tab', { name: new RegExp(`(^|\\s)${name}$`) });

  it('logs in with the demo learner account and comes back to the tabs', async () => {
    await page.goto('/login');
    await page.getByLabel('Email', { exact: true }).fill(learner.email);
    await page.getByLabel('Password', { exact: true }).fill(learner.password);
    await shot(page, '1-login');
    await page.getByRole('button', { name: 'Log in', exact: true }).click();
    await page.getByRole('button', { name: 'Log in', exact: true }).waitFor({ state: 'hidden' });
    await tab(page, 'Home').waitFor();
  });

  it('opens a course from its card on Home', async () => {
    await tab(page, 'Home').click();
    await page.getByRole('link', { name: kubernetes.title, exact: true }).click();
    await page.getByRole('heading', { name: kubernetes.title, exact: true }).first().waitFor();
    // Before enrolling the syllabus lists every lesson; only a preview lesson opens.
    for (const lesson of lessons) await page.getByText(lesson.title, { exact: true }).first().waitFor();
    await shot(page, '2-course');
  });

  it('enrolls, and the course offers to continue', async () => {
    await page.getByRole('button', { name: 'Enroll', exact: true }).click();
    await page.getByRole('button', { name: 'Continue', exact: true }).waitFor();
    await page.getByRole('button', { name: 'Enroll', exact: true }).waitFor({ state: 'hidden' });
  });

  it('passes the quiz while a second page shows the Dashboard move live, without a reload', async () => {
    const courseId = (
      await platform.graphql<{ course: { id: string } }>(`{ course(slug: "${kubernetes.slug}") { id } }`)
    ).data!.course.id;
    const dashboard = await context.newPage();
    logs.watch(dashboard);
    const subscribed = subscriptionSent(dashboard, 'progressUpdated', courseId);
    await dashboard.goto('/');
    await tab(dashboard, 'Dashboard').click();
    const bar = dashboard.getByRole('progressbar', { name: `${kubernetes.title} progress`, exact: true });
    await bar.waitFor();
    await dashboard.getByText('0% complete', { exact: true }).waitFor();
    expect(await bar.getAttribute('aria-valuenow')).toBe('0');
    // A reload would give the page a new time origin.
    const loadedAt = await dashboard.evaluate(() => performance.timeOrigin);
    // The Dashboard asked for this course's events, and progress has a listener for them. (The
    // gateway shares one upstream stream among identical subscriptions of a learner, so the count
    // need not grow if the course page already listens the same way.)
    await subscribed;
    await waitUntil(
      () => platform.progressPubSub.subscriberCount(progressTopic(courseId)) >= 1,
      'the progress subscription',
    );

    // A background page gets few animation frames, which slows every tap in it: focus the learner's page.
    await page.bringToFront();
    await page.getByRole('link', { name: quiz.title, exact: true }).click();
    await page.getByRole('button', { name: 'Submit answers', exact: true }).waitFor();
    for (const question of quiz.quiz!.questions)
      for (const key of question.correctOptionKeys) {
        const label = question.options.find((option) => option.key === key)!.label;
        await option(page, label).check();
      }
    await page.getByRole('button', { name: 'Submit answers', exact: true }).click();
    const result = page.getByRole('status').filter({ hasText: /\bPassed\b/, hasNotText: /not passed/i });
    await result.waitFor();
    expect(await result.textContent()).toContain('100%');
    await shot(page, '3-quiz-passed');

    // 1 of the course's 6 lessons complete → 16 %, pushed to the other page.
    expect(lessons.length).toBe(6);
    await dashboard.getByText('16% complete', { exact: true }).waitFor();
    expect(await bar.getAttribute('aria-valuenow')).toBe('16');
    expect(await dashboard.evaluate(() => performance.timeOrigin)).toBe(loadedAt);
    await dashboard.bringToFront();
    await shot(dashboard, '4-dashboard-live');
    await dashboard.close();
  });

  it('logged no console errors on the way', () => {
    expect(logs.errors).toEqual([]);
  });
});

/**
 * Resolves once `page` sends a graphql-ws subscribe message for `field` naming `argument`; fails
 * after `timeoutMs` (start it before the page loads: it only sees sockets opened afterwards).
 */
function subscriptionSent(page: Page, field: string, argument: string, timeoutMs = 20_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no graphql-ws subscription to ${field}(${argument}) within ${timeoutMs} ms`)),
      timeoutMs,
    );
    page.on('websocket', (socket) =>
      socket.on('framesent', ({ payload }) => {
        const text = typeof payload === 'string' ? payload : payload.toString('utf8');
        if (text.includes('"type":"subscribe"') && text.includes(field) && text.includes(argument)) {
          clearTimeout(timer);
          resolve();
        }
      }),
    );
  });
}

/** A quiz option: a radio (one answer) or a checkbox (several), named by the option's text. */
function option(page: Page, label: string): Locator {
  return page
    .getByRole('radio', { name: label, exact: true })
    .or(page.getByRole('checkbox', { name: label, exact: true }));
}

async function waitUntil(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
