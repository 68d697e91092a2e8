/**
 * The lab runtime: the port (types.ts), its error class, and the adapters this package ships.
 * `createRuntime` is the one place the labs subgraph's config picks an adapter.
 */
import { createLocalRuntime, type LocalRuntimeOptions } from './local';
import type { LabRuntime } from './types';

export type * from './types';
export { LabRuntimeError, type LabRuntimeErrorCode } from './local/errors';
export { createLocalRuntime, DEFAULT_LOCAL_LIMITS, PROFILE_NAMES, type LocalLimits, type LocalRuntimeOptions } from './local';

export type RuntimeConfig = { kind: 'local' } & LocalRuntimeOptions;

/** The runtime named by config; the Kubernetes adapter joins this switch when it lands. */
export function createRuntime(config: RuntimeConfig): LabRuntime {
  switch (config.kind) {
    case 'local':
      return createLocalRuntime(config);
  }
}
