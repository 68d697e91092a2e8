/**
 * PLACEHOLDER owned by the runtime engineers (local bubblewrap and Kubernetes adapters); it only
 * exists so the subgraph compiles before their branch is merged, and is replaced at merge.
 * Expected shape: `createRuntime(config, logger)` returns the adapter LAB_RUNTIME names.
 */
import type { Logger } from '@learncraft/kit';
import type { LabsConfig } from '../config';
import type { LabRuntime } from './types';

export function createRuntime(config: LabsConfig, _logger: Logger): LabRuntime {
  throw new Error(`The ${config.LAB_RUNTIME} lab runtime is not built yet.`);
}
