/**
 * WebhookStore: every read and write of webhook endpoints and of the delivery outbox. Deliveries
 * are claimed with a lease (FOR UPDATE SKIP LOCKED, then `lease_until` and a fresh `lease_token`),
 * so two replicas never send one row at once, and only the claim holding the token records the
 * outcome.
 */
import { randomUUID } from 'node:crypto';
import { and, arrayOverlaps, count, desc, asc, eq, inArray, sql } from 'drizzle-orm';
import type { Database } from '@learncraft/kit';
import { uuidsOf } from './ids';
import type { WebhookEventType } from '../domain/webhookEvents';
import { webhookDeliveriesTable, webhookEndpointsTable, type StoredAttempt } from './webhookTables';

export const MAX_ATTEMPTS_KEPT = 20;

export type DeliveryStatus = 'PENDING' | 'SUCCEEDED' | 'FAILED';

export interface WebhookEndpoint {
  id: string;
  organizationId: string;
  url: string;
  description: string;
  events: WebhookEventType[];
  enabled: boolean;
  createdAt: Date;
}

export interface WebhookDelivery {
  id: string;
  endpointId: string;
  eventId: string;
  eventType: WebhookEventType;
  payload: string;
  status: DeliveryStatus;
  attempts: StoredAttempt[];
  attemptCount: number;
  nextAttemptAt: Date | null;
  occurredAt: Date;
  createdAt: Date;
}

/** A delivery claimed for sending, with what sending needs. */
export interface ClaimedDelivery extends WebhookDelivery {
  leaseToken: string;
  url: string;
  secretEncrypted: string;
}

export interface NewDelivery {
  endpointId: string;
  eventId: string;
  eventType: WebhookEventType;
  payload: string;
  occurredAt: Date;
}

export interface AttemptOutcome {
  attempt: StoredAttempt;
  status: DeliveryStatus;
  nextAttemptAt: Date | null;
}

type EndpointRow = typeof webhookEndpointsTable.$inferSelect;
type DeliveryRow = typeof webhookDeliveriesTable.$inferSelect;

const toEndpoint = (row: EndpointRow): WebhookEndpoint => ({
  id: row.id,
  organizationId: row.organizationId,
  url: row.url,
  description: row.description,
  events: row.events as WebhookEventType[],
  enabled: row.enabled,
  createdAt: row.createdAt,
});

const toDelivery = (row: DeliveryRow): WebhookDelivery => ({
  id: row.id,
  endpointId: row.endpointId,
  eventId: row.eventId,
  eventType: row.eventType as WebhookEventType,
  payload: row.payload,
  status: row.status,
  attempts: row.attempts,
  attemptCount: row.attemptCount,
  nextAttemptAt: row.nextAttemptAt,
  occurredAt: row.occurredAt,
  createdAt: row.createdAt,
});

const dateOf = (value: unknown): Date => (value instanceof Date ? value : new Date(String(value)));

export class WebhookStore {
  constructor(private readonly db: Database) {}

  private get drizzle() {
    return this.db.drizzle;
  }

