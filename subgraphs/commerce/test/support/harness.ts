/**
 * Integration harness: the commerce subgraph on a test database, an in-memory catalog and
 * progress, a recording event bus, a settable clock, and access tokens signed exactly as identity
 * does. Requests go over real HTTP with the gateway's credential.
 */
import { randomUUID } from 'node:crypto';
import {
  TEST_GATEWAY_HEADERS,
  TEST_GATEWAY_SECRET,
  createTestDatabase,
  serveTestRoutes,
  type DatabaseFlavour,
  type TestDatabase,
} from '@learncraft/kit/testing';
import {
  ORGANIZATION_MEMBERS_PATH,
  createLogger,
  internalJsonRoute,
  sendJson,
  type DomainEvent,
  type EventBus,
  type ApiKeyScopeName,
  type OrganizationRole,
  type Role,
} from '@learncraft/kit';
import { z } from 'zod';
import { createTestTokenIssuer } from '@learncraft/identity';
import { loadConfig } from '../../src/config';
import type { PaymentProvider } from '../../src/providers/types';
import { startCommerceSubgraph, type RunningCommerceSubgraph } from '../../src/server';
import type { PublishOptions } from '../../src/services/outbox';
import type { CatalogClient, CatalogCourse } from '../../src/stores/catalogClient';
import type { IdentityClient, IdentityUser } from '../../src/stores/identityClient';
import type { ProgressClient } from '../../src/stores/progressClient';

export const INTERNAL_SECRET = 'test-internal-secret-0123456789';
export const INSTRUCTOR_ID = '00000000-0000-4000-8000-0000000000aa';
export const CO_INSTRUCTOR_ID = '00000000-0000-4000-8000-0000000000bb';

export const course = (id: string, overrides: Partial<CatalogCourse> = {}): CatalogCourse => ({
  id,
  published: true,
  instructorIds: [INSTRUCTOR_ID],
  lessonIds: [`${id}-lesson`],
  title: `Course ${id}`,
  slug: id,
  ...overrides,
});

/** An in-memory catalog that counts its calls. */
export function fakeCatalog(
  courses: CatalogCourse[],
): CatalogClient & { calls: string[][]; add(c: CatalogCourse): void } {
  const byId = new Map(courses.map((entry) => [entry.id, entry]));
  const calls: string[][] = [];
  return {
    calls,
    add: (entry) => void byId.set(entry.id, entry),
    courses: (ids) => {
      calls.push([...ids]);
      return Promise.resolve(ids.flatMap((id) => byId.get(id) ?? []));
    },
    coursesBySlug: (slugs) =>
      Promise.resolve([...byId.values()].filter((entry) => slugs.includes(entry.slug))),
  };
}

/** Progress percentages by `${userId}:${courseId}` (absent: 0). */
export function fakeProgress(): ProgressClient & { percents: Map<string, number> } {
  const percents = new Map<string, number>();
  return {
    percents,
    learnerCourseStatus: (userId, courseId) =>
      Promise.resolve({
        enrolled: true,
        passedQuizLessonIds: [],
        progressPercent: percents.get(`${userId}:${courseId}`) ?? 0,
      }),
  };
}

/** An in-memory identity; `down` makes it fail as an unreachable identity does. */
export function fakeIdentity(): IdentityClient & { known: Map<string, IdentityUser>; down: boolean } {
  const identity = {
    known: new Map<string, IdentityUser>(),
    down: false,
    users(ids: readonly string[]) {
      if (identity.down) return Promise.reject(new Error('identity did not answer POST /internal/users'));
      return Promise.resolve(ids.flatMap((id) => identity.known.get(id) ?? []));
    },
  };
  return identity;
}

/**
 * identity's organization directory over real HTTP (contract 1 of issue 12:
 * `POST /internal/organization-members`), served locally; `down` answers 500.
 */
export async function serveOrganizations(secret: string) {
  const members = new Map<string, { userId: string; role: OrganizationRole; joinedAt: string }[]>();
  const state = {
    down: false,
    calls: 0,
    /** Makes the user a member (or changes their role). */
    set(organizationId: string, userId: string, role: OrganizationRole) {
      const list = (members.get(organizationId) ?? []).filter((member) => member.userId !== userId);
      list.push({ userId, role, joinedAt: new Date().toISOString() });
      members.set(organizationId, list);
    },
    remove(organizationId: string, userId: string) {
      members.set(
        organizationId,
        (members.get(organizationId) ?? []).filter((member) => member.userId !== userId),
      );
    },
  };
  const served = await serveTestRoutes({
    [`POST ${ORGANIZATION_MEMBERS_PATH}`]: internalJsonRoute(
      {
        secret,
        schema: z.object({ organizationId: z.string(), userId: z.string().optional() }),
        shape: 'an organization-members request',
      },
      (body, res) => {
        state.calls += 1;
        if (state.down) return Promise.resolve(sendJson(res, 500, { error: 'DOWN' }));
        const list = (members.get(body.organizationId) ?? []).filter(
          (member) => body.userId === undefined || member.userId === body.userId,
        );
        return Promise.resolve(sendJson(res, 200, { members: list }));
      },
    ),
  });
  return Object.assign(state, { url: served.url, close: () => served.close() });
}

