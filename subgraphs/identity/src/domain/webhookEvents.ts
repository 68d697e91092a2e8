/**
 * Webhook events: progress's learning events (topic `progress.learning`) mapped to the wire types
 * organizations subscribe to, and the JSON body each endpoint receives. Pure; no I/O.
 */
import { z } from 'zod';

export const LEARNING_TOPIC = 'progress.learning';
export const WEBHOOK_CONSUMER_GROUP = 'identity-webhooks';

/** Wire names (`type` of the body, `learncraft-event-type`) by SDL enum value. */
export const WEBHOOK_EVENT_TYPES = {
  MEMBER_ENROLLED: 'member.enrolled',
  LESSON_COMPLETED: 'lesson.completed',
  COURSE_COMPLETED: 'course.completed',
  LAB_PASSED: 'lab.passed',
} as const;
export type WebhookEventEnum = keyof typeof WEBHOOK_EVENT_TYPES;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[WebhookEventEnum];

const WIRE_TO_ENUM = new Map(
  Object.entries(WEBHOOK_EVENT_TYPES).map(([name, wire]) => [wire as string, name as WebhookEventEnum]),
);

export function eventTypeToEnum(wire: string): WebhookEventEnum {
  const name = WIRE_TO_ENUM.get(wire);
  if (!name) throw new Error(`unknown webhook event type ${wire}`);
  return name;
}

/** Contract 4: what progress publishes on `progress.learning`. */
export const learningEventSchema = z.object({
  type: z.enum(['enrolled', 'lesson.completed', 'course.completed', 'lab.passed']),
  occurredAt: z.iso.datetime({ offset: true }),
  userId: z.string().min(1).max(100),
  courseId: z.string().min(1).max(100),
  enrollmentId: z.string().min(1).max(100),
  lessonId: z.string().min(1).max(100).nullable(),
  progressPercent: z.number().int().min(0).max(100),
});
export type LearningEvent = z.infer<typeof learningEventSchema>;

export function webhookTypeOf(event: LearningEvent): WebhookEventType {
  return event.type === 'enrolled' ? 'member.enrolled' : event.type;
}

/** Contract 5: the body POSTed to an endpoint. Serialised once; the stored text is what is signed. */
export interface WebhookBody {
  id: string;
  type: WebhookEventType;
  createdAt: string;
  organization: { id: string };
  data: {
    user: { id: string; email: string; displayName: string };
    course: { id: string };
    lesson: { id: string } | null;
    enrollment: { id: string; progressPercent: number };
  };
}

export function webhookBody(
  eventId: string,
  event: LearningEvent,
  organizationId: string,
  user: { id: string; email: string; displayName: string },
): string {
  const body: WebhookBody = {
    id: eventId,
    type: webhookTypeOf(event),
    createdAt: new Date(event.occurredAt).toISOString(),
    organization: { id: organizationId },
    data: {
      user: { id: user.id, email: user.email, displayName: user.displayName },
      course: { id: event.courseId },
      lesson: event.lessonId ? { id: event.lessonId } : null,
      enrollment: { id: event.enrollmentId, progressPercent: event.progressPercent },
    },
  };
  return JSON.stringify(body);
}