  /**
   * Inserts the endpoint unless its organization already has `limit`; serialised per organization
   * so two concurrent creations cannot both take the last place.
   */
  async createWithinLimit(
    endpoint: Omit<WebhookEndpoint, 'createdAt'> & { secretEncrypted: string; createdAt: Date },
    limit: number,
  ): Promise<WebhookEndpoint | 'LIMIT_REACHED'> {
    return this.drizzle.transaction(async (tx) => {
      await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`webhooks:${endpoint.organizationId}`}))`);
      const [existing] = await tx
        .select({ n: count() })
        .from(webhookEndpointsTable)
        .where(eq(webhookEndpointsTable.organizationId, endpoint.organizationId));
      if ((existing?.n ?? 0) >= limit) return 'LIMIT_REACHED' as const;
      const [row] = await tx
        .insert(webhookEndpointsTable)
        .values({ ...endpoint, updatedAt: endpoint.createdAt })
        .returning();
      return toEndpoint(row!);
    });
  }

  async endpointsByIds(ids: readonly string[]): Promise<WebhookEndpoint[]> {
    const valid = uuidsOf(ids); // anything else matches nothing, and never reaches the uuid column
    if (valid.length === 0) return [];
    const rows = await this.drizzle
      .select()
      .from(webhookEndpointsTable)
      .where(inArray(webhookEndpointsTable.id, valid));
    return rows.map(toEndpoint);
  }

  async endpointById(id: string): Promise<WebhookEndpoint | null> {
    return (await this.endpointsByIds([id]))[0] ?? null;
  }

  /** The organization's endpoints, oldest first. */
  async endpointsPage(
    organizationId: string,
    page: { limit: number; offset: number },
  ): Promise<{ items: WebhookEndpoint[]; totalCount: number }> {
    const where = eq(webhookEndpointsTable.organizationId, organizationId);
    const [rows, [total]] = await Promise.all([
      this.drizzle
        .select()
        .from(webhookEndpointsTable)
        .where(where)
        .orderBy(asc(webhookEndpointsTable.createdAt), asc(webhookEndpointsTable.id))
        .limit(page.limit)
        .offset(page.offset),
      this.drizzle.select({ n: count() }).from(webhookEndpointsTable).where(where),
    ]);
    return { items: rows.map(toEndpoint), totalCount: total?.n ?? 0 };
  }

  async updateEndpoint(
    id: string,
    patch: Partial<Pick<WebhookEndpoint, 'url' | 'description' | 'events' | 'enabled'>>,
    now: Date,
  ): Promise<WebhookEndpoint | null> {
    const [row] = await this.drizzle
      .update(webhookEndpointsTable)
      .set({ ...patch, updatedAt: now })
      .where(eq(webhookEndpointsTable.id, id))
      .returning();
    return row ? toEndpoint(row) : null;
  }

  /** Deletes the endpoint and (cascade) its deliveries; false when there was none. */
  async deleteEndpoint(id: string): Promise<boolean> {
    const rows = await this.drizzle
      .delete(webhookEndpointsTable)
      .where(eq(webhookEndpointsTable.id, id))
      .returning({ id: webhookEndpointsTable.id });
    return rows.length > 0;
  }

  /** Enabled endpoints of these organizations subscribed to `type`. */
  async subscribedEndpoints(
    organizationIds: readonly string[],
    type: WebhookEventType,
  ): Promise<WebhookEndpoint[]> {
    if (organizationIds.length === 0) return [];
    const rows = await this.drizzle
      .select()
      .from(webhookEndpointsTable)
      .where(
        and(
          inArray(webhookEndpointsTable.organizationId, [...organizationIds]),
          eq(webhookEndpointsTable.enabled, true),
          arrayOverlaps(webhookEndpointsTable.events, [type]),
        ),
      );
    return rows.map(toEndpoint);
  }

  /** Queues deliveries due at `now`; a (endpoint, event) already queued is left alone. Returns how many were new. */
  async enqueue(deliveries: readonly NewDelivery[], now: Date): Promise<number> {
    if (deliveries.length === 0) return 0;
    const rows = await this.drizzle
      .insert(webhookDeliveriesTable)
      .values(
        deliveries.map((delivery) => ({ ...delivery, id: randomUUID(), nextAttemptAt: now, createdAt: now })),
      )
      .onConflictDoNothing({ target: [webhookDeliveriesTable.endpointId, webhookDeliveriesTable.eventId] })
      .returning({ id: webhookDeliveriesTable.id });
    return rows.length;
  }

  async deliveryById(id: string): Promise<WebhookDelivery | null> {
    const [row] = await this.drizzle
      .select()
      .from(webhookDeliveriesTable)
      .where(eq(webhookDeliveriesTable.id, id));
    return row ? toDelivery(row) : null;
  }

  /** The endpoint's deliveries, newest first. */
  async deliveriesPage(
    endpointId: string,
    status: DeliveryStatus | null,
    page: { limit: number; offset: number },
  ): Promise<{ items: WebhookDelivery[]; totalCount: number }> {
    const where = and(
      eq(webhookDeliveriesTable.endpointId, endpointId),
      status ? eq(webhookDeliveriesTable.status, status) : undefined,
    );
    const [rows, [total]] = await Promise.all([
      this.drizzle
        .select()
        .from(webhookDeliveriesTable)
        .where(where)
        .orderBy(desc(webhookDeliveriesTable.createdAt), desc(webhookDeliveriesTable.id))
        .limit(page.limit)
        .offset(page.offset),
      this.drizzle.select({ n: count() }).from(webhookDeliveriesTable).where(where),
    ]);
    return { items: rows.map(toDelivery), totalCount: total?.n ?? 0 };
  }

  /**
   * Claims up to `limit` due deliveries of enabled endpoints for `leaseMs`: rows another claim
   * holds (a live lease, or locked by a concurrent claim) are skipped.
   */
  async claimDue(now: Date, leaseMs: number, limit: number): Promise<ClaimedDelivery[]> {
    if (limit <= 0) return [];
    const leaseToken = randomUUID();
    const leaseUntil = new Date(now.getTime() + leaseMs).toISOString();
    const rows = await this.db.query<Record<string, unknown>>(
      `WITH due AS (
         SELECT d.id FROM identity.webhook_deliveries d
         JOIN identity.webhook_endpoints e ON e.id = d.endpoint_id
         WHERE d.status = 'PENDING' AND e.enabled AND d.next_attempt_at <= $1::timestamptz
           AND (d.lease_until IS NULL OR d.lease_until <= $1::timestamptz)
         ORDER BY d.next_attempt_at
         LIMIT $2
         FOR UPDATE OF d SKIP LOCKED
       ), claimed AS (
         UPDATE identity.webhook_deliveries d SET lease_until = $3::timestamptz, lease_token = $4::uuid
         FROM due WHERE d.id = due.id
         RETURNING d.*
       )
       SELECT claimed.*, e.url, e.secret_encrypted FROM claimed
       JOIN identity.webhook_endpoints e ON e.id = claimed.endpoint_id`,
      [now.toISOString(), limit, leaseUntil, leaseToken],
    );
    return rows.map((row) => ({
      id: String(row.id),
      endpointId: String(row.endpoint_id),
      eventId: String(row.event_id),
      eventType: String(row.event_type) as WebhookEventType,
      payload: String(row.payload),
      status: row.status as DeliveryStatus,
      attempts: (typeof row.attempts === 'string'
        ? JSON.parse(row.attempts)
        : row.attempts) as StoredAttempt[],
      attemptCount: Number(row.attempt_count),
      nextAttemptAt: row.next_attempt_at ? dateOf(row.next_attempt_at) : null,
      occurredAt: dateOf(row.occurred_at),
      createdAt: dateOf(row.created_at),
      leaseToken,
      url: String(row.url),
      secretEncrypted: String(row.secret_encrypted),
    }));
  }

  /** Records an attempt of a claimed delivery and releases it; false when the claim was lost. */
  async recordAttempt(claimed: ClaimedDelivery, outcome: AttemptOutcome): Promise<boolean> {
    const rows = await this.drizzle
      .update(webhookDeliveriesTable)
      .set({
        status: outcome.status,
        attempts: [...claimed.attempts, outcome.attempt].slice(-MAX_ATTEMPTS_KEPT),
        attemptCount: sql`${webhookDeliveriesTable.attemptCount} + 1`,
        nextAttemptAt: outcome.nextAttemptAt,
        leaseUntil: null,
        leaseToken: null,
      })
      .where(
        and(
          eq(webhookDeliveriesTable.id, claimed.id),
          eq(webhookDeliveriesTable.leaseToken, claimed.leaseToken),
        ),
      )
      .returning({ id: webhookDeliveriesTable.id });
    return rows.length > 0;
  }

  /** Makes the delivery PENDING and due at `now`, dropping any lease. */
  async redeliver(id: string, now: Date): Promise<WebhookDelivery | null> {
    const [row] = await this.drizzle
      .update(webhookDeliveriesTable)
      .set({ status: 'PENDING', nextAttemptAt: now, leaseUntil: null, leaseToken: null })
      .where(eq(webhookDeliveriesTable.id, id))
      .returning();
    return row ? toDelivery(row) : null;
  }
}
