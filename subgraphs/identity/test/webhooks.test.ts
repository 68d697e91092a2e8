/**
 * Webhook endpoints through GraphQL (real HTTP, PGlite): creation with the signing secret shown
 * once, validation codes, SSRF refusals, authorization of owners and API keys, and the consumer of
 * progress's learning events queueing one delivery per (endpoint, event).
 */
import { randomUUID } from 'node:crypto';
import {
  CREATE_ENDPOINT,
  DELETE_ENDPOINT,
  ENDPOINTS,
  REDELIVER,
  UPDATE_ENDPOINT,
  learningEvent,
  organizationRef,
  startWebhookHarness,
  type WebhookHarness,
} from './webhooksHarness';

jest.setTimeout(60_000);

const RECEIVER = 'http://127.0.0.1:9/hooks';

async function owner(h: WebhookHarness) {
  const person = await h.person();
  const organizationId = randomUUID();
  await h.organizations.add(organizationId, person.id, 'OWNER');
  return { ...person, organizationId };
}

async function create(h: WebhookHarness, token: string, input: Record<string, unknown>) {
  const response = await h.gql(CREATE_ENDPOINT, { input }, token);
  return response.body;
}

async function endpointsOf(h: WebhookHarness, organizationId: string, token: string) {
  const response = await h.gql(ENDPOINTS, organizationRef(organizationId), token);
  return response.body;
}

