/** Checks of webhook endpoint input (events, description) and the userErrors they give. Pure. */
import { userError, type UserError } from '@learncraft/kit';
import { WEBHOOK_EVENT_TYPES, type WebhookEventEnum, type WebhookEventType } from './webhookEvents';

export const DESCRIPTION_MAX = 200;
export const MAX_ENDPOINTS_PER_ORGANIZATION = 10;

export const WebhookErrorCode = {
  INVALID_URL: 'INVALID_URL',
  URL_NOT_ALLOWED: 'URL_NOT_ALLOWED',
  INVALID_EVENTS: 'INVALID_EVENTS',
  INVALID_DESCRIPTION: 'INVALID_DESCRIPTION',
  TOO_MANY_ENDPOINTS: 'TOO_MANY_ENDPOINTS',
  ENDPOINT_DISABLED: 'ENDPOINT_DISABLED',
} as const;

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

export function eventsProblem(events: readonly WebhookEventEnum[]): UserError | null {
  const distinct = new Set(events);
  if (events.length === 0 || events.length > 4 || distinct.size !== events.length)
    return userError(WebhookErrorCode.INVALID_EVENTS, 'Choose 1 to 4 different events.', ['input', 'events']);
  return null;
}

export function toWireEvents(events: readonly WebhookEventEnum[]): WebhookEventType[] {
  return events.map((name) => WEBHOOK_EVENT_TYPES[name]);
}

/** The description as stored (trimmed), or the problem with it. */
export function checkDescription(description: string): { value: string } | { problem: UserError } {
  const value = description.trim();
  if (value.length > DESCRIPTION_MAX)
    return {
      problem: userError(
        WebhookErrorCode.INVALID_DESCRIPTION,
        `Descriptions can be at most ${DESCRIPTION_MAX} characters long.`,
        ['input', 'description'],
      ),
    };
  if (CONTROL.test(value))
    return {
      problem: userError(
        WebhookErrorCode.INVALID_DESCRIPTION,
        'Descriptions cannot contain control characters such as line breaks or tabs.',
        ['input', 'description'],
      ),
    };
  return { value };
}
