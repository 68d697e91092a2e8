/**
 * Identity's service-to-service routes (never exposed through the gateway), guarded by the shared
 * internal secret: the sessions revoked since an instant, which the gateway polls so that an
 * access token of a signed-out session (or of a revoked API key) stops working before it expires;
 * users by id (e-mail address and display name), which commerce snapshots on an order for its
 * receipt; an organization's members (the kit's organization directory); and the exchange of an
 * API key for a short-lived token, which the gateway makes for every keyed request.
 */
import {
  INTERNAL_HEADER,
  MAX_LISTED_MEMBERS,
  ORGANIZATION_MEMBERS_PATH,
  internalJsonRoute,
  isInternalCaller,
  sendJson,
  type HttpRoute,
  type OrganizationMembership,
} from '@learncraft/kit';
import { z } from 'zod';
import type { ApiKeyService } from './services/apiKeys';
import type { ApiKeyStore, OrganizationStore, SessionStore, UserStore } from './stores';

export const REVOKED_SESSIONS_PATH = '/internal/revoked-sessions';
/** Most sessions in one answer; a full page means "ask again from the last `revokedAt`". */
export const REVOKED_SESSIONS_PAGE = 1_000;

/**
 * The answer of `GET /internal/revoked-sessions?since=<ISO-8601>` (without `since`: the last
 * access-token lifetime).
 */
export interface RevokedSessionsAnswer {
  /** Identity's clock when it answered: the `since` of the next poll. */
  now: string;
  /** How long an access token lives: a revocation can be forgotten that long after it happened. */
  accessTokenTtlSeconds: number;
  sessions: { sessionId: string; revokedAt: string }[];
  /** True when there may be more after the last one (the page was full). */
  more: boolean;
}

export const USERS_PATH = '/internal/users';
/** Most ids in one `POST /internal/users`. */
export const USERS_MAX_IDS = 100;

const usersRequest = z.object({ ids: z.array(z.string()).min(1).max(USERS_MAX_IDS) });

/** The answer of `POST /internal/users` `{"ids": [...]}`: in request order, unknown ids left out. */
export interface UsersAnswer {
  users: { id: string; email: string; displayName: string }[];
}

export const API_KEY_EXCHANGE_PATH = '/internal/api-keys/exchange';

const membersRequest = z.object({
  organizationId: z.string().max(100),
  userId: z.string().max(100).optional(),
});
const exchangeRequest = z.object({ key: z.string().max(10_000) });

/** The answer of `POST /internal/api-keys/exchange` for a valid key. */
export interface ApiKeyExchangeAnswer {
  accessToken: string;
  expiresAt: string;
  apiKey: { id: string; organizationId: string; scopes: string[] };
}

/** The one answer for unknown, malformed, revoked and expired keys alike. */
export const INVALID_API_KEY_ANSWER = {
  error: 'INVALID_API_KEY',
  message: 'The API key is invalid, revoked or expired.',
} as const;

export function internalRoutes(options: {
  sessions: SessionStore;
  users: UserStore;
  organizations: OrganizationStore;
  apiKeys: ApiKeyStore;
  apiKeyService: ApiKeyService;
  secret: string | undefined;
  accessTokenTtlSeconds: number;
  now: () => Date;
}): Record<string, HttpRoute> {
  return {
    [`GET ${REVOKED_SESSIONS_PATH}`]: async (req, res) => {
      if (!isInternalCaller(req.headers[INTERNAL_HEADER], options.secret))
        return sendJson(res, 403, { error: 'forbidden' });
      const now = options.now();
      // Without `since`: as far back as a still-valid access token can have been issued.
      const sinceParam = new URL(req.url ?? '/', 'http://localhost').searchParams.get('since');
      const since = sinceParam
        ? new Date(sinceParam)
        : new Date(now.getTime() - options.accessTokenTtlSeconds * 1000);
      if (Number.isNaN(since.getTime()))
        return sendJson(res, 400, { error: 'since must be an ISO-8601 instant' });
      // Sign-outs and key revocations (a rotated key once its grace ends) in one list, by time.
      const [sessions, keys] = await Promise.all([
        options.sessions.revokedSince(since, REVOKED_SESSIONS_PAGE),
        options.apiKeys.revokedBetween(since, now, REVOKED_SESSIONS_PAGE),
      ]);
      const revoked = [...sessions, ...keys.map((key) => ({ sessionId: key.id, revokedAt: key.revokedAt }))]
        .sort((a, b) => a.revokedAt.getTime() - b.revokedAt.getTime())
        .slice(0, REVOKED_SESSIONS_PAGE);
      const answer: RevokedSessionsAnswer = {
        now: now.toISOString(),
        accessTokenTtlSeconds: options.accessTokenTtlSeconds,
        sessions: revoked.map((session) => ({
          sessionId: session.sessionId,
          revokedAt: session.revokedAt.toISOString(),
        })),
        more: revoked.length === REVOKED_SESSIONS_PAGE,
      };
      sendJson(res, 200, answer);
    },
    [`POST ${USERS_PATH}`]: internalJsonRoute(
      {
        secret: options.secret,
        schema: usersRequest,
        shape: `{"ids": [string]} with 1 to ${USERS_MAX_IDS} ids`,
      },
      async ({ ids }, res) => {
        const found = new Map((await options.users.byIds(ids)).map((user) => [user.id, user]));
        const answer: UsersAnswer = {
          users: [...new Set(ids)].flatMap((id) => {
            const user = found.get(id);
            return user ? [{ id: user.id, email: user.email, displayName: user.displayName }] : [];
          }),
        };
        sendJson(res, 200, answer);
      },
    ),
    [`POST ${ORGANIZATION_MEMBERS_PATH}`]: internalJsonRoute(
      {
        secret: options.secret,
        schema: membersRequest,
        shape: '{"organizationId": string, "userId"?: string}',
      },
      async ({ organizationId, userId }, res) => {
        const found = userId
          ? await options.organizations.memberships([{ organizationId, userId }])
          : await options.organizations.members(organizationId, MAX_LISTED_MEMBERS);
        const members: OrganizationMembership[] = found.map((member) => ({
          userId: member.userId,
          role: member.role,
          joinedAt: member.joinedAt.toISOString(),
        }));
        sendJson(res, 200, { members });
      },
    ),
    [`POST ${API_KEY_EXCHANGE_PATH}`]: internalJsonRoute(
      { secret: options.secret, schema: exchangeRequest, shape: '{"key": string}' },
      async ({ key }, res) => {
        const exchanged = await options.apiKeyService.exchange(key);
        if (!exchanged) return sendJson(res, 401, INVALID_API_KEY_ANSWER);
        const answer: ApiKeyExchangeAnswer = {
          accessToken: exchanged.token,
          expiresAt: exchanged.expiresAt.toISOString(),
          apiKey: exchanged.apiKey,
        };
        sendJson(res, 200, answer);
      },
    ),
  };
}
