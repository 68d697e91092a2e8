/**
 * A buyer's journey in a real browser (Debian Chromium driven by playwright-core) against the built
 * web app served by a real gateway over every subgraph, commerce with its built-in test payment
 * provider included: a new learner meets a paid course (price, Buy, a locked lesson), checks out
 * with the WELCOME20 coupon, has a card declined and pays with another, starts learning, finds the
 * order and its receipt, and refunds it, after which the course asks to be bought again.
 *
 * Demo data (seeded by catalog and commerce): advanced-typescript-types costs USD 79.00; WELCOME20
 * takes 20 % off (so $63.20).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, type ConsoleMessage, type Page } from 'playwright-core';
import { launchChromium } from '../../../gateway/test/e2e/browser';
import { createStaticHandler } from '@learncraft/gateway';
import { ensureWebApp } from '../../../gateway/src/platform/webApp';
import { startPlatform, type Platform } from '../../../gateway/test/e2e/platform';

const WEB_DIR = join(__dirname, '..');
const DIST = join(WEB_DIR, 'dist');
const SCREENSHOTS = join(WEB_DIR, 'test-results');
const SLUG = 'advanced-typescript-types';
const TITLE = 'Advanced TypeScript Types';
/** Two years ahead of the machine's clock: an expiry that is always in the future. */
const EXPIRY_YEAR = String(new Date().getUTCFullYear() + 2);

interface SyllabusLesson {
  id: string;
  title: string;
  kind: string;
  preview: boolean;
}

jest.setTimeout(180_000);

