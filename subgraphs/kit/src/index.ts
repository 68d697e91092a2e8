/** @learncraft/kit: the shared runtime every subgraph (and the gateway) builds on. */
export * from './auth';
export * from './config';
export * from './db';
export * from './errors';
export * from './http';
export * from './internal';
export * from './loaders';
export * from './logger';
export * from './metrics';
export * from './pubsub';
export * from './rateLimit';
export * from './relay';
export * from './server';
export * from './demo';
export * from './process';
export * from './limits';
export * from './operations';
