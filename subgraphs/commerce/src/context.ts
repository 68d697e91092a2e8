/** The per-request context every resolver receives. */
import type { Logger, OrganizationDirectory, RequestBase } from '@learncraft/kit';
import { createLoaders, type Loaders } from './loaders';
import type { AccessService } from './services/access';
import type { CheckoutService } from './services/checkout';
import type { CouponService } from './services/coupons';
import type { RefundService } from './services/refunds';
import type { SeatService } from './services/seats';
import type { CatalogClient } from './stores/catalogClient';
import type { CommerceStore } from './stores/commerceStore';

export interface CommerceServices {
  store: CommerceStore;
  catalog: CatalogClient;
  access: AccessService;
  checkout: CheckoutService;
  refunds: RefundService;
  coupons: CouponService;
  seats: SeatService;
  /** identity's organizations: who may see an organization's seats. */
  directory: OrganizationDirectory;
  logger: Logger;
  now: () => Date;
}

export interface CommerceContext extends RequestBase, CommerceServices {
  loaders: Loaders;
}

export function createContext(base: RequestBase, services: CommerceServices): CommerceContext {
  const subject = base.viewer ? { id: base.viewer.id, roles: base.viewer.roles } : null;
  return {
    ...base,
    ...services,
    loaders: createLoaders({
      store: services.store,
      catalog: services.catalog,
      access: services.access,
      seats: services.seats,
      subject,
    }),
  };
}
