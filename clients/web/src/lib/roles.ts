/** Who may author a course: its instructors, and admins. */
export function canAuthorCourse(
  viewer: { id: string; roles: readonly string[] } | null | undefined,
  instructors: readonly { id: string }[] | null | undefined,
): boolean {
  if (!viewer) return false;
  return viewer.roles.includes('ADMIN') || !!instructors?.some((instructor) => instructor.id === viewer.id);
}

/** Whether the viewer has a role (INSTRUCTOR, ADMIN); false when signed out or not yet known. */
export function hasRole(viewer: { roles: readonly string[] } | null | undefined, role: string): boolean {
  return !!viewer?.roles.includes(role);
}
