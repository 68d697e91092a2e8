/**
 * The figures of a request's rate limit as the gateway computed them before execution, carried to
 * subgraphs in one header so a subgraph can resolve `Query.rateLimit` without counting anything
 * itself. Only the gateway sets the header (it drops any copy a client sent), and a subgraph
 * believes it only next to the gateway's credential, like the client address.
 */
import { z } from 'zod';

export const RATE_LIMIT_HEADER = 'x-learncraft-rate-limit';

export interface RateLimitStatus {
  /** Points this operation cost. */
  cost: number;
  /** Points per window of the subject's budget. */
  limit: number;
  /** Points left in the window after this operation. */
  remaining: number;
  /** Points spent in the window, this operation included. */
  used: number;
  /** When the window ends and the budget is whole again (ISO-8601, UTC). */
  resetAt: string;
}

const points = z.number().int().min(0);
const rateLimitStatusSchema = z.object({
  cost: points,
  limit: points,
  remaining: points,
  used: points,
  resetAt: z.iso.datetime(),
});

export function encodeRateLimitStatus(status: RateLimitStatus): string {
  return JSON.stringify(status);
}

/** The status in a header value, or null when it is absent or not one the gateway writes. */
export function decodeRateLimitStatus(value: string | string[] | undefined): RateLimitStatus | null {
  if (typeof value !== 'string') return null;
  try {
    const parsed = rateLimitStatusSchema.safeParse(JSON.parse(value));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
