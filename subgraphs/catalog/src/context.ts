/** The per-request GraphQL context of the catalog subgraph. */
import type { RequestBase } from '@learncraft/kit';
import type { Loaders } from './loaders';
import type { CourseSearchIndex } from './search';
import type { AuthoringService } from './services/authoring';
import type { CourseStore } from './stores/courseStore';

export interface CatalogContext extends RequestBase {
  courses: CourseStore;
  search: CourseSearchIndex;
  authoring: AuthoringService;
  loaders: Loaders;
}
