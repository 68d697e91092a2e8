/** coursePriceSet: a course's instructors or an ADMIN set its price (`parseMoney`) or make it free. */
import { forbidden, hasRole, notFound, userError, type UserError, type Viewer } from '@learncraft/kit';
import { parseMoney } from '../domain/money';
import type { CommerceStore } from '../stores/commerceStore';
import type { CourseLookup } from './access';

export interface CoursePriceSetInput {
  courseId: string;
  price?: { amount: number; currency: string } | null;
}

export async function setCoursePrice(
  deps: { store: CommerceStore; now: () => Date },
  viewer: Viewer,
  input: CoursePriceSetInput,
  courses: CourseLookup,
): Promise<{ course: { id: string } | null; userErrors: UserError[] }> {
  const [course] = await courses([input.courseId]);
  if (!course) throw notFound('Course', input.courseId);
  if (!hasRole(viewer, 'ADMIN') && !course.instructorIds.includes(viewer.id))
    throw forbidden('Only the course’s instructors and ADMINs may set its price.');
  let price = null;
  if (input.price) {
    const parsed = parseMoney(input.price);
    if (!parsed.ok) {
      const field = parsed.code === 'INVALID_AMOUNT' ? 'amount' : 'currency';
      return {
        course: null,
        userErrors: [userError(parsed.code, parsed.message, ['input', 'price', field])],
      };
    }
    price = parsed.money;
  }
  await deps.store.setPrice(course.id, price, viewer.id, deps.now());
  return { course: { id: course.id }, userErrors: [] };
}
