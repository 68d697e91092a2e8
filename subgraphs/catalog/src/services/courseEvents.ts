/**
 * `course.changed`: published through the kit's EventBus after every committed course write, so
 * services that keep a copy of course content (the ai subgraph's index) re-read the course. The
 * payload names the course and the version that was saved; consumers compare versions and may see
 * an event more than once. A failure to publish is logged and never undoes or fails the write.
 */
import type { EventBus, Logger } from '@learncraft/kit';
import type { CourseDocument } from '../domain/course';

export const COURSE_CHANGED_TOPIC = 'course.changed';

export interface CourseChangedEvent {
  courseId: string;
  version: number;
}

export interface CourseEvents {
  changed(course: CourseDocument): Promise<void>;
}

export function createCourseEvents(bus: EventBus, logger: Logger): CourseEvents {
  return {
    async changed(course) {
      const event: CourseChangedEvent = { courseId: course.id, version: course.version };
      try {
        await bus.publish(COURSE_CHANGED_TOPIC, event);
      } catch (error) {
        logger.error('course.changed could not be published', { ...event, error });
      }
    },
  };
}
