/** The per-request GraphQL context of the catalog subgraph. */
import type { AccessChecker, RequestBase } from '@learncraft/kit';
import type { Loaders } from './loaders';
import type { CourseSearchIndex } from './search';
import type { AuthoringService } from './services/authoring';
import type { CourseStore } from './stores/courseStore';

export interface CatalogContext extends RequestBase {
  courses: CourseStore;
  search: CourseSearchIndex;
  authoring: AuthoringService;
  loaders: Loaders;
  /** Who may open which course's lessons (commerce); open when no commerce is deployed. */
  access: AccessChecker;
}
