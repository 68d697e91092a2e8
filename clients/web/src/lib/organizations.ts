/**
 * Words and paths of the organization console: roles, API key scopes (the enum and the
 * `area:action` name partners see in the docs and in errors), webhook events, and the rows of the
 * progress report's CSV export.
 */
import type {
  ApiKeyScope,
  OrganizationEnrollmentFieldsFragment,
  OrganizationRole,
  WebhookDeliveryStatus,
  WebhookEventType,
} from '@learncraft/operations/types';
import { toCsv } from './csv';

export const organizationPath = (id: string) => `/organizations/${id}`;
export const invitationPath = (token: string) => `/invitations/${encodeURIComponent(token)}`;

export const ROLE_LABELS: Record<OrganizationRole, string> = {
  OWNER: 'Owner',
  MANAGER: 'Manager',
  MEMBER: 'Member',
};
export const ROLES: readonly OrganizationRole[] = ['OWNER', 'MANAGER', 'MEMBER'];

/** Every scope with its wire name and what it allows, in the order the picker shows them. */
export const API_KEY_SCOPES: readonly { scope: ApiKeyScope; name: string; description: string }[] = [
  { scope: 'CATALOG_READ', name: 'catalog:read', description: 'Courses, search, categories and plans' },
  { scope: 'MEMBERS_READ', name: 'members:read', description: 'Members, invitations and seats' },
  { scope: 'MEMBERS_WRITE', name: 'members:write', description: 'Invite and remove members' },
  { scope: 'ENROLLMENTS_WRITE', name: 'enrollments:write', description: 'Enrol members in courses' },
  { scope: 'PROGRESS_READ', name: 'progress:read', description: "Members' enrollments and progress" },
  { scope: 'WEBHOOKS_READ', name: 'webhooks:read', description: 'Webhook endpoints and deliveries' },
  { scope: 'WEBHOOKS_WRITE', name: 'webhooks:write', description: 'Manage webhook endpoints' },
];

export const scopeName = (scope: ApiKeyScope): string =>
  API_KEY_SCOPES.find((entry) => entry.scope === scope)?.name ?? scope;

export const WEBHOOK_EVENTS: readonly { event: WebhookEventType; name: string }[] = [
  { event: 'MEMBER_ENROLLED', name: 'member.enrolled' },
  { event: 'LESSON_COMPLETED', name: 'lesson.completed' },
  { event: 'COURSE_COMPLETED', name: 'course.completed' },
  { event: 'LAB_PASSED', name: 'lab.passed' },
];

export const eventName = (event: WebhookEventType): string =>
  WEBHOOK_EVENTS.find((entry) => entry.event === event)?.name ?? event;

export const DELIVERY_STATUS_LABELS: Record<WebhookDeliveryStatus, string> = {
  PENDING: 'Pending',
  SUCCEEDED: 'Succeeded',
  FAILED: 'Failed',
};

export const PROGRESS_CSV_HEADER = [
  'Member',
  'Email',
  'Course',
  'Progress (%)',
  'Completed at',
  'Updated at',
] as const;

/** The progress report as CSV: one row per enrollment, instants as ISO 8601 (UTC). */
export function progressCsv(enrollments: readonly OrganizationEnrollmentFieldsFragment[]): string {
  return toCsv(
    PROGRESS_CSV_HEADER,
    enrollments.map((enrollment) => [
      enrollment.user.displayName,
      enrollment.user.email,
      enrollment.course.title,
      enrollment.progressPercent,
      enrollment.completedAt,
      enrollment.updatedAt,
    ]),
  );
}
