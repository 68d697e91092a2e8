/**
 * An organization owner's journey in a real browser (Debian Chromium driven by playwright-core)
 * against the built web app served by a real gateway over every subgraph: the owner of the seeded
 * demo organization "Northwind Academy" opens its console, creates an API key with progress:read
 * and members:write and sees its secret exactly once (and the key works at the gateway), invites a
 * member, adds a webhook endpoint (a local receiver: loopback is allowed on embedded defaults) and
 * sees its signing secret once, and opens the members' progress report.
 *
 * Identity seeds "Northwind Academy" with Ada Typewright (ada@learncraft.dev) as its OWNER and the
 * demo learner as a MEMBER.
 */
import { mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { type Browser, type ConsoleMessage, type Page } from 'playwright-core';
import { launchChromium } from '../../../gateway/test/e2e/browser';
import { createStaticHandler } from '@learncraft/gateway';
import { ensureWebApp } from '../../../gateway/src/platform/webApp';
import { demoAccount, startPlatform, type Platform } from '../../../gateway/test/e2e/platform';

const WEB_DIR = join(__dirname, '..');
const DIST = join(WEB_DIR, 'dist');
const SCREENSHOTS = join(WEB_DIR, 'test-results');
const ORGANIZATION = 'Northwind Academy';
const OWNER_EMAIL = 'ada@learncraft.dev';
const INVITEE = 'new.hire@northwind.example';
/** The key format of the partners contract: `lck_<8 hex>_<43 base64url>`. */
const KEY_FORMAT = /^lck_([0-9a-f]{8})_[A-Za-z0-9_-]{43}$/;

jest.setTimeout(180_000);

describe('an organization owner in the browser', () => {
  let platform: Platform;
  let browser: Browser;
  let page: Page;
  let receiver: Server;
  let receiverUrl: string;
  let secret: string;
  const consoleErrors: string[] = [];

  const shot = (name: string) =>
    page.screenshot({ path: join(SCREENSHOTS, `organization-${name}.png`), fullPage: true });
  const openTab = async (name: string) => {
    await page
      .getByRole('navigation', { name: 'Console sections' })
      .getByRole('link', { name, exact: true })
      .click();
    await page.getByRole('heading', { level: 2, name }).waitFor();
  };

  beforeAll(async () => {
    if (!ensureWebApp(join(WEB_DIR, '../..'))) throw new Error('the web app did not build');
    mkdirSync(SCREENSHOTS, { recursive: true });
    receiver = createServer((request, response) => {
      request.resume();
      request.on('end', () => response.writeHead(204).end());
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/learncraft-webhooks`;
    platform = await startPlatform({ staticHandler: createStaticHandler(DIST) });
    const origin = new URL(platform.gateway.url).origin;
    browser = await launchChromium();
    const context = await browser.newContext({ baseURL: origin, viewport: { width: 1280, height: 900 } });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin });
    context.setDefaultTimeout(15_000);
    page = await context.newPage();
    page.on('console', (message: ConsoleMessage) => {
      if (message.type() === 'error') consoleErrors.push(`${message.text()} (${message.location().url})`);
    });
    page.on('pageerror', (error) => consoleErrors.push(`uncaught: ${error.message}`));
  });

  afterAll(async () => {
    await browser?.close();
    await platform?.close();
    await new Promise((resolve) => receiver?.close(resolve));
  });

  it('logs in as the owner and opens the organization from Organizations', async () => {
    const owner = demoAccount(OWNER_EMAIL);
    await page.goto('/login');
    await page.getByLabel('Email').fill(owner.email);
    await page.getByLabel('Password').fill(owner.password);
    await page.getByRole('button', { name: 'Log in', exact: true }).click();
    await page.getByText(`Welcome back, ${owner.displayName}.`, { exact: true }).waitFor();

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Organizations' }).click();
    await page.getByRole('heading', { level: 1, name: 'Organizations' }).waitFor();
    await page.getByRole('link', { name: ORGANIZATION, exact: true }).click();
    await page.getByRole('heading', { level: 1, name: ORGANIZATION }).waitFor();
    expect(
      await page.getByRole('navigation', { name: 'Console sections' }).getByRole('link').allTextContents(),
    ).toEqual(['Members', 'Invitations', 'Seats', 'Progress', 'API keys', 'Webhooks']);
    await shot('1-console');
  });

  it('creates an API key with progress:read and members:write and sees its secret once', async () => {
    await openTab('API keys');
    await page.getByLabel('Key name').fill('HR sync');
    await page.getByRole('checkbox', { name: /^progress:read/ }).check();
    await page.getByRole('checkbox', { name: /^members:write/ }).check();
    await page.getByRole('button', { name: 'Create key' }).click();

    const shown = page.getByRole('region', { name: 'Key “HR sync” created' });
    await shown.waitFor();
    secret = await shown.getByLabel('Secret').inputValue();
    const publicId = KEY_FORMAT.exec(secret)?.[1];
    expect(publicId).toMatch(/^[0-9a-f]{8}$/);
    await shown.getByText('Copy it now: you will not see it again.').waitFor();
    await shown.getByRole('button', { name: 'Copy' }).click();
    await shown.getByText('Copied to the clipboard.').waitFor();
    await shot('2-key-secret');

    await shown.getByRole('button', { name: 'I have stored it' }).click();
    const row = page.locator('table.api-keys tbody tr', { hasText: 'HR sync' });
    await row.waitFor();
    expect((await row.locator('td').allTextContents()).slice(0, 3)).toEqual([
      'HR sync',
      `lck_${publicId}`,
      'members:write, progress:read',
    ]);
    expect(await page.content()).not.toContain(secret);
    await page.reload();
    await page.getByRole('heading', { level: 2, name: 'API keys' }).waitFor();
    await page.locator('table.api-keys tbody tr', { hasText: 'HR sync' }).waitFor();
    expect(await page.content()).not.toContain(secret);
  });

  it('has a key that acts as the organization at the gateway', async () => {
    const answer = await platform.graphql<{ apiKey: { scopes: string[]; organization: { name: string } } }>(
      '{ apiKey { scopes organization { name } } }',
      {},
      secret,
    );
    expect(answer.errors).toBeUndefined();
    expect(answer.data?.apiKey.organization.name).toBe(ORGANIZATION);
    expect([...(answer.data?.apiKey.scopes ?? [])].sort()).toEqual(['MEMBERS_WRITE', 'PROGRESS_READ']);
  });

  it('invites a member, whose invitation is then pending', async () => {
    await openTab('Members');
    await page.getByLabel('Email to invite').fill(INVITEE);
    await page.locator('form.invite-form').getByLabel(/^Role/).selectOption('MEMBER');
    await page.getByRole('button', { name: 'Invite' }).click();
    await page.getByText(`Invitation sent to ${INVITEE}.`, { exact: true }).waitFor();

    await openTab('Invitations');
    const row = page.locator('tbody tr', { hasText: INVITEE });
    await row.waitFor();
    expect((await row.locator('td').allTextContents()).slice(0, 3)).toEqual([
      INVITEE,
      'Member',
      'Ada Typewright',
    ]);
    await shot('3-invitation');
  });

  it('adds a webhook endpoint and sees its signing secret once', async () => {
    await openTab('Webhooks');
    await page.getByLabel('Endpoint URL').fill(receiverUrl);
    await page.getByLabel('Description (optional)').fill('HR system');
    await page.getByRole('checkbox', { name: 'lesson.completed' }).check();
    await page.getByRole('checkbox', { name: 'course.completed' }).check();
    await page.getByRole('button', { name: 'Add endpoint' }).click();

    const shown = page.getByRole('region', { name: 'Endpoint added: its signing secret' });
    await shown.waitFor();
    const signingSecret = await shown.getByLabel('Secret').inputValue();
    expect(signingSecret).toMatch(/^whsec_/);
    await shown.getByRole('button', { name: 'I have stored it' }).click();

    const row = page.locator('table.webhook-endpoints tbody tr', { hasText: receiverUrl });
    await row.waitFor();
    expect((await row.locator('td').allTextContents()).slice(1, 3)).toEqual([
      'lesson.completed, course.completed',
      'Enabled',
    ]);
    expect(await page.content()).not.toContain(signingSecret);
    await row.getByRole('button', { name: 'Deliveries' }).click();
    await page.getByText('Nothing delivered to this endpoint yet.').waitFor();
    await shot('4-webhook');
  });

  it('has no serious or critical axe violations in any section of the console', async () => {
    const findings: Record<string, string[]> = {};
    for (const tab of ['Members', 'Invitations', 'Seats', 'Progress', 'API keys', 'Webhooks']) {
      await openTab(tab);
      await page.waitForLoadState('networkidle');
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
      if (violations.length > 0) findings[tab] = violations;
    }
    expect(findings).toEqual({});
  });

  it('opens the progress report with its filters and export', async () => {
    await openTab('Progress');
    await page.getByLabel('Course').waitFor();
    await page.getByLabel('Updated since').waitFor();
    await page.getByRole('button', { name: 'Export CSV' }).waitFor();
    await page.locator('.progress-table').or(page.getByText('No enrollments match.')).first().waitFor();
    await shot('5-progress');
    expect(consoleErrors).toEqual([]);
  });
});
