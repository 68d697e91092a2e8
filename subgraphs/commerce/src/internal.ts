/**
 * Service-to-service routes (never exposed through the gateway), guarded by the shared internal
 * secret: `POST /internal/course-access`, the course-access decisions every other service
 * enforces (the contract is in the kit's access.ts).
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
import type { AccessService } from './services/access';

const courseAccessBody = z.object({
  userId: z.string().min(1).max(200).nullable(),
  roles: z.array(z.enum(ROLES)).max(10),
  courseIds: z.array(z.string().min(1).max(200)).min(1).max(MAX_ACCESS_COURSE_IDS),
});

export function internalRoutes(deps: {
  access: AccessService;
  secret: string | undefined;
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
  };
}
