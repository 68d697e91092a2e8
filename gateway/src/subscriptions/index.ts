/** Federated subscriptions for @apollo/gateway: planning, upstream streams, per-event execution. */
export { attachSubscriptionServer, DEFAULT_SUBSCRIPTION_LIMITS, TOO_MANY_CONNECTIONS } from './server';
export type {
  OperationCheck,
  OperationCheckRequest,
  SocketContext,
  SubscriptionServer,
  SubscriptionServerOptions,
  SubscriptionLimits,
} from './server';
export { SubscriptionPlanner } from './planner';
export { UpstreamHub } from './upstream';
