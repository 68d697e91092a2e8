/**
 * Seeding, idempotent. The plans (two all-access ones and the per-seat team plan) are always
 * ensured (they are part of the product). With
 * SEED_DEMO, also the WELCOME20 coupon and the demo prices: catalog's demo course ids are random,
 * so the prices are looked up by slug in the background, retrying with back-off until catalog
 * answers with the slugs (it starts and seeds in parallel), and never over a price that exists.
 */
import { DEMO_ACCOUNTS, type Logger } from '@learncraft/kit';
import type { CatalogClient } from './stores/catalogClient';
import type { CommerceStore } from './stores/commerceStore';

export const PLANS = [
  {
    code: 'all-access-monthly',
    name: 'All-access monthly',
    description: 'Every paid course, billed every month.',
    interval: 'MONTH' as const,
    amount: 1900,
    currency: 'USD',
    perSeat: false,
  },
  {
    code: 'all-access-yearly',
    name: 'All-access yearly',
    description: 'Every paid course, billed every year: two months free.',
    interval: 'YEAR' as const,
    amount: 19000,
    currency: 'USD',
    perSeat: false,
  },
  {
    code: 'team-annual',
    name: 'Team, yearly',
    description:
      "Seats for an organization's members, billed every year per seat: each seat holder learns every paid course.",
    interval: 'YEAR' as const,
    // Per seat and year.
    amount: 15000,
    currency: 'USD',
    perSeat: true,
  },
];

/** The code of the seeded team plan. */
export const TEAM_PLAN_CODE = 'team-annual';

export const DEMO_PRICES = [
  { slug: 'typescript-fundamentals', price: { amount: 4900, currency: 'USD' } },
  { slug: 'advanced-typescript-types', price: { amount: 7900, currency: 'USD' } },
];

export const DEMO_COUPON_CODE = 'WELCOME20';

const adminId = () => DEMO_ACCOUNTS.find((account) => account.roles.includes('ADMIN'))?.id ?? 'system';

export async function seedPlans(store: CommerceStore, now: Date): Promise<void> {
  await store.ensurePlans(PLANS, now);
}

export async function seedDemoCoupon(store: CommerceStore, now: Date): Promise<void> {
  if (await store.couponByCode(DEMO_COUPON_CODE)) return;
  await store.insertCoupon({
    code: DEMO_COUPON_CODE,
    kind: 'PERCENT',
    percentOff: 20,
    amountOff: null,
    amountCurrency: null,
    validFrom: new Date(Date.UTC(2024, 0, 1)),
    validUntil: null,
    maxRedemptions: 1000,
    courseIds: [],
    planIds: [],
    createdBy: adminId(),
    createdAt: now,
  });
}

export interface DemoPriceSeeding {
  /** Resolves once every demo course has a price (or the seeding was stopped). */
  done: Promise<void>;
  stop(this: void): void;
}

/** Seeds the demo prices in the background, retrying until catalog has the demo courses. */
export function seedDemoPrices(deps: {
  store: CommerceStore;
  catalog: CatalogClient;
  logger: Logger;
  now: () => Date;
  retryBaseMs?: number;
  retryMaxMs?: number;
}): DemoPriceSeeding {
  let stopped = false;
  let wake: (() => void) | null = null;
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      timer.unref();
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  const attempt = async (): Promise<boolean> => {
    const found = await deps.catalog.coursesBySlug(DEMO_PRICES.map((entry) => entry.slug));
    for (const entry of DEMO_PRICES) {
      const course = found.find((candidate) => candidate.slug === entry.slug);
      if (!course) continue;
      const admin = adminId();
      if (await deps.store.insertPriceIfAbsent(course.id, entry.price, admin, deps.now()))
        deps.logger.info(`demo price set: ${entry.slug} ${entry.price.currency} ${entry.price.amount / 100}`);
    }
    return DEMO_PRICES.every((entry) => found.some((course) => course.slug === entry.slug));
  };
  const done = (async () => {
    let delay = deps.retryBaseMs ?? 500;
    for (let round = 1; !stopped; round += 1) {
      try {
        if (await attempt()) {
          deps.logger.info('demo prices seeded');
          return;
        }
        deps.logger.info(
          `demo prices: catalog has not seeded the demo courses yet (attempt ${round}); retrying`,
        );
      } catch (error) {
        deps.logger.info(`demo prices: catalog not reachable yet (attempt ${round}); retrying`, {
          error: error instanceof Error ? error.message : String(error),
        });
      }
      await sleep(delay);
      delay = Math.min(delay * 2, deps.retryMaxMs ?? 10_000);
    }
  })();
  return {
    done,
    stop() {
      stopped = true;
      wake?.();
    },
  };
}
