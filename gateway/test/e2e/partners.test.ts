/**
 * Issue 12's "done when", through the gateway on embedded defaults: an owner creates an
 * organization, buys seats and makes an API key; with the key, the guide's curl script
 * (docs/partners/examples/partner-journey.sh) subscribes a webhook, invites a person, enrols them
 * on a seat and reads their progress incrementally, and the local receiver gets a signed
 * `lesson.completed` when they finish a lesson. Rate-limit headers move with cost and a burst past
 * the budget gets 429 with retry-after. Then the abuse cases the issue lists, each with its code.
 */
import { execFile } from 'node:child_process';
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startPlatform, type Platform } from './platform';

const run = promisify(execFile);
const SCRIPT = join(__dirname, '../../../docs/partners/examples/partner-journey.sh');
/** Small enough to reach in a test, large enough for the journey itself. */
const KEY_POINTS_PER_MINUTE = 400;

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

let platform: Platform;
let receiver: Server;
let receiverUrl: string;
const received: Received[] = [];

beforeAll(async () => {
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks/learncraft`;
  platform = await startPlatform({
    gatewayEnv: { RATE_LIMIT_API_KEY_POINTS_PER_MINUTE: String(KEY_POINTS_PER_MINUTE) },
  });
}, 120_000);

afterAll(async () => {
  await platform?.close();
  await new Promise((resolve) => receiver?.close(resolve));
});

async function gql<T = any>(query: string, variables: Record<string, unknown>, token: string): Promise<T> {
  const result = await platform.graphql<T>(query, variables, token);
  if (result.errors) throw new Error(JSON.stringify(result.errors));
  return result.data as T;
}

/** Runs one command of the guide's script with the key; stdout as JSON lines, stderr's headers. */
async function script(key: string, ...args: string[]) {
  const { stdout, stderr } = await run('bash', [SCRIPT, ...args], {
    env: { ...process.env, LEARNCRAFT_API_KEY: key, LEARNCRAFT_URL: platform.gateway.url },
    timeout: 60_000,
  }).catch((error: { stdout?: string; stderr?: string }) => {
    throw new Error(`partner-journey.sh ${args.join(' ')} failed:\n${error.stdout}\n${error.stderr}`);
  });
  const lines = stdout
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, any>);
  const remaining = [...stderr.matchAll(/x-ratelimit-remaining: (\d+)/gi)].map((match) => Number(match[1]));
  return { lines, remaining };
}

async function register(name: string): Promise<{ id: string; email: string; token: string }> {
  const email = `${name}-${randomBytes(4).toString('hex')}@example.com`;
  const result = await platform.graphql<any>(
    `mutation ($input: UserRegisterInput!) { userRegister(input: $input) { user { id } session { accessToken } userErrors { code } } }`,
    { input: { email, password: 'correct horse battery staple', displayName: name } },
  );
  const { user, session, userErrors } = result.data!.userRegister;
  expect(userErrors).toEqual([]);
  return { id: user.id, email, token: session.accessToken };
}

async function createKey(ownerToken: string, organizationId: string, scopes: string[]): Promise<string> {
  const { apiKeyCreate } = await gql(
    `mutation ($input: ApiKeyCreateInput!) { apiKeyCreate(input: $input) { secret apiKey { id prefix scopes } userErrors { code } } }`,
    { input: { organizationId, name: `key ${scopes.join(' ')}`, scopes } },
    ownerToken,
  );
  expect(apiKeyCreate.userErrors).toEqual([]);
  expect(apiKeyCreate.secret.startsWith(`${apiKeyCreate.apiKey.prefix}_`)).toBe(true);
  return apiKeyCreate.secret as string;
}

/** The invitation token from the mail identity's file mailer wrote to `email`. */
async function invitationToken(email: string): Promise<string> {
  const dir = join(platform.dataDir, 'mail');
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const files = (await readdir(dir).catch(() => [] as string[])).filter((file) => file.includes(email));
    for (const file of files) {
      const match = /\/invitations\/([A-Za-z0-9_-]+)/.exec(await readFile(join(dir, file), 'utf8'));
      if (match?.[1]) return match[1];
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`no invitation mail for ${email}`);
}

async function waitForWebhook(type: string, userId: string): Promise<Received> {
  for (let attempt = 0; attempt < 150; attempt += 1) {
    const hit = received.find((request) => {
      const body = JSON.parse(request.body) as { type: string; data: { user: { id: string } } };
      return body.type === type && body.data.user.id === userId;
    });
    if (hit) return hit;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`no ${type} webhook for ${userId}`);
}

/** Verifies `learncraft-signature` as the webhooks guide tells receivers to. */
function signatureValid(request: Received, secret: string, now = Date.now()): boolean {
  const header = String(request.headers['learncraft-signature'] ?? '');
  const parts = Object.fromEntries(header.split(',').map((part) => part.split('=') as [string, string]));
  const timestamp = Number(parts.t);
  if (!Number.isInteger(timestamp) || Math.abs(now / 1000 - timestamp) > 300) return false;
  const expected = createHmac('sha256', secret).update(`${parts.t}.${request.body}`).digest();
  const given = Buffer.from(parts.v1 ?? '', 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

describe("a partner's integration, as the guide's curl script does it", () => {
  let owner: { id: string; email: string; token: string };
  let organizationId: string;
  let key: string;
  let signingSecret: string;
  let member: { id: string; email: string; token: string };
  let course: { id: string; lessonId: string };

  it('an owner creates an organization, buys five seats and an API key', async () => {
    owner = await register('owner');
    const { organizationCreate } = await gql(
      `mutation { organizationCreate(input: { name: "Globex Training" }) { organization { id name viewerRole memberCount } userErrors { code } } }`,
      {},
      owner.token,
    );
    expect(organizationCreate).toMatchObject({
      organization: { name: 'Globex Training', viewerRole: 'OWNER', memberCount: 1 },
      userErrors: [],
    });
    organizationId = organizationCreate.organization.id;

    const { plans } = await gql('{ plans { id perSeat price { amount currency } } }', {}, owner.token);
    const team = plans.find((plan: { perSeat: boolean }) => plan.perSeat);
    const { checkoutCreate } = await gql(
      `mutation ($input: CheckoutCreateInput!) { checkoutCreate(input: $input) { order { status total { amount currency } } userErrors { code message } } }`,
      {
        input: {
          items: [{ planId: team.id, seats: 5 }],
          organizationId,
          payment: {
            testCard: { number: '4242 4242 4242 4242', expiryMonth: 12, expiryYear: 2030, cvc: '123' },
          },
          idempotencyKey: randomBytes(8).toString('hex'),
        },
      },
      owner.token,
    );
    expect(checkoutCreate).toEqual({
      order: { status: 'PAID', total: { amount: team.price.amount * 5, currency: team.price.currency } },
      userErrors: [],
    });
    key = await createKey(owner.token, organizationId, [
      'MEMBERS_READ',
      'MEMBERS_WRITE',
      'ENROLLMENTS_WRITE',
      'PROGRESS_READ',
      'WEBHOOKS_WRITE',
    ]);

    const { lines } = await script(key, 'organization');
    expect(lines).toEqual([
      {
        organization: { id: organizationId, name: 'Globex Training', memberCount: 1 },
        key: 'key MEMBERS_READ MEMBERS_WRITE ENROLLMENTS_WRITE PROGRESS_READ WEBHOOKS_WRITE',
        scopes: ['MEMBERS_READ', 'MEMBERS_WRITE', 'ENROLLMENTS_WRITE', 'PROGRESS_READ', 'WEBHOOKS_WRITE'],
      },
    ]);
  }, 60_000);

  it('the script subscribes a webhook, invites a person who accepts, and enrols them on a seat', async () => {
    const webhook = await script(key, 'webhook', receiverUrl);
    expect(webhook.lines).toEqual([
      { endpoint: expect.any(String), url: receiverUrl, signingSecret: expect.stringMatching(/^whsec_/) },
    ]);
    signingSecret = webhook.lines[0]!.signingSecret;

    member = await register('member');
    const invited = await script(key, 'invite', member.email);
    expect(invited.lines).toEqual([
      {
        id: expect.any(String),
        email: member.email,
        role: 'MEMBER',
        status: 'PENDING',
        expiresAt: expect.any(String),
      },
    ]);
    const { organizationInvitationAccept } = await gql(
      `mutation ($token: String!) { organizationInvitationAccept(input: { token: $token }) { member { role organization { id } } userErrors { code } } }`,
      { token: await invitationToken(member.email) },
      member.token,
    );
    expect(organizationInvitationAccept).toEqual({
      member: { role: 'MEMBER', organization: { id: organizationId } },
      userErrors: [],
    });
    const members = await script(key, 'members');
    expect(members.lines.map((line) => [line.email, line.role])).toEqual([
      [owner.email, 'OWNER'],
      [member.email, 'MEMBER'],
    ]);

    // A paid course: the seat, not a purchase, lets the member learn it.
    const { course: paid } = await gql(
      `{ course(slug: "advanced-typescript-types") { id price { amount } modules { lessons { id kind } } } }`,
      {},
      member.token,
    );
    expect(paid.price.amount).toBeGreaterThan(0);
    course = {
      id: paid.id,
      lessonId: paid.modules.flatMap((module: any) => module.lessons).find((l: any) => l.kind === 'READING')
        .id,
    };
    const enrolled = await script(key, 'enroll', member.id, course.id);
    expect(enrolled.lines).toEqual([
      {
        id: expect.any(String),
        progressPercent: 0,
        course: { id: course.id, title: 'Advanced TypeScript Types' },
      },
    ]);
    const { course: access } = await gql(
      `query ($id: ID!) { course(id: $id) { viewerAccess { hasAccess reason } } }`,
      { id: course.id },
      member.token,
    );
    expect(access.viewerAccess).toEqual({ hasAccess: true, reason: 'ORGANIZATION_SEAT' });
    const enrolledHook = await waitForWebhook('member.enrolled', member.id);
    expect(signatureValid(enrolledHook, signingSecret)).toBe(true);
  }, 90_000);

  it('reads progress incrementally and receives a signed lesson.completed when the member finishes a lesson', async () => {
    const first = await script(key, 'progress');
    const mine = first.lines.filter((line) => line.userId === member.id);
    expect(mine).toEqual([
      expect.objectContaining({
        email: member.email,
        course: 'Advanced TypeScript Types',
        progressPercent: 0,
        completedLessons: [],
      }),
    ]);
    const since = first.lines.at(-1)!.nextUpdatedSince as string;
    expect(typeof since).toBe('string');

    await new Promise((resolve) => setTimeout(resolve, 20)); // a later instant than `since`
    const { lessonComplete } = await gql(
      `mutation ($id: ID!) { lessonComplete(input: { lessonId: $id }) { userErrors { code } } }`,
      { id: course.lessonId },
      member.token,
    );
    expect(lessonComplete.userErrors).toEqual([]);

    const hook = await waitForWebhook('lesson.completed', member.id);
    const body = JSON.parse(hook.body);
    expect(body).toMatchObject({
      type: 'lesson.completed',
      organization: { id: organizationId },
      data: {
        user: { id: member.id, email: member.email },
        course: { id: course.id },
        lesson: { id: course.lessonId },
      },
    });
    expect(hook.headers['learncraft-event-id']).toBe(body.id);
    expect(hook.headers['learncraft-event-type']).toBe('lesson.completed');
    expect(signatureValid(hook, signingSecret)).toBe(true);
    expect(
      signatureValid(
        { ...hook, body: hook.body.replace('lesson.completed', 'lesson.completeD') },
        signingSecret,
      ),
    ).toBe(false);
    expect(signatureValid(hook, signingSecret, Date.now() + 10 * 60_000)).toBe(false); // a replay, later

    const next = await script(key, 'progress', since);
    const changed = next.lines.filter((line) => line.userId === member.id);
    expect(changed).toHaveLength(1);
    expect(changed[0]!.completedLessons).toEqual([course.lessonId]);
    expect(changed[0]!.progressPercent).toBeGreaterThan(0);
    expect(next.lines.filter((line) => line.userId === owner.id)).toEqual([]);
  }, 60_000);

  it('the rate-limit headers move with cost, and a burst past the budget gets 429 with retry-after', async () => {
    const { remaining } = await script(key, 'members');
    expect(remaining).toHaveLength(2); // the script shows the figures of each of its requests
    expect(remaining[1]).toBeLessThan(remaining[0]!);
    const used = async (query: string) => {
      const response = await fetch(platform.gateway.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
        body: JSON.stringify({ query, variables: { id: organizationId } }),
      });
      await response.arrayBuffer();
      return Number(response.headers.get('x-ratelimit-used'));
    };
    const lookup = 'query ($id: ID!) { organization(id: $id) { id } }';
    const pages = `query ($id: ID!) { organization(id: $id) { enrollments(first: 20) {
      edges { node { id lessons { status } quizAttempts { id } } } } } }`;
    const before = await used(lookup);
    const afterLookup = await used(lookup);
    const afterPages = await used(pages);
    expect(afterLookup - before).toBe(1);
    expect(afterPages - afterLookup).toBeGreaterThan(1);

    const burstKey = await createKey(owner.token, organizationId, ['PROGRESS_READ']);
    let refused: Response | undefined;
    for (let request = 0; request < KEY_POINTS_PER_MINUTE + 10 && !refused; request += 1) {
      const response = await fetch(platform.gateway.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${burstKey}` },
        body: JSON.stringify({
          query: `query ($id: ID!) { organization(id: $id) { enrollments(first: 100) { totalCount } } }`,
          variables: { id: organizationId },
        }),
      });
      if (response.status === 429) refused = response;
      else await response.arrayBuffer();
    }
    expect(refused?.status).toBe(429);
    expect(Number(refused!.headers.get('retry-after'))).toBeGreaterThan(0);
    const body = (await refused!.json()) as { errors: { extensions: { code: string } }[] };
    expect(body.errors[0]!.extensions.code).toBe('RATE_LIMITED');
    // The other key's budget is its own.
    expect(await used(lookup)).toBeGreaterThan(afterPages);
  }, 120_000);
});