describe('a buyer in the browser', () => {
  let platform: Platform;
  let browser: Browser;
  let page: Page;
  let locked: SyllabusLesson;
  let receiptNumber: string;
  const consoleErrors: string[] = [];

  const shot = (name: string) =>
    page.screenshot({ path: join(SCREENSHOTS, `commerce-${name}.png`), fullPage: true });
  const path = () => new URL(page.url()).pathname;

  beforeAll(async () => {
    if (!ensureWebApp(join(WEB_DIR, '../..'))) throw new Error('the web app did not build');
    mkdirSync(SCREENSHOTS, { recursive: true });
    platform = await startPlatform({ staticHandler: createStaticHandler(DIST) });
    const origin = new URL(platform.gateway.url).origin;
    browser = await launchChromium();
    const context = await browser.newContext({ baseURL: origin, viewport: { width: 1280, height: 900 } });
    context.setDefaultTimeout(15_000);
    page = await context.newPage();
    page.on('console', (message: ConsoleMessage) => {
      if (message.type() === 'error') consoleErrors.push(`${message.text()} (${message.location().url})`);
    });
    page.on('pageerror', (error) => consoleErrors.push(`uncaught: ${error.message}`));

    const course = await platform.graphql<{
      course: { modules: { lessons: SyllabusLesson[] }[] };
    }>(`{ course(slug: "${SLUG}") { modules { lessons { id title kind preview } } } }`);
    const lessons = course.data!.course.modules.flatMap((module) => module.lessons);
    // A reading lesson shows its material as rendered Markdown once bought; any locked one will do otherwise.
    const paidOnly = lessons.filter((lesson) => !lesson.preview);
    locked = paidOnly.find((lesson) => lesson.kind === 'READING') ?? paidOnly[0]!;
    expect(lessons.filter((lesson) => lesson.preview)).toHaveLength(1);
  });

  afterAll(async () => {
    await browser?.close();
    await platform?.close();
  });

  it('signs up as a new learner', async () => {
    await page.goto('/signup');
    await page.getByLabel('Name').fill('Grace Buyer');
    await page.getByLabel('Email').fill('grace.buyer@example.com');
    await page.getByLabel('Password').fill('a-long-enough-pass');
    await page.getByRole('button', { name: 'Sign up' }).click();
    await page.getByRole('heading', { name: 'My learning' }).waitFor();
    await page.getByRole('link', { name: 'Orders', exact: true }).waitFor();
    await page.getByRole('link', { name: 'Pricing', exact: true }).waitFor();
  });

  it('sees the price of the paid course and is offered to buy it, not to enroll', async () => {
    await page.goto(`/courses/${SLUG}`);
    await page.getByRole('heading', { level: 1, name: TITLE }).waitFor();
    expect(await page.locator('.enroll-box .price').textContent()).toBe('$79.00');
    await page.getByRole('link', { name: 'Buy for $79.00' }).waitFor();
    await page.getByRole('link', { name: 'Or subscribe: all courses from $19.00/month' }).waitFor();
    expect(await page.getByRole('button', { name: 'Enroll', exact: true }).count()).toBe(0);
    expect(await page.locator('.syllabus .badge', { hasText: 'Preview' }).count()).toBe(1);
    await shot('1-paid-course');
  });

  it('opens a locked lesson and sees the locked panel instead of the material', async () => {
    await page.goto(`/courses/${SLUG}/lessons/${locked.id}`);
    await page.getByRole('heading', { level: 1, name: locked.title }).waitFor();
    const panel = page.getByRole('region', { name: 'This lesson is locked' });
    await panel.waitFor();
    expect(await panel.locator('p').first().textContent()).toBe(
      `Buy ${TITLE}, or subscribe to a plan, to open every lesson.`,
    );
    expect(await page.locator('.lesson-main .markdown').count()).toBe(0);
    await shot('2-locked-lesson');
  });

  it('goes to checkout, and the WELCOME20 coupon brings the total to $63.20', async () => {
    await page
      .getByRole('region', { name: 'This lesson is locked' })
      .getByRole('link', { name: 'Buy for $79.00' })
      .click();
    await page.getByRole('heading', { level: 1, name: 'Checkout' }).waitFor();
    expect(path()).toBe('/checkout');
    await page.getByRole('button', { name: 'Pay $79.00' }).waitFor();
    await page.getByLabel('Coupon code').fill('WELCOME20');
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.getByRole('button', { name: 'Pay $63.20' }).waitFor();
    expect(await page.locator('.order-summary .order-total td').textContent()).toBe('$63.20');
    expect(await page.locator('.order-summary tfoot tr', { hasText: 'Discount' }).textContent()).toBe(
      'Discount (WELCOME20)−$15.80',
    );
  });

  it('has the declined card refused with its reason, the form kept but the card number', async () => {
    await page.getByLabel('Card number').fill('4000 0000 0000 0002');
    await page.getByLabel('Expiry month (MM)').fill('12');
    await page.getByLabel('Expiry year (YYYY)').fill(EXPIRY_YEAR);
    await page.getByLabel('CVC').fill('123');
    await page.getByRole('button', { name: 'Pay $63.20' }).click();
    await page.getByText('Payment declined: Your card was declined.', { exact: true }).waitFor();
    expect(await page.getByLabel('Card number').inputValue()).toBe('');
    expect(await page.getByLabel('Expiry year (YYYY)').inputValue()).toBe(EXPIRY_YEAR);
    await shot('3-declined');
  });

  it('pays with the good card and gets a receipt number', async () => {
    await page.getByLabel('Card number').fill('4242 4242 4242 4242');
    await page.getByRole('button', { name: 'Pay $63.20' }).click();
    await page.getByRole('heading', { level: 1, name: 'Thank you — payment received' }).waitFor();
    const confirmation = await page.locator('.confirmation p').first().textContent();
    expect(confirmation).toMatch(/^\$63\.20 paid with the card ending in 4242\. Receipt LC-R-\d{6}\.$/);
    receiptNumber = /LC-R-\d{6}/.exec(confirmation ?? '')![0];
    await shot('4-paid');
  });

  it('starts learning: enrolled in the course, whose locked lesson now shows its material', async () => {
    await page.getByRole('button', { name: 'Start learning' }).click();
    await page.getByRole('heading', { level: 1, name: TITLE }).waitFor();
    expect(path()).toBe(`/courses/${SLUG}`);
    await page.getByRole('link', { name: 'Start the course' }).waitFor();
    expect(await page.getByRole('link', { name: /^Buy/ }).count()).toBe(0);

    await page.getByRole('link', { name: locked.title, exact: true }).click();
    // The page's title (the reading's own Markdown may open with the same heading).
    await page.locator('h1#lesson-title', { hasText: locked.title }).waitFor();
    expect(await page.locator('.locked-panel').count()).toBe(0);
    if (locked.kind === 'READING') await page.locator('.lesson-main .markdown').first().waitFor();
    await shot('5-unlocked-lesson');
  });

  it('finds the order in Orders, with its receipt', async () => {
    await page.getByRole('link', { name: 'Orders', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Orders' }).waitFor();
    const card = page.locator('.order-card').first();
    // The heading shows before the list has loaded: wait for the first card's facts.
    await card.locator('.facts span').first().waitFor();
    expect(await card.locator('.facts span').allTextContents()).toEqual([
      'Paid',
      '$63.20',
      expect.stringMatching(/^[A-Z][a-z]{2} \d{1,2}, \d{4}$/),
    ]);
    await card.getByRole('link', { name: /^Order LC-\d{6}$/ }).click();
    await page.getByRole('heading', { level: 1, name: /^Order LC-\d{6}$/ }).waitFor();
    const facts = await page.locator('.receipt-facts dt, .receipt-facts dd').allTextContents();
    expect(facts.slice(0, 4)).toEqual(['Receipt', receiptNumber, 'Billed to', 'grace.buyer@example.com']);
    expect(facts.slice(-2)).toEqual(['Paid with', 'Card ending in 4242']);
    expect(await page.locator('.order-summary .order-total td').textContent()).toBe('$63.20');
    await page.getByRole('button', { name: 'Print' }).waitFor();
    await shot('6-receipt');
  });

  it('requests a refund: the order is refunded and the course asks to be bought again', async () => {
    await page.getByRole('button', { name: 'Request a refund' }).click();
    await page.getByLabel('Reason').fill('Bought the wrong course.');
    await page.getByRole('button', { name: 'Confirm refund' }).click();
    await page.getByText('Refunded $63.20 on', { exact: false }).waitFor();
    expect(await page.locator('.receipt-page .order-status').textContent()).toBe('Refunded');
    expect(await page.getByRole('button', { name: 'Request a refund' }).count()).toBe(0);

    await page.goto(`/courses/${SLUG}`);
    await page.getByRole('heading', { level: 1, name: TITLE }).waitFor();
    await page.getByRole('link', { name: 'Buy for $79.00' }).waitFor();
    await shot('7-refunded');
  });

  it('logged no console errors', () => {
    expect(consoleErrors).toEqual([]);
  });
});
