/**
 * The one error class the runtime adapters throw, with a closed set of codes so the labs subgraph
 * can map each to a user error or a GraphQL code without reading messages. Adapter-neutral: the
 * Kubernetes adapter can throw the same class (it is re-exported from `runtime/index.ts`).
 */
export type LabRuntimeErrorCode =
  /** The spec names a profile this runtime does not know. */
  | 'UNKNOWN_PROFILE'
  /** The machine already holds `maxSandboxes` sandboxes. */
  | 'CAPACITY'
  /** No sandbox with that id (or the id is malformed). */
  | 'SANDBOX_NOT_FOUND'
  /** The runtime cannot make sandboxes here (e.g. bubblewrap missing); the message says how to fix it. */
  | 'UNAVAILABLE'
  /** The setup script failed or timed out; the sandbox was removed. */
  | 'SETUP_FAILED';

export class LabRuntimeError extends Error {
  override readonly name = 'LabRuntimeError';
  constructor(
    readonly code: LabRuntimeErrorCode,
    message: string,
  ) {
    super(message);
  }
}
