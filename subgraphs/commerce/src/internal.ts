/**
 * Service-to-service routes (never exposed through the gateway), guarded by the shared internal
 * secret: `POST /internal/course-access`, the course-access decisions every other service
 * enforces (the contract is in the kit's access.ts), and
 * `POST /internal/organization-seats/assign` (issue 12, contract 3):
 *   {"organizationId": string, "userId": string}
 *   200 {"seats": {"total", "used", "available"}}  (idempotent: a member holding a seat keeps it)
 *   409 {"error": "NO_SEATS"}         no team plan covers now (none bought, ended or refunded)
 *   409 {"error": "SEATS_EXHAUSTED"}  every seat is held by a member
 *   409 {"error": "NOT_A_MEMBER"}     the user is not a member of the organization (identity)
 *   503 {"error": "ORGANIZATIONS_UNAVAILABLE"} identity could not say who the members are
 */
import { z } from 'zod';
import {
  COURSE_ACCESS_PATH,
  MAX_ACCESS_COURSE_IDS,
  ROLES,
  internalJsonRoute,
  sendJson,
  type HttpRoute,
} from '@learncraft/kit';
import type { Logger } from '@learncraft/kit';
import type { AccessService } from './services/access';
import { ORGANIZATION_SEATS_ASSIGN_PATH, type SeatService } from './services/seats';

const courseAccessBody = z.object({
  userId: z.string().min(1).max(200).nullable(),
  roles: z.array(z.enum(ROLES)).max(10),
  courseIds: z.array(z.string().min(1).max(200)).min(1).max(MAX_ACCESS_COURSE_IDS),
});

const seatAssignBody = z.object({
  organizationId: z.string().min(1).max(200),
  userId: z.string().min(1).max(200),
});

export function internalRoutes(deps: {
  access: AccessService;
  seats: SeatService;
  secret: string | undefined;
  logger: Logger;
}): Record<string, HttpRoute> {
  return {
    [`POST ${COURSE_ACCESS_PATH}`]: internalJsonRoute(
      {
        secret: deps.secret,
        schema: courseAccessBody,
        shape: `{"userId": string | null, "roles": [Role], "courseIds": [string] (1..${MAX_ACCESS_COURSE_IDS})}`,
      },
      async (body, res) => {
        const subject = body.userId === null ? null : { id: body.userId, roles: body.roles };
        sendJson(res, 200, { decisions: await deps.access.decide(subject, body.courseIds) });
      },
    ),
    [`POST ${ORGANIZATION_SEATS_ASSIGN_PATH}`]: internalJsonRoute(
      {
        secret: deps.secret,
        schema: seatAssignBody,
        shape: '{"organizationId": string, "userId": string}',
      },
      async (body, res) => {
        let outcome;
        try {
          outcome = await deps.seats.assign(body.organizationId, body.userId);
        } catch (error) {
          deps.logger.warn('a seat could not be assigned: identity did not answer', { error: String(error) });
          return sendJson(res, 503, {
            error: 'ORGANIZATIONS_UNAVAILABLE',
            message: "The organization's members cannot be checked right now.",
          });
        }
        if (outcome.ok) return sendJson(res, 200, { seats: outcome.seats });
        sendJson(res, 409, { error: outcome.error });
      },
    ),
  };
}
