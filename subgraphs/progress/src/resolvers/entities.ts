/** Fields progress contributes to entities other subgraphs own: User, Course, Lesson and Organization. */
import { forbidden, hasRole, pageRequest, requireViewer, toConnection } from '@learncraft/kit';
import type { ProgressContext } from '../context';
import { NOT_STARTED } from '../domain/progress';
import { organizationEnrollments, type OrganizationEnrollmentArgs } from '../services/organizations';
import type { LessonProgressParent } from './enrollment';

interface Ref {
  id: string;
}

export const entityResolvers = {
  User: {
    __resolveReference: (ref: Ref) => ref,
    async enrollments(
      user: Ref,
      args: { first?: number | null; after?: string | null },
      ctx: ProgressContext,
    ) {
      const viewer = requireViewer(ctx.viewer);
      if (viewer.id !== user.id && !hasRole(viewer, 'ADMIN'))
        throw forbidden("You may not read another user's enrollments.");
      const page = pageRequest(args);
      const [rows, total] = await Promise.all([
        ctx.loaders.enrollmentPage.load({ ownerId: user.id, page }),
        ctx.loaders.enrollmentCount.load(user.id),
      ]);
      return toConnection(rows, total, page);
    },
  },
  Course: {
    __resolveReference: (ref: Ref) => ref,
    async viewerEnrollment(course: Ref, _args: unknown, ctx: ProgressContext) {
      if (!ctx.viewer) return null;
      const found = await ctx.loaders.enrollmentWithLessons.load({
        userId: ctx.viewer.id,
        courseId: course.id,
      });
      return found?.enrollment ?? null;
    },
  },
  Lesson: {
    __resolveReference: (ref: Ref) => ref,
    async viewerProgress(
      lesson: Ref,
      _args: unknown,
      ctx: ProgressContext,
    ): Promise<LessonProgressParent | null> {
      if (!ctx.viewer) return null;
      const found = await ctx.loaders.lesson.load(lesson.id);
      if (!found) return null;
      const viewed = await ctx.loaders.enrollmentWithLessons.load({
        userId: ctx.viewer.id,
        courseId: found.courseId,
      });
      if (!viewed) return null;
      const { enrollment, lessons } = viewed;
      return (
        lessons.find((row) => row.lessonId === lesson.id) ?? {
          enrollmentId: enrollment.id,
          lessonId: lesson.id,
          ...NOT_STARTED,
        }
      );
    },
  },
  Organization: {
    __resolveReference: (ref: Ref) => ref,
    enrollments: (organization: Ref, args: OrganizationEnrollmentArgs, ctx: ProgressContext) =>
      organizationEnrollments(ctx, organization.id, args),
  },
};
