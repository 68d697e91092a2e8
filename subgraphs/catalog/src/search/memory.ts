/**
 * The in-process course search index (embedded default): MiniSearch over the published courses.
 * Instant search: the last term matches as a prefix; longer terms tolerate typos; all terms must
 * match unless that finds nothing, then any term may. Facet filters are exact.
 */
import MiniSearch, { type SearchResult as MiniSearchResult } from 'minisearch';
import { ENGLISH_STOP_WORDS, toIndexedCourse, type IndexedCourse } from './text';
import {
  activeFilters,
  assertDocumentIds,
  assertSearchWindow,
  type CourseSearchDocument,
  type CourseSearchIndex,
  type SearchFilter,
  type SearchOptions,
  type SearchResult,
} from './types';

type Facets = Pick<IndexedCourse, 'categorySlug' | 'level' | 'language'>;

const FACET_OF: Record<keyof SearchFilter, keyof Facets> = {
  category: 'categorySlug',
  level: 'level',
  language: 'language',
};

/** Typo tolerance only where a term is long enough that one edit does not make another word. */
const FUZZY_MIN_LENGTH = 4;

export function createMemorySearchIndex(): CourseSearchIndex {
  return new MemorySearchIndex();
}

// The port is asynchronous; these methods stay `async` (with nothing to await) so a validation
// failure surfaces as a rejected promise, exactly as it does from the remote adapter.
/* eslint-disable @typescript-eslint/require-await */
class MemorySearchIndex implements CourseSearchIndex {
  private readonly facets = new Map<string, Facets>();
  private readonly mini = new MiniSearch<IndexedCourse>({
    idField: 'id',
    fields: ['title', 'lessonTitles', 'summary', 'description'],
    storeFields: [],
    stringifyField: (value: unknown) => (Array.isArray(value) ? value.join('\n') : String(value)),
    processTerm: (term) => {
      const lower = term.toLowerCase();
      return ENGLISH_STOP_WORDS.has(lower) ? null : lower;
    },
    searchOptions: {
      boost: { title: 4, lessonTitles: 2, summary: 2, description: 1 },
      prefix: (_term, index, terms) => index === terms.length - 1,
      fuzzy: (term) => (term.length >= FUZZY_MIN_LENGTH ? 0.2 : false),
    },
  });

  async upsert(docs: CourseSearchDocument[]): Promise<void> {
    assertDocumentIds(docs.map((doc) => doc.id));
    // Prepare everything before touching the index, so a throwing document changes nothing.
    const prepared = docs.map((doc) => ({ id: doc.id, course: doc.published ? toIndexedCourse(doc) : null }));
    for (const { id, course } of prepared) {
      this.discard(id);
      if (!course) continue;
      this.mini.add(course);
      this.facets.set(id, {
        categorySlug: course.categorySlug,
        level: course.level,
        language: course.language,
      });
    }
  }

  async remove(ids: string[]): Promise<void> {
    for (const id of ids) this.discard(id);
  }

  async search(query: string, options: SearchOptions): Promise<SearchResult> {
    assertSearchWindow(options);
    if (query.trim() === '') return { hits: [], total: 0 };
    const filters = activeFilters(options.filter);
    const accept = (result: MiniSearchResult) => {
      const facets = this.facets.get(String(result.id));
      return facets !== undefined && filters.every(([key, value]) => facets[FACET_OF[key]] === value);
    };
    let results = this.mini.search(query, { combineWith: 'AND', filter: accept });
    if (results.length === 0) results = this.mini.search(query, { combineWith: 'OR', filter: accept });
    results.sort((a, b) => b.score - a.score || compareIds(String(a.id), String(b.id)));
    const page = results.slice(options.offset, options.offset + options.limit);
    return {
      hits: page.map((result) => ({ id: String(result.id), score: result.score })),
      total: results.length,
    };
  }

  async close(): Promise<void> {
    this.mini.removeAll();
    this.facets.clear();
  }

  private discard(id: string): void {
    if (this.mini.has(id)) this.mini.discard(id);
    this.facets.delete(id);
  }
}
/* eslint-enable @typescript-eslint/require-await */

/** Code-unit order, the order Elasticsearch sorts keyword ids in (for the ids we generate). */
function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
