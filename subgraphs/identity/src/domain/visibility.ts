/** Who may see which parts of a user account. */
import { hasRole, type Viewer } from '@learncraft/kit';

/** An email address is personal: only its owner and administrators see it. */
export function canSeeEmail(viewer: Viewer | null, userId: string): boolean {
  return viewer?.id === userId || hasRole(viewer, 'ADMIN');
}
