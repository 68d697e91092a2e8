/**
 * Course search: the port and the factory that picks its adapter. Elasticsearch when a URL is
 * configured (full stack), otherwise the in-process MiniSearch index (embedded default), which
 * starts empty: the caller indexes the published courses after opening it.
 */
import { createElasticsearchSearchIndex } from './elasticsearch';
import { createMemorySearchIndex } from './memory';
import type { CourseSearchIndex } from './types';

export {
  MAX_SEARCH_WINDOW,
  SearchBackendError,
  type CourseSearchDocument,
  type CourseSearchIndex,
  type SearchFilter,
  type SearchHit,
  type SearchOptions,
  type SearchResult,
} from './types';
export { createMemorySearchIndex } from './memory';
export { createElasticsearchSearchIndex, COURSE_INDEX_MAPPINGS } from './elasticsearch';
export { stripMarkdown } from './text';

export const DEFAULT_SEARCH_INDEX_NAME = 'learncraft-courses';

export interface SearchIndexOptions {
  /** `ELASTICSEARCH_URL`; unset or empty selects the in-process index. */
  elasticsearchUrl?: string;
  /** Elasticsearch index name (default `learncraft-courses`); ignored by the in-process index. */
  indexName?: string;
}

export async function createSearchIndex(options: SearchIndexOptions): Promise<CourseSearchIndex> {
  if (options.elasticsearchUrl) {
    return createElasticsearchSearchIndex({
      url: options.elasticsearchUrl,
      indexName: options.indexName ?? DEFAULT_SEARCH_INDEX_NAME,
    });
  }
  return createMemorySearchIndex();
}