describe('webhook endpoints', () => {
  let h: WebhookHarness;
  beforeAll(async () => {
    h = await startWebhookHarness();
  });
  afterAll(() => h.dispose());

  test('an owner creates an endpoint and is shown its whsec_ signing secret once, stored only encrypted', async () => {
    const me = await owner(h);
    const body = await create(h, me.token, {
      organizationId: me.organizationId,
      url: RECEIVER,
      events: ['LESSON_COMPLETED', 'COURSE_COMPLETED'],
      description: '  HR sync  ',
    });
    const payload = body.data?.webhookEndpointCreate;
    expect(payload.userErrors).toEqual([]);
    expect(payload.signingSecret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    expect(payload.endpoint).toEqual({
      id: expect.any(String),
      url: RECEIVER,
      description: 'HR sync',
      events: ['LESSON_COMPLETED', 'COURSE_COMPLETED'],
      enabled: true,
      createdAt: expect.any(String),
      organization: { id: me.organizationId },
    });
    const [row] = await h.database.db.query<{ secret_encrypted: string }>(
      'SELECT secret_encrypted FROM identity.webhook_endpoints WHERE id = $1',
      [payload.endpoint.id],
    );
    expect(row!.secret_encrypted.startsWith('v1.')).toBe(true);
    expect(row!.secret_encrypted).not.toContain(payload.signingSecret.slice(6));
    const listed = await endpointsOf(h, me.organizationId, me.token);
    expect(listed.data?._entities[0].webhookEndpoints).toEqual({
      totalCount: 1,
      edges: [
        {
          node: {
            id: payload.endpoint.id,
            url: RECEIVER,
            description: 'HR sync',
            events: ['LESSON_COMPLETED', 'COURSE_COMPLETED'],
            enabled: true,
            deliveries: { totalCount: 0, edges: [] },
          },
        },
      ],
    });
  });

  test.each([
    ['not a URL', 'INVALID_URL', 'hooks'],
    ['an ftp URL', 'INVALID_URL', 'ftp://example.com/hooks'],
    ['a URL with credentials', 'INVALID_URL', 'https://user:pass@example.com/hooks'],
    ['a URL over 2000 characters', 'INVALID_URL', `https://example.com/${'a'.repeat(2000)}`],
  ])('creating an endpoint with %s is refused with %s and creates nothing', async (_name, code, url) => {
    const me = await owner(h);
    const body = await create(h, me.token, {
      organizationId: me.organizationId,
      url,
      events: ['LAB_PASSED'],
    });
    expect(body.data?.webhookEndpointCreate).toEqual({
      endpoint: null,
      signingSecret: null,
      userErrors: [{ code, message: expect.any(String), field: ['input', 'url'] }],
    });
    expect(
      (await endpointsOf(h, me.organizationId, me.token)).data?._entities[0].webhookEndpoints.totalCount,
    ).toBe(0);
  });

  test.each([
    ['no events', 'INVALID_EVENTS', [], 'events'],
    ['a repeated event', 'INVALID_EVENTS', ['LAB_PASSED', 'LAB_PASSED'], 'events'],
    [
      'five events',
      'INVALID_EVENTS',
      ['LAB_PASSED', 'LESSON_COMPLETED', 'COURSE_COMPLETED', 'MEMBER_ENROLLED', 'LAB_PASSED'],
      'events',
    ],
  ])('creating an endpoint with %s is refused with %s', async (_name, code, events, field) => {
    const me = await owner(h);
    const body = await create(h, me.token, { organizationId: me.organizationId, url: RECEIVER, events });
    expect(body.data?.webhookEndpointCreate.userErrors).toEqual([
      { code, message: 'Choose 1 to 4 different events.', field: ['input', field] },
    ]);
  });

  test.each([
    ['201 characters', 'd'.repeat(201)],
    ['a line break', 'line one\nline two'],
  ])('a description with %s is refused with INVALID_DESCRIPTION', async (_name, description) => {
    const me = await owner(h);
    const body = await create(h, me.token, {
      organizationId: me.organizationId,
      url: RECEIVER,
      events: ['LAB_PASSED'],
      description,
    });
    expect(body.data?.webhookEndpointCreate.userErrors).toEqual([
      { code: 'INVALID_DESCRIPTION', message: expect.any(String), field: ['input', 'description'] },
    ]);
  });

  test('the eleventh endpoint of an organization is refused with TOO_MANY_ENDPOINTS', async () => {
    const me = await owner(h);
    for (let index = 0; index < 10; index += 1) {
      const body = await create(h, me.token, {
        organizationId: me.organizationId,
        url: RECEIVER,
        events: ['LAB_PASSED'],
      });
      expect(body.data?.webhookEndpointCreate.userErrors).toEqual([]);
    }
    const body = await create(h, me.token, {
      organizationId: me.organizationId,
      url: RECEIVER,
      events: ['LAB_PASSED'],
    });
    expect(body.data?.webhookEndpointCreate).toEqual({
      endpoint: null,
      signingSecret: null,
      userErrors: [
        {
          code: 'TOO_MANY_ENDPOINTS',
          message: 'An organization can have at most 10 webhook endpoints.',
          field: ['input', 'organizationId'],
        },
      ],
    });
    expect(
      (await endpointsOf(h, me.organizationId, me.token)).data?._entities[0].webhookEndpoints.totalCount,
    ).toBe(10);
  });

  test('an owner changes, pauses and deletes an endpoint; a refused change changes nothing', async () => {
    const me = await owner(h);
    const created = await create(h, me.token, {
      organizationId: me.organizationId,
      url: RECEIVER,
      events: ['LAB_PASSED'],
    });
    const endpointId = created.data?.webhookEndpointCreate.endpoint.id;
    const refused = await h.gql(
      UPDATE_ENDPOINT,
      { input: { endpointId, url: 'nope', enabled: false } },
      me.token,
    );
    expect(refused.body.data?.webhookEndpointUpdate.userErrors.map((e: { code: string }) => e.code)).toEqual([
      'INVALID_URL',
    ]);
    const changed = await h.gql(
      UPDATE_ENDPOINT,
      { input: { endpointId, events: ['MEMBER_ENROLLED'], description: 'LMS', enabled: false } },
      me.token,
    );
    expect(changed.body.data?.webhookEndpointUpdate).toEqual({
      endpoint: {
        id: endpointId,
        url: RECEIVER,
        description: 'LMS',
        events: ['MEMBER_ENROLLED'],
        enabled: false,
      },
      userErrors: [],
    });
    const deleted = await h.gql(DELETE_ENDPOINT, { input: { endpointId } }, me.token);
    expect(deleted.body.data?.webhookEndpointDelete).toEqual({
      deletedEndpointId: endpointId,
      userErrors: [],
    });
    expect(
      (await endpointsOf(h, me.organizationId, me.token)).data?._entities[0].webhookEndpoints.totalCount,
    ).toBe(0);
    const again = await h.gql(DELETE_ENDPOINT, { input: { endpointId } }, me.token);
    expect(again.body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });
});

describe('webhook authorization', () => {
  let h: WebhookHarness;
  let me: Awaited<ReturnType<typeof owner>>;
  let endpointId: string;
  beforeAll(async () => {
    h = await startWebhookHarness();
    me = await owner(h);
    const created = await create(h, me.token, {
      organizationId: me.organizationId,
      url: RECEIVER,
      events: ['LAB_PASSED'],
    });
    endpointId = created.data?.webhookEndpointCreate.endpoint.id;
  });
  afterAll(() => h.dispose());

  const input = () => ({ organizationId: me.organizationId, url: RECEIVER, events: ['LAB_PASSED'] });

  test('one endpoint by id: its owner and keys with webhooks:read see it, a MEMBER is FORBIDDEN, an unknown id is null', async () => {
    const ONE =
      'query ($id: ID!) { webhookEndpoint(id: $id) { id url deliveries(first: 5) { totalCount } } }';
    expect((await h.gql(ONE, { id: endpointId }, me.token)).body).toEqual({
      data: { webhookEndpoint: { id: endpointId, url: RECEIVER, deliveries: { totalCount: 0 } } },
    });
    const reader = await h.apiKeyToken(me.organizationId, ['webhooks:read']);
    expect((await h.gql(ONE, { id: endpointId }, reader)).body.data?.webhookEndpoint?.id).toBe(endpointId);
    const member = await h.person();
    await h.organizations.add(me.organizationId, member.id, 'MEMBER');
    expect((await h.gql(ONE, { id: endpointId }, member.token)).body.errors?.[0]?.extensions?.code).toBe(
      'FORBIDDEN',
    );
    const outsider = await h.apiKeyToken(randomUUID(), ['webhooks:read']);
    expect((await h.gql(ONE, { id: endpointId }, outsider)).body.errors?.[0]?.extensions?.code).toBe(
      'FORBIDDEN',
    );
    for (const id of [randomUUID(), 'not-a-uuid'])
      expect((await h.gql(ONE, { id }, me.token)).body).toEqual({ data: { webhookEndpoint: null } });
  });

  test.each(['MANAGER', 'MEMBER'] as const)(
    'a %s of the organization is FORBIDDEN to create, list or change endpoints',
    async (role) => {
      const other = await h.person();
      await h.organizations.add(me.organizationId, other.id, role);
      expect(
        (await h.gql(CREATE_ENDPOINT, { input: input() }, other.token)).body.errors?.[0]?.extensions?.code,
      ).toBe('FORBIDDEN');
      expect((await endpointsOf(h, me.organizationId, other.token)).errors?.[0]?.extensions?.code).toBe(
        'FORBIDDEN',
      );
      const update = await h.gql(UPDATE_ENDPOINT, { input: { endpointId, enabled: false } }, other.token);
      expect(update.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      const del = await h.gql(DELETE_ENDPOINT, { input: { endpointId } }, other.token);
      expect(del.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    },
  );

  test('someone outside the organization is FORBIDDEN and an anonymous caller UNAUTHENTICATED', async () => {
    const stranger = await h.person();
    expect(
      (await h.gql(CREATE_ENDPOINT, { input: input() }, stranger.token)).body.errors?.[0]?.extensions?.code,
    ).toBe('FORBIDDEN');
    expect((await h.gql(CREATE_ENDPOINT, { input: input() })).body.errors?.[0]?.extensions?.code).toBe(
      'UNAUTHENTICATED',
    );
    expect((await h.gql(DELETE_ENDPOINT, { input: { endpointId } })).body.errors?.[0]?.extensions?.code).toBe(
      'UNAUTHENTICATED',
    );
  });

  test('an owner who left the organization is FORBIDDEN', async () => {
    const former = await h.person();
    await h.organizations.add(me.organizationId, former.id, 'OWNER');
    await h.organizations.remove(me.organizationId, former.id);
    expect((await endpointsOf(h, me.organizationId, former.token)).errors?.[0]?.extensions?.code).toBe(
      'FORBIDDEN',
    );
  });

  test('a key with webhooks:write creates an endpoint of its organization', async () => {
    const token = await h.apiKeyToken(me.organizationId, ['webhooks:write']);
    const body = await create(h, token, input());
    expect(body.data?.webhookEndpointCreate.userErrors).toEqual([]);
    expect(body.data?.webhookEndpointCreate.signingSecret).toMatch(/^whsec_/);
  });

  test('a key with only webhooks:read lists endpoints but is FORBIDDEN to create, change or redeliver', async () => {
    const token = await h.apiKeyToken(me.organizationId, ['webhooks:read']);
    const listed = await endpointsOf(h, me.organizationId, token);
    expect(listed.data?._entities[0].webhookEndpoints.totalCount).toBeGreaterThanOrEqual(1);
    const created = await h.gql(CREATE_ENDPOINT, { input: input() }, token);
    expect(created.body.errors?.[0]?.extensions).toMatchObject({
      code: 'FORBIDDEN',
      requiredScope: 'webhooks:write',
    });
    const updated = await h.gql(UPDATE_ENDPOINT, { input: { endpointId, enabled: false } }, token);
    expect(updated.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  test('a key without webhooks:read is FORBIDDEN to list endpoints', async () => {
    const token = await h.apiKeyToken(me.organizationId, ['members:read', 'webhooks:write']);
    const listed = await endpointsOf(h, me.organizationId, token);
    expect(listed.errors?.[0]?.extensions).toMatchObject({
      code: 'FORBIDDEN',
      requiredScope: 'webhooks:read',
    });
  });

  test("a key of another organization is FORBIDDEN on this organization's endpoints", async () => {
    const token = await h.apiKeyToken(randomUUID(), ['webhooks:read', 'webhooks:write']);
    expect((await endpointsOf(h, me.organizationId, token)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await h.gql(CREATE_ENDPOINT, { input: input() }, token)).body.errors?.[0]?.extensions?.code).toBe(
      'FORBIDDEN',
    );
    const del = await h.gql(DELETE_ENDPOINT, { input: { endpointId } }, token);
    expect(del.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const redeliver = await h.gql(REDELIVER, { input: { deliveryId: randomUUID() } }, token);
    expect(redeliver.body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });
});

describe('webhook URLs when private addresses are not allowed (production)', () => {
  let h: WebhookHarness;
  let me: Awaited<ReturnType<typeof owner>>;
  beforeAll(async () => {
    h = await startWebhookHarness({ env: { WEBHOOK_ALLOW_PRIVATE_URLS: 'false' } });
    me = await owner(h);
    h.resolver.names.set('hooks.partner.example', '93.184.215.14');
    h.resolver.names.set('internal.partner.example', '10.1.2.3');
    h.resolver.names.set('metadata.partner.example', 'fd00::1');
  });
  afterAll(() => h.dispose());

  test.each([
    ['http', 'http://hooks.partner.example/hooks'],
    ['loopback', 'https://127.0.0.1/hooks'],
    ['loopback in another spelling', 'https://2130706433/hooks'],
    ['private 10.x', 'https://10.0.0.5/hooks'],
    ['private 192.168.x', 'https://192.168.1.20/hooks'],
    ['CGNAT', 'https://100.64.0.1/hooks'],
    ['the metadata service', 'https://169.254.169.254/latest/meta-data'],
    ['0.0.0.0', 'https://0.0.0.0/hooks'],
    ['multicast', 'https://224.0.0.1/hooks'],
    ['IPv6 loopback', 'https://[::1]/hooks'],
    ['IPv6 unspecified', 'https://[::]/hooks'],
    ['IPv6 link-local', 'https://[fe80::1]/hooks'],
    ['IPv6 unique-local', 'https://[fd12:3456::1]/hooks'],
    ['IPv4-mapped loopback', 'https://[::ffff:127.0.0.1]/hooks'],
    ['localhost (resolves to loopback)', 'https://localhost/hooks'],
    ['a name resolving to a private address', 'https://internal.partner.example/hooks'],
    ['a name resolving to a unique-local address', 'https://metadata.partner.example/hooks'],
  ])('an endpoint URL at %s is refused with URL_NOT_ALLOWED', async (_name, url) => {
    const body = await create(h, me.token, {
      organizationId: me.organizationId,
      url,
      events: ['LAB_PASSED'],
    });
    expect(body.data?.webhookEndpointCreate).toEqual({
      endpoint: null,
      signingSecret: null,
      userErrors: [{ code: 'URL_NOT_ALLOWED', message: expect.any(String), field: ['input', 'url'] }],
    });
  });

  test('an https URL of a public host is accepted, and changing it to a private one is refused', async () => {
    const created = await create(h, me.token, {
      organizationId: me.organizationId,
      url: 'https://hooks.partner.example/hooks',
      events: ['LAB_PASSED'],
    });
    const endpoint = created.data?.webhookEndpointCreate.endpoint;
    expect(endpoint.url).toBe('https://hooks.partner.example/hooks');
    const refused = await h.gql(
      UPDATE_ENDPOINT,
      { input: { endpointId: endpoint.id, url: 'https://169.254.169.254/' } },
      me.token,
    );
    expect(refused.body.data?.webhookEndpointUpdate.userErrors.map((e: { code: string }) => e.code)).toEqual([
      'URL_NOT_ALLOWED',
    ]);
    const listed = await endpointsOf(h, me.organizationId, me.token);
    expect(listed.data?._entities[0].webhookEndpoints.edges[0].node.url).toBe(
      'https://hooks.partner.example/hooks',
    );
  });
});

describe('queueing deliveries from learning events', () => {
  let h: WebhookHarness;
  beforeAll(async () => {
    h = await startWebhookHarness();
  });
  afterAll(() => h.dispose());

  async function deliveriesOf(organizationId: string, token: string) {
    const body = await endpointsOf(h, organizationId, token);
    return body.data?._entities[0].webhookEndpoints.edges.map(
      (edge: { node: { id: string; deliveries: { edges: { node: unknown }[] } } }) => ({
        endpointId: edge.node.id,
        deliveries: edge.node.deliveries.edges.map((d) => d.node),
      }),
    );
  }

  test("a member's lesson completion is queued once per subscribed, enabled endpoint of each of their organizations", async () => {
    const me = await owner(h);
    const second = await owner(h);
    const learner = await h.person();
    await h.organizations.add(me.organizationId, learner.id, 'MEMBER');
    await h.organizations.add(second.organizationId, learner.id, 'MANAGER');
    const make = async (who: typeof me, events: string[]) =>
      (await create(h, who.token, { organizationId: who.organizationId, url: RECEIVER, events })).data
        ?.webhookEndpointCreate.endpoint.id as string;
    const subscribed = await make(me, ['LESSON_COMPLETED']);
    const other = await make(me, ['COURSE_COMPLETED']);
    const paused = await make(me, ['LESSON_COMPLETED']);
    await h.gql(UPDATE_ENDPOINT, { input: { endpointId: paused, enabled: false } }, me.token);
    const secondOrg = await make(second, ['LESSON_COMPLETED', 'LAB_PASSED']);
    const eventId = randomUUID();
    await h.publish(eventId, learningEvent({ userId: learner.id }));

    const mine = await deliveriesOf(me.organizationId, me.token);
    const byEndpoint = Object.fromEntries(
      mine.map((e: { endpointId: string; deliveries: unknown[] }) => [e.endpointId, e.deliveries]),
    );
    expect(byEndpoint[other]).toEqual([]);
    expect(byEndpoint[paused]).toEqual([]);
    expect(byEndpoint[subscribed]).toEqual([
      {
        id: expect.any(String),
        eventId,
        eventType: 'LESSON_COMPLETED',
        payload: JSON.stringify({
          id: eventId,
          type: 'lesson.completed',
          createdAt: '2026-12-01T10:00:00.000Z',
          organization: { id: me.organizationId },
          data: {
            user: { id: learner.id, email: learner.email, displayName: learner.displayName },
            course: { id: 'course-1' },
            lesson: { id: 'lesson-1' },
            enrollment: { id: 'enrollment-1', progressPercent: 40 },
          },
        }),
        status: 'PENDING',
        nextAttemptAt: expect.any(String),
        createdAt: '2026-12-01T10:00:00.000Z',
        endpoint: { id: subscribed },
        attempts: [],
      },
    ]);
    const theirs = await deliveriesOf(second.organizationId, second.token);
    expect(theirs).toEqual([
      { endpointId: secondOrg, deliveries: [expect.objectContaining({ eventId, status: 'PENDING' })] },
    ]);
    expect(JSON.parse(theirs[0].deliveries[0].payload).organization).toEqual({ id: second.organizationId });
  });

  test('the same event delivered twice by the bus queues one delivery (idempotent by event id)', async () => {
    const me = await owner(h);
    const learner = await h.person();
    await h.organizations.add(me.organizationId, learner.id, 'MEMBER');
    await create(h, me.token, {
      organizationId: me.organizationId,
      url: RECEIVER,
      events: ['COURSE_COMPLETED'],
    });
    const eventId = randomUUID();
    const event = learningEvent({
      type: 'course.completed',
      userId: learner.id,
      lessonId: null,
      progressPercent: 100,
    });
    await h.publish(eventId, event);
    await h.publish(eventId, event);
    const [endpoint] = await deliveriesOf(me.organizationId, me.token);
    expect(endpoint.deliveries).toHaveLength(1);
    expect(JSON.parse(endpoint.deliveries[0].payload)).toMatchObject({
      type: 'course.completed',
      data: { lesson: null, enrollment: { id: 'enrollment-1', progressPercent: 100 } },
    });
  });

  test('an enrolment is sent as member.enrolled; events of non-members and unreadable events queue nothing', async () => {
    const me = await owner(h);
    const learner = await h.person();
    const outsider = await h.person();
    await h.organizations.add(me.organizationId, learner.id, 'MEMBER');
    await create(h, me.token, {
      organizationId: me.organizationId,
      url: RECEIVER,
      events: ['MEMBER_ENROLLED'],
    });
    await h.publish(randomUUID(), learningEvent({ type: 'enrolled', userId: outsider.id, lessonId: null }));
    await h.publish(randomUUID(), { type: 'enrolled', userId: learner.id });
    const enrolled = randomUUID();
    await h.publish(
      enrolled,
      learningEvent({ type: 'enrolled', userId: learner.id, lessonId: null, progressPercent: 0 }),
    );
    const [endpoint] = await deliveriesOf(me.organizationId, me.token);
    expect(
      endpoint.deliveries.map((d: { eventId: string; eventType: string }) => [d.eventId, d.eventType]),
    ).toEqual([[enrolled, 'MEMBER_ENROLLED']]);
    expect(JSON.parse(endpoint.deliveries[0].payload).type).toBe('member.enrolled');
  });

  test('deleting an endpoint drops its pending deliveries', async () => {
    const me = await owner(h);
    const learner = await h.person();
    await h.organizations.add(me.organizationId, learner.id, 'MEMBER');
    const created = await create(h, me.token, {
      organizationId: me.organizationId,
      url: RECEIVER,
      events: ['LAB_PASSED'],
    });
    const endpointId = created.data?.webhookEndpointCreate.endpoint.id;
    await h.publish(randomUUID(), learningEvent({ type: 'lab.passed', userId: learner.id }));
    await h.gql(DELETE_ENDPOINT, { input: { endpointId } }, me.token);
    const rows = await h.database.db.query(
      'SELECT id FROM identity.webhook_deliveries WHERE endpoint_id = $1',
      [endpointId],
    );
    expect(rows).toEqual([]);
  });
});
