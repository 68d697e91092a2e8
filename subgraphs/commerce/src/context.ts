/** The per-request context every resolver receives. */
import type { Logger, RequestBase } from '@learncraft/kit';
import { createLoaders, type Loaders } from './loaders';
import type { AccessService } from './services/access';
import type { CheckoutService } from './services/checkout';
import type { CouponService } from './services/coupons';
import type { RefundService } from './services/refunds';
import type { CatalogClient } from './stores/catalogClient';
import type { CommerceStore } from './stores/commerceStore';

export interface CommerceServices {
  store: CommerceStore;
  catalog: CatalogClient;
  access: AccessService;
  checkout: CheckoutService;
  refunds: RefundService;
  coupons: CouponService;
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
      subject,
    }),
  };
}
