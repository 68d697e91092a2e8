/**
 * commerce's seat route (contract 3 of issue 12): a member of an organization takes one of its
 * seats before an organization enrolls them.
 *
 *   POST /internal/organization-seats/assign {"organizationId", "userId"}
 *   200 {"seats": {"total", "used", "available"}}   (a member holding a seat keeps it)
 *   409 {"error": "NO_SEATS"} | {"error": "SEATS_EXHAUSTED"} | {"error": "NOT_A_MEMBER"} (left meanwhile)
 */
import { ErrorCode, graphQLError, internalRequest, type Logger } from '@learncraft/kit';
import { z } from 'zod';

const unavailable = () =>
  graphQLError(ErrorCode.SERVICE_UNAVAILABLE, 'Seats cannot be assigned right now; try again shortly.');

export const SEAT_ASSIGN_PATH = '/internal/organization-seats/assign';

export type SeatRefusal = 'NO_SEATS' | 'SEATS_EXHAUSTED' | 'NOT_A_MEMBER';

export interface SeatCounts {
  total: number;
  used: number;
  available: number;
}

export interface SeatClient {
  /** The member's seat (taken now or held already), or why there is none. */
  assign(
    organizationId: string,
    userId: string,
  ): Promise<{ ok: true; seats: SeatCounts } | { ok: false; refusal: SeatRefusal }>;
}

const assigned = z.object({
  seats: z.object({ total: z.number().int(), used: z.number().int(), available: z.number().int() }),
});
const refused = z.object({ error: z.enum(['NO_SEATS', 'SEATS_EXHAUSTED', 'NOT_A_MEMBER']) });

/** Throws SERVICE_UNAVAILABLE when commerce cannot answer (an enrollment is then not made). */
export function createHttpSeatClient(options: {
  baseUrl: string;
  secret: string;
  logger: Logger;
}): SeatClient {
  const url = `${options.baseUrl.replace(/\/+$/, '')}${SEAT_ASSIGN_PATH}`;
  return {
    async assign(organizationId, userId) {
      let answer: { status: number; body: unknown };
      try {
        answer = await internalRequest(url, options.secret, {
          method: 'POST',
          body: { organizationId, userId },
        });
      } catch (error) {
        options.logger.warn('commerce did not answer the seat assignment', { error: String(error) });
        throw unavailable();
      }
      const ok = answer.status === 200 ? assigned.safeParse(answer.body) : null;
      if (ok?.success) return { ok: true, seats: ok.data.seats };
      const no = answer.status === 409 ? refused.safeParse(answer.body) : null;
      if (no?.success) return { ok: false, refusal: no.data.error };
      options.logger.warn('commerce answered the seat assignment unexpectedly', { status: answer.status });
      throw unavailable();
    },
  };
}
