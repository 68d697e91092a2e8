/**
 * The course search port: what the catalog indexes about a course and how it asks for matches.
 * Adapters (in-process MiniSearch, Elasticsearch) implement the same contract and share the
 * request validation below, so a bad page window fails the same way on every backend.
 */

/** The searchable projection of a course. `description` is Markdown; adapters strip the syntax. */
export interface CourseSearchDocument {
  id: string;
  title: string;
  summary: string;
  description: string;
  lessonTitles: string[];
  categorySlug: string;
  level: string;
  language: string;
  published: boolean;
}

/** Exact-match facets; an absent key does not filter. */
export interface SearchFilter {
  category?: string;
  level?: string;
  language?: string;
}

export interface SearchOptions {
  filter: SearchFilter;
  offset: number;
  limit: number;
}

export interface SearchHit {
  id: string;
  score: number;
}

export interface SearchResult {
  hits: SearchHit[];
  /** Every match after filtering, not only this page. */
  total: number;
}

export interface CourseSearchIndex {
  /** Adds or replaces documents; unpublished ones are removed from the index (never searchable). */
  upsert(docs: CourseSearchDocument[]): Promise<void>;
  /** Removes documents by id; unknown ids are ignored. */
  remove(ids: string[]): Promise<void>;
  /** Ranked matches (score descending, then id ascending) for one page. */
  search(query: string, options: SearchOptions): Promise<SearchResult>;
  close(): Promise<void>;
}

/**
 * The deepest result a search can reach (offset + limit). Elasticsearch refuses windows past its
 * `index.max_result_window` (10 000 by default); the in-process index applies the same bound so
 * callers see one behaviour. Resolvers should turn a deeper cursor into BAD_USER_INPUT.
 */
export const MAX_SEARCH_WINDOW = 10_000;

/** A search backend failed (unreachable, rejected the request, or refused some documents). */
export class SearchBackendError extends Error {
  override name = 'SearchBackendError';
}

/** Rejects windows no backend can serve; programming errors, so they throw RangeError. */
export function assertSearchWindow(options: SearchOptions): void {
  const { offset, limit } = options;
  if (!Number.isInteger(offset) || offset < 0)
    throw new RangeError(`Search offset must be a non-negative integer, got ${offset}.`);
  if (!Number.isInteger(limit) || limit < 0)
    throw new RangeError(`Search limit must be a non-negative integer, got ${limit}.`);
  if (offset + limit > MAX_SEARCH_WINDOW) {
    throw new RangeError(`Search results past ${MAX_SEARCH_WINDOW} (offset + limit) are not available.`);
  }
}

/** Every document needs an id before anything is written, so a bad batch changes nothing. */
export function assertDocumentIds(ids: readonly string[]): void {
  const bad = ids.findIndex((id) => typeof id !== 'string' || id.trim() === '' || id.length > 512);
  if (bad !== -1)
    throw new TypeError(`Search document ${bad} has no valid id (a non-empty string up to 512 characters).`);
}

const FILTER_KEYS = ['category', 'level', 'language'] as const;

/** The filter entries that are set, in a fixed order. */
export function activeFilters(filter: SearchFilter): [keyof SearchFilter, string][] {
  return FILTER_KEYS.flatMap((key) =>
    filter[key] === undefined ? [] : [[key, filter[key]] as [keyof SearchFilter, string]],
  );
}
