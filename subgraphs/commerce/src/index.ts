/** @learncraft/commerce: the commerce subgraph (prices, plans, checkout, access, refunds, earnings). */
export { loadConfig, commerceConfigSchema, type CommerceConfig } from './config';
export {
  startCommerceSubgraph,
  SUBGRAPH_NAME,
  MIGRATIONS_DIR,
  SCHEMA_PATH,
  type StartCommerceOptions,
  type RunningCommerceSubgraph,
} from './server';
export { ORDER_PAID, ORDER_REFUNDED, type OrderPaid, type OrderRefunded } from './domain/events';
export { STRIPE_WEBHOOK_ROUTE } from './webhooks';
export type { PaymentProvider, PaymentEvent } from './providers/types';
