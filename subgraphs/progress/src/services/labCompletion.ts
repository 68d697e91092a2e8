/**
 * The hand-off from labs: a LAB lesson completes when the labs service reports that every step's
 * check passed. Exactly once per learner and lesson (the store decides under the enrollment's row
 * lock), with the LESSON_COMPLETED event published after the commit only when the state changed.
 */
import { ErrorCode, type Logger, type PubSub } from '@learncraft/kit';
import { GraphQLError } from 'graphql';
import { applyCompletion } from '../domain/progress';
import type { ProgressStores } from '../context';
import { publish } from './learning';

export interface LabCompletionDeps {
  stores: ProgressStores;
  pubsub: PubSub;
  logger: Logger;
  now: () => Date;
}

/** Why a hand-off was refused: the HTTP status and the JSON error the route answers with. */
export interface HandOffRefusal {
  ok: false;
  status: 404 | 409 | 503;
  error: 'LESSON_NOT_FOUND' | 'NOT_A_LAB' | 'NOT_ENROLLED' | 'CATALOG_UNAVAILABLE';
  message: string;
}

export async function isEnrolled(
  deps: Pick<LabCompletionDeps, 'stores'>,
  input: { userId: string; courseId: string },
): Promise<boolean> {
  const [enrollment] = await deps.stores.progress.enrollmentsByUserAndCourse([input]);
  return enrollment !== undefined;
}

export async function completeLabLesson(
  deps: LabCompletionDeps,
  input: { userId: string; lessonId: string; reference: string },
): Promise<{ ok: true; alreadyComplete: boolean } | HandOffRefusal> {
  const found = await catalogLesson(deps, input.lessonId);
  if (!found.ok) return found;
  const { lesson, course } = found;
  if (lesson.kind !== 'LAB') {
    return refuse(
      409,
      'NOT_A_LAB',
      `Lesson ${lesson.id} is a ${lesson.kind} lesson; only LAB lessons complete through checks.`,
    );
  }
  const [enrollment] = await deps.stores.progress.enrollmentsByUserAndCourse([
    { userId: input.userId, courseId: course.id },
  ]);
  if (!enrollment) {
    return refuse(409, 'NOT_ENROLLED', `User ${input.userId} is not enrolled in course ${course.id}.`);
  }
  const at = deps.now();
  const result = await deps.stores.progress.completeLessonOnce({
    enrollmentId: enrollment.id,
    lessonId: lesson.id,
    lessonKind: lesson.kind,
    at,
    courseLessonIds: course.lessonIds,
    reference: input.reference,
    next: (current) => applyCompletion(current, at),
  });
  if (!result.changed) return { ok: true, alreadyComplete: true };
  await publish(deps, result.enrollment, lesson.id, 'LESSON_COMPLETED', at);
  return { ok: true, alreadyComplete: false };
}

/** The lesson and its course, read past the cache (a completion is rare and must see the current syllabus). */
async function catalogLesson(deps: LabCompletionDeps, lessonId: string) {
  try {
    const [lesson] = await deps.stores.catalog.lessonsByIds([lessonId], { fresh: true });
    const [course] =
      lesson?.coursePublished === true
        ? await deps.stores.catalog.coursesByIds([lesson.courseId], { fresh: true })
        : [];
    if (!lesson || !course) return refuse(404, 'LESSON_NOT_FOUND', `Lesson ${lessonId} was not found.`);
    return { ok: true as const, lesson, course };
  } catch (error) {
    if (error instanceof GraphQLError && error.extensions.code === ErrorCode.SERVICE_UNAVAILABLE) {
      return refuse(503, 'CATALOG_UNAVAILABLE', error.message);
    }
    throw error;
  }
}

function refuse(
  status: HandOffRefusal['status'],
  error: HandOffRefusal['error'],
  message: string,
): HandOffRefusal {
  return { ok: false, status, error, message };
}