describe('what partners may not do', () => {
  let owner: { id: string; token: string };
  let organizationId: string;

  beforeAll(async () => {
    owner = await register('abuse-owner');
    const { organizationCreate } = await gql(
      `mutation { organizationCreate(input: { name: "Initech" }) { organization { id } } }`,
      {},
      owner.token,
    );
    organizationId = organizationCreate.organization.id;
  });

  const asKey = (key: string, query: string, variables: Record<string, unknown> = {}) =>
    fetch(platform.gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify({ query, variables }),
    }).then(async (response) => ({ status: response.status, body: (await response.json()) as any }));

  it('a malformed or unknown key is refused with 401 UNAUTHENTICATED', async () => {
    for (const key of ['lck_nothex_short', `lck_00000000_${'A'.repeat(43)}`]) {
      const { status, body } = await asKey(key, '{ apiKey { id } }');
      expect([status, body.errors[0].extensions.code]).toEqual([401, 'UNAUTHENTICATED']);
    }
  });

  it('a key beyond its scopes is FORBIDDEN, naming the scope, and changes nothing', async () => {
    const key = await createKey(owner.token, organizationId, ['PROGRESS_READ']);
    const { body } = await asKey(
      key,
      `mutation ($org: ID!) { organizationMemberInvite(input: { organizationId: $org, email: "x@example.com" }) { invitation { id } } }`,
      { org: organizationId },
    );
    expect(body.errors[0].extensions).toMatchObject({ code: 'FORBIDDEN', requiredScope: 'members:write' });
    const { organization } = await gql(
      `query ($id: ID!) { organization(id: $id) { invitations(first: 10) { totalCount } } }`,
      { id: organizationId },
      owner.token,
    );
    expect(organization.invitations.totalCount).toBe(0);
  });

  it("a key of organization A cannot read B's members' progress", async () => {
    const other = await register('other-owner');
    const { organizationCreate } = await gql(
      `mutation { organizationCreate(input: { name: "Umbrella" }) { organization { id } } }`,
      {},
      other.token,
    );
    const otherKey = await createKey(other.token, organizationCreate.organization.id, ['PROGRESS_READ']);
    const { body } = await asKey(
      otherKey,
      `query ($id: ID!) { organization(id: $id) { enrollments(first: 10) { totalCount } } }`,
      { id: organizationId },
    );
    expect(body.errors[0].extensions.code).toBe('FORBIDDEN');
    expect(body.data?.organization?.enrollments ?? null).toBeNull();
  });

  it('a revoked key stops working within seconds', async () => {
    const key = await createKey(owner.token, organizationId, ['MEMBERS_READ']);
    expect((await asKey(key, '{ apiKey { id } }')).status).toBe(200);
    const { apiKey } = (await asKey(key, '{ apiKey { id } }')).body.data;
    const { apiKeyRevoke } = await gql(
      `mutation ($id: ID!) { apiKeyRevoke(input: { apiKeyId: $id }) { apiKey { revokedAt } userErrors { code } } }`,
      { id: apiKey.id },
      owner.token,
    );
    expect(apiKeyRevoke.userErrors).toEqual([]);
    let status = 200;
    for (let attempt = 0; attempt < 100 && status === 200; attempt += 1) {
      status = (await asKey(key, '{ apiKey { id } }')).status;
      if (status === 200) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(status).toBe(401);
  });

  it('enrolling beyond the seats is refused with SEATS_EXHAUSTED or NO_SEATS and enrols nobody', async () => {
    const key = await createKey(owner.token, organizationId, ['ENROLLMENTS_WRITE', 'PROGRESS_READ']);
    const { course } = await gql(`{ course(slug: "advanced-typescript-types") { id } }`, {}, owner.token);
    const { body } = await asKey(
      key,
      `mutation ($input: OrganizationMemberEnrollInput!) { organizationMemberEnroll(input: $input) { enrollment { id } userErrors { code } } }`,
      { input: { organizationId, userId: owner.id, courseId: course.id } },
    );
    expect(body.data.organizationMemberEnroll).toEqual({
      enrollment: null,
      userErrors: [{ code: 'NO_SEATS' }],
    });
    const progress = await asKey(
      key,
      `query ($id: ID!) { organization(id: $id) { enrollments(first: 10) { totalCount } } }`,
      {
        id: organizationId,
      },
    );
    expect(progress.body.data.organization.enrollments.totalCount).toBe(0);
  });

  it('a webhook URL that is not http(s) is refused with INVALID_URL', async () => {
    // The e2e platform allows local receivers (embedded defaults); identity's tests cover private addresses.
    const key = await createKey(owner.token, organizationId, ['WEBHOOKS_WRITE']);
    const { body } = await asKey(
      key,
      `mutation ($input: WebhookEndpointCreateInput!) { webhookEndpointCreate(input: $input) { endpoint { id } userErrors { code } } }`,
      { input: { organizationId, url: 'ftp://127.0.0.1/hooks', events: ['LESSON_COMPLETED'] } },
    );
    expect(body.data.webhookEndpointCreate).toEqual({
      endpoint: null,
      userErrors: [{ code: 'INVALID_URL' }],
    });
  });
});