/** The e-mail address the fake identity knows a harness learner by. */
export const emailOf = (userId: string) => `learner-${userId.slice(0, 8)}@example.com`;

export interface PublishedEvent {
  topic: string;
  payload: any;
  options: PublishOptions | undefined;
}

/** An event bus that records what is published; `failing` makes publish reject. */
export function recordingBus(): EventBus & { published: PublishedEvent[]; failing: boolean } {
  const bus = {
    published: [] as PublishedEvent[],
    failing: false,
    publish(topic: string, payload: unknown, options?: PublishOptions) {
      if (bus.failing) return Promise.reject(new Error('the bus is down'));
      bus.published.push({ topic, payload, options });
      return Promise.resolve();
    },
    consume: () => Promise.resolve({ stop: () => Promise.resolve() }),
    routes: () => ({}),
    close: () => Promise.resolve(),
  };
  return bus;
}

export type { DomainEvent };

export interface GraphQLResponse<T = Record<string, any>> {
  data?: T;
  errors?: { message: string; path?: (string | number)[]; extensions?: { code?: string } }[];
}

export interface HarnessOptions {
  flavour?: DatabaseFlavour;
  courses?: CatalogCourse[];
  provider?: PaymentProvider;
  /** Instead of the recording bus (which `bus` then is, unused). */
  events?: EventBus;
  env?: Record<string, string>;
}

export interface Harness {
  server: RunningCommerceSubgraph;
  test: TestDatabase;
  catalog: ReturnType<typeof fakeCatalog>;
  progress: ReturnType<typeof fakeProgress>;
  /** Knows every `learner()`. */
  identity: ReturnType<typeof fakeIdentity>;
  /** identity's organization directory (over HTTP at IDENTITY_INTERNAL_URL). */
  organizations: Awaited<ReturnType<typeof serveOrganizations>>;
  bus: ReturnType<typeof recordingBus>;
  /** The subgraph's clock; tests move it. */
  clock: { now: Date };
  token(userId: string, roles?: Role[]): Promise<string>;
  /** A token of an API key of the organization with these scopes, as identity mints one. */
  keyToken(organizationId: string, scopes: ApiKeyScopeName[]): Promise<string>;
  gql<T = Record<string, any>>(
    query: string,
    variables?: Record<string, unknown>,
    token?: string,
  ): Promise<GraphQLResponse<T>>;
  learner(roles?: Role[]): Promise<{ id: string; token: string }>;
  count(sql: string, params?: unknown[]): Promise<number>;
  /** POSTs to a route of the subgraph with the given headers. */
  post(path: string, body: string, headers?: Record<string, string>): Promise<{ status: number; body: any }>;
  /** Stops the subgraph and starts another on the same database, bus and clients (`between` runs in between). */
  restart(between?: () => void): Promise<RunningCommerceSubgraph>;
  close(): Promise<void>;
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const issuer = await createTestTokenIssuer();
  const test = await createTestDatabase(options.flavour ?? 'pglite');
  const catalog = fakeCatalog(options.courses ?? []);
  const progress = fakeProgress();
  const identity = fakeIdentity();
  const organizations = await serveOrganizations(INTERNAL_SECRET);
  const bus = recordingBus();
  const clock = { now: new Date('2026-03-02T10:00:00.000Z') };
  const config = loadConfig({
    PORT: '0',
    LOG_LEVEL: 'silent',
    INTERNAL_API_SECRET: INTERNAL_SECRET,
    GATEWAY_SECRET: TEST_GATEWAY_SECRET,
    WEB_APP_URL: 'https://app.example',
    IDENTITY_INTERNAL_URL: organizations.url,
    ...options.env,
  });
  const start = () =>
    startCommerceSubgraph({
      config,
      db: test.db,
      verifier: issuer.verifier,
      catalog,
      progress,
      identity,
      events: options.events ?? bus,
      provider: options.provider,
      logger: createLogger('commerce-test', 'silent'),
      now: () => clock.now,
      relayIntervalMs: 50,
    });
  let server = await start();
  const token = (userId: string, roles: Role[] = ['LEARNER']) => issuer.issueAccessToken(userId, roles);
  const harness: Harness = {
    get server() {
      return server;
    },
    test,
    catalog,
    progress,
    identity,
    organizations,
    bus,
    clock,
    token,
    keyToken: (organizationId, scopes) =>
      issuer.issueApiKeyToken({ id: randomUUID(), organizationId, scopes }),
    async gql(query, variables, bearer) {
      const response = await fetch(server.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...TEST_GATEWAY_HEADERS,
          ...(bearer ? { authorization: `Bearer ${bearer}` } : {}),
        },
        body: JSON.stringify({ query, variables }),
      });
      return (await response.json()) as GraphQLResponse<any>;
    },
    async learner(roles) {
      const id = randomUUID();
      identity.known.set(id, { id, email: emailOf(id), displayName: `Learner ${id.slice(0, 8)}` });
      return { id, token: await token(id, roles) };
    },
    async count(sql, params) {
      const [row] = await test.db.query<{ n: number | string }>(sql, params);
      return Number(row?.n ?? 0);
    },
    async post(path, body, headers = {}) {
      const response = await fetch(server.url.replace(/\/graphql$/, '') + path, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body,
      });
      const text = await response.text();
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {
        // not JSON: the text as it is
      }
      return { status: response.status, body: parsed };
    },
    async restart(between) {
      await server.close();
      between?.();
      server = await start();
      return server;
    },
    async close() {
      await server.close();
      await organizations.close();
      await test.dispose();
    },
  };
  return harness;
}

