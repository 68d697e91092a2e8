/** Who may author a course: its instructors, and admins. */
export function canAuthorCourse(
  viewer: { id: string; roles: readonly string[] } | null | undefined,
  instructors: readonly { id: string }[] | null | undefined,
): boolean {
  if (!viewer) return false;
  return viewer.roles.includes('ADMIN') || !!instructors?.some((instructor) => instructor.id === viewer.id);
}
