/** Federated subscriptions for @apollo/gateway: planning, upstream streams, per-event execution. */
export { attachSubscriptionServer, DEFAULT_SUBSCRIPTION_LIMITS } from './server';
export type { SubscriptionServer, SubscriptionServerOptions, SubscriptionLimits } from './server';
export { SubscriptionPlanner } from './planner';
export { UpstreamHub } from './upstream';