export const GOOD_CARD = { number: '4242 4242 4242 4242', expiryMonth: 12, expiryYear: 2030, cvc: '123' };
export const DECLINED_CARD = { ...GOOD_CARD, number: '4000 0000 0000 0002' };
export const NO_FUNDS_CARD = { ...GOOD_CARD, number: '4000 0000 0000 9995' };

export const ORDER_FIELDS = /* GraphQL */ `
  id
  number
  status
  buyer { id }
  lines { title course { id } plan { id code } unitPrice { amount currency } discount { amount currency } total { amount currency } }
  subtotal { amount currency formatted }
  discount { amount currency }
  total { amount currency formatted }
  couponCode
  payment { provider checkoutUrl cardLast4 declineReason }
  paidAt
  receipt { number issuedAt billedTo }
  refund { amount { amount currency } reason }
`;

export const CHECKOUT = /* GraphQL */ `
  mutation Checkout($input: CheckoutCreateInput!) {
    checkoutCreate(input: $input) {
      order { ${ORDER_FIELDS} }
      userErrors { code message field }
    }
  }
`;

export const REFUND = /* GraphQL */ `
  mutation Refund($input: OrderRefundInput!) {
    orderRefund(input: $input) {
      order {
        id
        status
        refund {
          amount {
            amount
            currency
          }
          reason
        }
      }
      userErrors {
        code
        message
        field
      }
    }
  }
`;

export const SET_PRICE = /* GraphQL */ `
  mutation SetPrice($input: CoursePriceSetInput!) {
    coursePriceSet(input: $input) {
      course {
        id
        price {
          amount
          currency
          formatted
        }
      }
      userErrors {
        code
        message
        field
      }
    }
  }
`;

export const ACCESS = /* GraphQL */ `
  query Access($representations: [_Any!]!) {
    _entities(representations: $representations) {
      ... on Course {
        id
        price {
          amount
          currency
        }
        viewerAccess {
          hasAccess
          reason
          expiresAt
        }
      }
    }
  }
`;

/** Sets a course's price directly in the store (arrange step). */
export async function priceCourse(h: Harness, courseId: string, amount: number, currency = 'USD') {
  await h.server.store.setPrice(courseId, { amount, currency }, INSTRUCTOR_ID, h.clock.now);
}

/** Writes a coupon directly in the store (arrange step): 'PERCENT' with the given fields. */
export async function createCoupon(h: Harness, code: string, fields: Record<string, unknown>) {
  await h.server.store.insertCoupon({
    code,
    kind: 'PERCENT',
    percentOff: null,
    amountOff: null,
    amountCurrency: null,
    validFrom: new Date('2026-01-01T00:00:00.000Z'),
    validUntil: null,
    maxRedemptions: null,
    courseIds: [],
    planIds: [],
    createdBy: 'admin',
    createdAt: h.clock.now,
    ...fields,
  });
}

/** Buys with the test card; returns the order. */
export async function buy(
  h: Harness,
  token: string,
  items: { courseId?: string; planId?: string; seats?: number }[],
  extra: Record<string, unknown> = {},
) {
  const result = await h.gql(
    CHECKOUT,
    { input: { items, payment: { testCard: GOOD_CARD }, idempotencyKey: randomUUID(), ...extra } },
    token,
  );
  if (result.errors) throw new Error(JSON.stringify(result.errors));
  return result.data?.checkoutCreate;
}

/** A new learner's checkout of one course, paying with `payment` (none: no payment input). */
export async function checkoutAs(h: Harness, courseId: string, payment?: Record<string, unknown>) {
  const learner = await h.learner();
  const result = await h.gql(
    CHECKOUT,
    { input: { items: [{ courseId }], idempotencyKey: randomUUID(), ...(payment ? { payment } : {}) } },
    learner.token,
  );
  if (result.errors) throw new Error(JSON.stringify(result.errors));
  return { learner, payload: result.data?.checkoutCreate };
}
