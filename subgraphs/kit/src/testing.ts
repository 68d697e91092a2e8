/**
 * Test support: fresh databases for contract suites. Each call gives an isolated database: a new
 * PostgreSQL database on the local server (dropped by `dispose`), or an in-memory PGlite.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { z } from 'zod';
import {
  COURSE_ACCESS_PATH,
  courseAccessRequestSchema,
  ENTITLEMENT_CHANGED,
  type CourseAccessDecision,
  type CourseAccessRequest,
  type EntitlementChanged,
} from './access';
import { openDatabase, type Database } from './db';
import { createEventBus } from './events';
import { readBody, sendJson, type HttpRoute } from './http';
import { internalJsonRoute } from './internal';
import { createLogger } from './logger';
import { Metrics } from './metrics';

export const TEST_POSTGRES_URL =
  process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
/** The gateway credential test subgraphs are started with (`GATEWAY_SECRET`) and tests send. */
export const TEST_GATEWAY_SECRET = 'test-gateway-secret-0123456789';
export const TEST_GATEWAY_HEADERS = { 'x-learncraft-gateway': TEST_GATEWAY_SECRET } as const;

export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export interface TestDatabase {
  db: Database;
  metrics: Metrics;
  /** A connection URL when the database lives on a real server. */
  url?: string;
  dispose(): Promise<void>;
}

export type DatabaseFlavour = 'pglite' | 'postgres';

/**
 * Every contract suite runs on each flavour. PostgreSQL is part of the development machine (see
 * README); set TEST_POSTGRES=off to run without it, never under CI.
 */
export const DATABASE_FLAVOURS: readonly DatabaseFlavour[] =
  process.env.TEST_POSTGRES === 'off' && !process.env.CI ? ['pglite'] : ['pglite', 'postgres'];

let pgliteTemplate: Promise<Blob> | null = null;

/**
 * An initialised, empty PGlite data directory. A fresh in-memory PGlite runs initdb, about 10 s on
 * a 2-core machine; one loaded from this template starts in about 2 s. Made once and kept in the
 * OS temp directory (keyed by the PGlite version), so every test file after the first reuses it.
 */
function emptyPgliteTemplate(): Promise<Blob> {
  pgliteTemplate ??= (async () => {
    const manifest = join(dirname(require.resolve('@electric-sql/pglite')), '..', 'package.json');
    const { version } = JSON.parse(readFileSync(manifest, 'utf8')) as { version: string };
    const file = join(tmpdir(), `learncraft-pglite-${version}-template.tar`);
    const saved = await readFile(file).catch(() => null);
    if (saved) return new Blob([saved]);
    const fresh = await PGlite.create();
    const dump = await fresh.dumpDataDir('none');
    await fresh.close();
    // Written aside and renamed, so a parallel test worker never reads half a file.
    const partial = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
    await writeFile(partial, Buffer.from(await dump.arrayBuffer()));
    await rename(partial, file);
    return dump;
  })();
  return pgliteTemplate;
}

