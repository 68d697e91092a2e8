/**
 * A stand-in for identity's `POST /internal/organization-members` (contract 1 of issue 12), served
 * over real HTTP: tests add and remove members and the progress subgraph asks it on each request.
 */
import { randomUUID } from 'node:crypto';
import {
  internalJsonRoute,
  ORGANIZATION_MEMBERS_PATH,
  sendJson,
  type OrganizationRole,
} from '@learncraft/kit';
import { serveTestRoutes } from '@learncraft/kit/testing';
import { z } from 'zod';

export interface IdentityDouble {
  url: string;
  /** A new organization's id. */
  organization(): string;
  addMember(organizationId: string, userId: string, role?: OrganizationRole): void;
  removeMember(organizationId: string, userId: string): void;
  /** How many member lookups were answered. */
  readonly calls: { organizationId: string; userId?: string }[];
  close(): Promise<void>;
}

const body = z.object({ organizationId: z.string().min(1), userId: z.string().min(1).optional() });

export async function startIdentityDouble(secret: string): Promise<IdentityDouble> {
  const organizations = new Map<string, Map<string, { role: OrganizationRole; joinedAt: string }>>();
  const calls: { organizationId: string; userId?: string }[] = [];
  const served = await serveTestRoutes({
    [`POST ${ORGANIZATION_MEMBERS_PATH}`]: internalJsonRoute(
      { secret, schema: body, shape: '{"organizationId": string, "userId"?: string}' },
      (request, res) => {
        calls.push(request);
        const members = [...(organizations.get(request.organizationId) ?? new Map())]
          .filter(([userId]) => !request.userId || userId === request.userId)
          .map(([userId, member]) => ({ userId, ...member }));
        sendJson(res, 200, { members });
        return Promise.resolve();
      },
    ),
  });
  return {
    url: served.url,
    calls,
    organization: () => randomUUID(),
    addMember(organizationId, userId, role = 'MEMBER') {
      const members = organizations.get(organizationId) ?? new Map();
      members.set(userId, { role, joinedAt: new Date().toISOString() });
      organizations.set(organizationId, members);
    },
    removeMember(organizationId, userId) {
      organizations.get(organizationId)?.delete(userId);
    },
    close: () => served.close(),
  };
}
