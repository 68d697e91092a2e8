/** The local (bubblewrap) lab runtime's public surface. */
export {
  createLocalRuntime,
  DEFAULT_LOCAL_LIMITS,
  type LocalLimits,
  type LocalRuntimeOptions,
} from './localRuntime';
export { PROFILE_NAMES, type ProfileName } from './profiles';