export async function createTestDatabase(flavour: DatabaseFlavour): Promise<TestDatabase> {
  const metrics = new Metrics();
  if (flavour === 'pglite') {
    const template = await emptyPgliteTemplate();
    const db = await openDatabase({ location: { memory: true, template }, metrics });
    return { db, metrics, dispose: () => db.close() };
  }
  const name = `lc_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: TEST_POSTGRES_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(TEST_POSTGRES_URL);
  url.pathname = `/${name}`;
  const db = await openDatabase({ location: { url: url.toString() }, metrics, maxConnections: 4 });
  return {
    db,
    metrics,
    url: url.toString(),
    async dispose() {
      await db.close();
      const cleanup = new pg.Client({ connectionString: TEST_POSTGRES_URL });
      await cleanup.connect();
      await cleanup.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await cleanup.end();
    },
  };
}

/**
 * Serves extra routes (e.g. an EventBus consumer's `POST /internal/events`) on 127.0.0.1 at a free
 * port, as the kit's server would, without a subgraph around them.
 */
export async function serveTestRoutes(
  routes: Record<string, HttpRoute>,
): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    const route = routes[`${req.method} ${new URL(req.url ?? '/', 'http://localhost').pathname}`];
    if (!route) return void res.writeHead(404).end();
    void readBody(req, 1_000_000).then((body) => route(req, res, body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A stand-in for commerce's `POST /internal/course-access`, for the subgraphs' access tests. */
export interface FakeCommerce {
  url: string;
  /** The bodies of the calls received, oldest first. */
  readonly calls: CourseAccessRequest[];
  /** Courses that cost money; every other course is FREE. */
  readonly paid: Set<string>;
  /** Grants `userId` a course (PURCHASED), optionally until `expiresAt`. */
  grant(userId: string, courseId: string, expiresAt?: string): void;
  revoke(userId: string, courseId: string): void;
  /** Answers every call with this status and a non-decision body until set back to null. */
  failWith: number | null;
  /**
   * Organization seats (`POST /internal/organization-seats/assign`, contract 3 of issue 12): the
   * seats each organization bought (absent: 409 NO_SEATS). A holder keeps their seat; a new one
   * takes one while any is left (409 SEATS_EXHAUSTED after). Membership is the caller's to check.
   */
  readonly seats: Map<string, number>;
  /** Who holds a seat, per organization (delete a holder to free their seat). */
  readonly seatHolders: Map<string, Set<string>>;
  /** The bodies of the seat calls received, oldest first. */
  readonly seatCalls: { organizationId: string; userId: string }[];
  close(): Promise<void>;
}

export const ORGANIZATION_SEATS_ASSIGN_PATH = '/internal/organization-seats/assign';

const seatAssignBody = z.object({ organizationId: z.string().min(1), userId: z.string().min(1) });

export async function serveFakeCommerce(options: { secret: string; paid?: string[] }): Promise<FakeCommerce> {
  const grants = new Map<string, string | null>();
  const calls: CourseAccessRequest[] = [];
  const paid = new Set(options.paid ?? []);
  const decide = (userId: string | null, courseId: string): CourseAccessDecision => {
    if (!paid.has(courseId)) return { courseId, hasAccess: true, reason: 'FREE', expiresAt: null };
    const grant = userId === null ? undefined : grants.get(`${userId}\0${courseId}`);
    if (grant !== undefined) return { courseId, hasAccess: true, reason: 'PURCHASED', expiresAt: grant };
    return {
      courseId,
      hasAccess: false,
      reason: userId === null ? 'SIGN_IN_REQUIRED' : 'PAYMENT_REQUIRED',
      expiresAt: null,
    };
  };
  const seats = new Map<string, number>();
  const seatHolders = new Map<string, Set<string>>();
  const seatCalls: { organizationId: string; userId: string }[] = [];
  const assignSeat = ({ organizationId, userId }: { organizationId: string; userId: string }) => {
    const total = seats.get(organizationId);
    if (total === undefined) return { status: 409, body: { error: 'NO_SEATS' } };
    const holders = seatHolders.get(organizationId) ?? new Set<string>();
    if (!holders.has(userId) && holders.size >= total)
      return { status: 409, body: { error: 'SEATS_EXHAUSTED' } };
    holders.add(userId);
    seatHolders.set(organizationId, holders);
    return { status: 200, body: { seats: { total, used: holders.size, available: total - holders.size } } };
  };
  const fake = {
    calls,
    paid,
    seats,
    seatHolders,
    seatCalls,
    failWith: null as number | null,
    grant: (userId: string, courseId: string, expiresAt?: string) =>
      void grants.set(`${userId}\0${courseId}`, expiresAt ?? null),
    revoke: (userId: string, courseId: string) => void grants.delete(`${userId}\0${courseId}`),
  };
  const served = await serveTestRoutes({
    [`POST ${COURSE_ACCESS_PATH}`]: internalJsonRoute(
      { secret: options.secret, schema: courseAccessRequestSchema, shape: 'a course-access request' },
      (body, res) => {
        calls.push(body);
        if (fake.failWith !== null) return Promise.resolve(sendJson(res, fake.failWith, { error: 'FAILED' }));
        const decisions = body.courseIds.map((courseId) => decide(body.userId, courseId));
        return Promise.resolve(sendJson(res, 200, { decisions }));
      },
    ),
    [`POST ${ORGANIZATION_SEATS_ASSIGN_PATH}`]: internalJsonRoute(
      {
        secret: options.secret,
        schema: seatAssignBody,
        shape: '{"organizationId": string, "userId": string}',
      },
      (body, res) => {
        seatCalls.push(body);
        if (fake.failWith !== null) return Promise.resolve(sendJson(res, fake.failWith, { error: 'FAILED' }));
        const answer = assignSeat(body);
        return Promise.resolve(sendJson(res, answer.status, answer.body));
      },
    ),
  });
  return Object.assign(fake, { url: served.url, close: () => served.close() });
}

/**
 * Pushes one `entitlement.changed` event to a subgraph's `POST /internal/events` (HTTP push, as
 * commerce does without Redis) and resolves once the subgraph has handled it.
 */
export async function announceEntitlementChanged(
  subgraphUrl: string,
  secret: string,
  change: Pick<EntitlementChanged, 'userId'> & Partial<EntitlementChanged>,
): Promise<void> {
  const publisher = createEventBus({
    subscriberUrls: [new URL(subgraphUrl).origin],
    secret,
    logger: createLogger('commerce-test', 'silent'),
    service: 'commerce',
  });
  const payload: EntitlementChanged = {
    entitlementId: randomBytes(8).toString('hex'),
    courseIds: null,
    change: 'GRANTED',
    ...change,
  };
  try {
    await publisher.publish(ENTITLEMENT_CHANGED, payload, { delivered: true });
  } finally {
    await publisher.close();
  }
}
