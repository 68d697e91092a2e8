/**
 * Per-request DataLoaders over the commerce store and the catalog client, so a list of N courses
 * (prices, access) or N orders (lines, refunds) costs a constant number of queries and calls.
 */
import {
  groupedLoader,
  keyedLoader,
  pagedLoader,
  type AccessSubject,
  type CourseAccessDecision,
} from '@learncraft/kit';
import DataLoader from 'dataloader';
import type { AccessService } from './services/access';
import type { OrganizationSeatsView, SeatService } from './services/seats';
import type { CatalogClient } from './stores/catalogClient';
import type { CommerceStore } from './stores/commerceStore';

export interface LoaderDeps {
  store: CommerceStore;
  catalog: CatalogClient;
  access: AccessService;
  seats: SeatService;
  subject: AccessSubject | null;
}

export function createLoaders({ store, catalog, access, seats, subject }: LoaderDeps) {
  const course = keyedLoader(
    (ids: readonly string[]) => catalog.courses(ids),
    (row) => row.id,
  );
  const courses = async (ids: readonly string[]) =>
    (await course.loadMany([...ids])).flatMap((row) => (row && !(row instanceof Error) ? [row] : []));
  return {
    course,
    /** Course facts by ids through the loader, in the shape the services take. */
    courses,
    price: keyedLoader(
      (ids: readonly string[]) => store.pricesByCourses(ids),
      (row) => row.courseId,
    ),
    access: new DataLoader<string, CourseAccessDecision>((ids) => access.decide(subject, ids, courses)),
    plan: keyedLoader(
      (ids: readonly string[]) => store.plansByIds(ids),
      (row) => row.id,
    ),
    order: keyedLoader(
      (ids: readonly string[]) => store.ordersByIds(ids),
      (row) => row.id,
    ),
    orderPage: pagedLoader(
      (buyerIds, page) => store.orderPages(buyerIds, page),
      (row) => row.buyerId,
    ),
    orderCount: new DataLoader<string, number>(async (buyerIds) => {
      const counts = new Map((await store.orderCounts(buyerIds)).map((row) => [row.buyerId, row.count]));
      return buyerIds.map((id) => counts.get(id) ?? 0);
    }),
    orderLines: groupedLoader(
      (ids: readonly string[]) => store.linesByOrders(ids),
      (row) => row.orderId,
    ),
    refund: keyedLoader(
      (ids: readonly string[]) => store.refundsByOrders(ids),
      (row) => row.orderId,
    ),
    /** Organization.seats by organization id. */
    organizationSeats: new DataLoader<string, OrganizationSeatsView>((ids) => seats.seatsOf(ids)),
    coupon: keyedLoader(
      (ids: readonly string[]) => store.couponsByIds(ids),
      (row) => row.id,
    ),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
