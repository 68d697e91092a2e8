/**
 * The partner docs in a real browser (Debian Chromium driven by playwright-core), served by a real
 * gateway over HTTP in front of the checked-in supergraph: the page's landmarks, index and filter,
 * the guides, the generated reference (`Query.courses` and its arguments), a phone-sized viewport,
 * and `/docs/schema.graphql` byte for byte. The web app's SPA fallback is installed too, to show
 * it never answers a docs address.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, type ConsoleMessage, type Page } from 'playwright-core';
import { launchChromium } from './browser';
import { TEST_GATEWAY_SECRET } from '@learncraft/kit/testing';
import { createLogger } from '@learncraft/kit';
import {
  DEFAULT_API_SCHEMA_PATH,
  createStaticHandler,
  loadConfig,
  startGateway,
  type RunningGateway,
} from '../../src';

const SCREENSHOTS = join(__dirname, '..', '..', 'test-results');

jest.setTimeout(120_000);

describe('the partner docs in the browser', () => {
  let webDist: string;
  let gateway: RunningGateway;
  let browser: Browser;
  let origin: string;
  const consoleErrors: string[] = [];

  const open = async (viewport: { width: number; height: number }, bypassCSP = false): Promise<Page> => {
    const context = await browser.newContext({ baseURL: origin, viewport, bypassCSP });
    context.setDefaultTimeout(15_000);
    const page = await context.newPage();
    page.on('console', (message: ConsoleMessage) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    page.on('pageerror', (error) => consoleErrors.push(`uncaught: ${error.message}`));
    return page;
  };

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    webDist = await mkdtemp(join(tmpdir(), 'lc-docs-web-'));
    await writeFile(join(webDist, 'index.html'), '<!doctype html><title>web app</title>');
    const config = loadConfig({
      PORT: '0',
      GATEWAY_SECRET: TEST_GATEWAY_SECRET,
      DATA_DIR: webDist,
      LOG_LEVEL: 'silent',
    });
    gateway = await startGateway({
      config,
      logger: createLogger('gateway', 'silent'),
      staticHandler: createStaticHandler(webDist),
    });
    origin = new URL(gateway.url).origin;
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await gateway?.close();
    await rm(webDist, { recursive: true, force: true });
  });

  it('renders the guides and the reference with landmarks, headings and an index', async () => {
    const page = await open({ width: 1280, height: 900 });
    const response = await page.goto('/docs');
    expect(response?.status()).toBe(200);
    expect(response?.headers()['content-type']).toBe('text/html; charset=utf-8');
    expect(await page.title()).toBe('LearnCraft partner API');

    expect(await page.getByRole('heading', { level: 1 }).allTextContents()).toEqual([
      'LearnCraft partner API',
    ]);
    await expect(page.getByRole('banner').count()).resolves.toBe(1);
    await expect(page.getByRole('main').count()).resolves.toBe(1);
    const index = page.getByRole('navigation', { name: 'Contents' });
    expect(await index.locator('summary').allTextContents()).toEqual([
      'Guides',
      'Queries',
      'Mutations',
      'Subscriptions',
      'Objects',
      'Unions',
      'Enums',
      'Input objects',
      'Scalars',
    ]);

    const guides = page.getByRole('region', { name: 'Guides' });
    expect(await guides.getByRole('heading', { level: 3 }).allTextContents()).toEqual([
      'Getting started',
      'Authentication',
      'Organizations: members, seats and progress',
      'Webhooks',
      'Pagination',
      'Errors',
      'Operation limits',
      'Deprecation policy',
    ]);
    await expect(guides.getByRole('heading', { name: 'Rotating a key', level: 5 }).isVisible()).resolves.toBe(
      true,
    );
    expect(
      await page
        .getByRole('region', { name: 'API reference' })
        .getByRole('heading', { level: 3 })
        .allTextContents(),
    ).toEqual([
      'Queries',
      'Mutations',
      'Subscriptions',
      'Objects',
      'Unions',
      'Enums',
      'Input objects',
      'Scalars',
    ]);

    const courses = page.getByRole('article', { name: 'Query.courses', exact: true });
    await courses.scrollIntoViewIfNeeded();
    await expect(courses.getByRole('heading', { level: 4 }).textContent()).resolves.toBe('Query.courses');
    expect(await courses.getByRole('definition').count()).toBe(4);
    expect(await courses.locator('dl.arguments > dt').allTextContents()).toEqual([
      'first: Int',
      'after: String',
      'filterBy: CourseFilter',
      'orderBy: CourseOrder',
    ]);
    await expect(courses.locator('dl.arguments > dd').first().textContent()).resolves.toBe(
      'How many courses to return (0 to 100, default 20).\n',
    );
    await page.screenshot({ path: join(SCREENSHOTS, 'docs-desktop.png') });

    // A type name in a signature leads to that type's section.
    await courses.getByRole('link', { name: 'CourseConnection' }).click();
    expect(new URL(page.url()).hash).toBe('#CourseConnection');
    await expect(
      page.getByRole('heading', { name: 'CourseConnection object', level: 4 }).isVisible(),
    ).resolves.toBe(true);
    expect(consoleErrors).toEqual([]);
  });

  it('filters the index as the reader types, and an entry leads to its section', async () => {
    const page = await open({ width: 1280, height: 900 });
    await page.goto('/docs');
    const index = page.getByRole('navigation', { name: 'Contents' });
    await index.getByRole('searchbox', { name: 'Filter the contents' }).fill('courseSearch');
    await expect(index.getByRole('status').textContent()).resolves.toBe('1 match');
    const visible = index.locator('li:not([hidden]) a');
    expect(await visible.allTextContents()).toEqual(['courseSearch']);
    await visible.click();
    expect(new URL(page.url()).hash).toBe('#Query.courseSearch');
    await expect(
      page.getByRole('heading', { name: 'Query.courseSearch', level: 4 }).isVisible(),
    ).resolves.toBe(true);

    await index.getByRole('searchbox', { name: 'Filter the contents' }).fill('no such thing');
    await expect(index.getByRole('status').textContent()).resolves.toBe('0 matches');
    await index.getByRole('searchbox', { name: 'Filter the contents' }).fill('');
    expect(await index.locator('details:not([hidden])').count()).toBe(9);
    expect(consoleErrors).toEqual([]);
  });

  it('has no serious or critical axe-core findings, on a desktop and on a phone', async () => {
    for (const viewport of [
      { width: 1280, height: 900 },
      { width: 390, height: 844 },
    ]) {
      // axe is injected as a script: the page's own CSP would rightly refuse it.
      const page = await open(viewport, true);
      await page.goto('/docs');
      await page.addScriptTag({ path: require.resolve('axe-core/axe.min.js') });
      // Evaluated in the page (a string: this package's types have no DOM).
      const findings = await page.evaluate(`axe.run(document).then((result) => result.violations
        .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
        .map((violation) => violation.impact + ': ' + violation.id + ' (' + violation.nodes.length + ', first: ' + String(violation.nodes[0] && violation.nodes[0].target[0]) + ')'))`);
      expect([viewport.width, findings]).toEqual([viewport.width, []]);
    }
  });

  it('fits a phone screen without sideways scrolling', async () => {
    const page = await open({ width: 390, height: 844 });
    await page.goto('/docs');
    // Evaluated in the page (a string: this package's types have no DOM).
    const scrollWidth = async () => Number(await page.evaluate('document.documentElement.scrollWidth'));
    expect([await scrollWidth(), Number(await page.evaluate('window.innerWidth'))]).toEqual([390, 390]);
    await page.getByRole('article', { name: 'Query.courses', exact: true }).scrollIntoViewIfNeeded();
    expect(await scrollWidth()).toBe(390);
    await page.screenshot({ path: join(SCREENSHOTS, 'docs-phone.png') });
  });

  it('serves /docs/schema.graphql as the exact content of schema/api.graphql, linked from the page', async () => {
    const page = await open({ width: 1280, height: 900 });
    await page.goto('/docs');
    const href = await page.getByRole('link', { name: 'Download the schema (SDL)' }).getAttribute('href');
    expect(href).toBe('/docs/schema.graphql');
    const response = await page.request.get(href!);
    expect(response.status()).toBe(200);
    expect(response.headers()['content-type']).toBe('text/plain; charset=utf-8');
    expect(await response.text()).toBe(readFileSync(DEFAULT_API_SCHEMA_PATH, 'utf8'));
  });

  it('sends the page gzipped to clients that accept it, and plain to others', async () => {
    const plain = await fetch(`${origin}/docs`, { headers: { 'accept-encoding': 'identity' } });
    const text = await plain.text();
    expect([plain.headers.get('content-encoding'), plain.headers.get('content-length')]).toEqual([
      null,
      String(Buffer.byteLength(text)),
    ]);
    const gzipped = await fetch(`${origin}/docs`, { headers: { 'accept-encoding': 'gzip' } });
    expect([gzipped.headers.get('content-encoding'), gzipped.headers.get('vary')]).toEqual([
      'gzip',
      'accept-encoding',
    ]);
    expect(Number(gzipped.headers.get('content-length'))).toBeLessThan(Buffer.byteLength(text) / 3);
    expect(await gzipped.text()).toBe(text);
    const head = await fetch(`${origin}/docs/schema.graphql`, {
      method: 'HEAD',
      headers: { 'accept-encoding': 'identity' },
    });
    expect([head.status, head.headers.get('content-length'), await head.text()]).toEqual([
      200,
      String(Buffer.byteLength(readFileSync(DEFAULT_API_SCHEMA_PATH))),
      '',
    ]);
  });

  it('answers an unknown docs address with 404, never the web app', async () => {
    const unknown = await fetch(`${origin}/docs/getting-started`);
    expect([unknown.status, await unknown.json()]).toEqual([404, { error: 'not found' }]);
    const app = await fetch(`${origin}/courses`);
    expect([app.status, await app.text()]).toEqual([200, '<!doctype html><title>web app</title>']);
  });
});
