/**
 * The Elasticsearch course search index (full stack): one index with explicit mappings, written
 * through the bulk API and read with a bool query (fuzzy multi_match over the text fields, a title
 * prefix for as-you-type, exact term filters). Every backend failure is thrown as a
 * SearchBackendError whose message names the operation and Elasticsearch's reason.
 */
import { Client, errors, type estypes } from '@elastic/elasticsearch';
import { toIndexedCourse, type IndexedCourse } from './text';
import {
  activeFilters,
  assertDocumentIds,
  assertSearchWindow,
  SearchBackendError,
  type CourseSearchDocument,
  type CourseSearchIndex,
  type SearchFilter,
  type SearchOptions,
  type SearchResult,
} from './types';

export interface ElasticsearchSearchIndexOptions {
  url: string;
  indexName: string;
  /** Per-request timeout; search sits on the request path of a GraphQL query. */
  requestTimeoutMs?: number;
}

const englishText = { type: 'text', analyzer: 'english' } as const;

/** `dynamic: strict` so a typo in a field name fails loudly instead of growing the mapping. */
export const COURSE_INDEX_MAPPINGS: estypes.MappingTypeMapping = {
  dynamic: 'strict',
  properties: {
    id: { type: 'keyword' },
    title: englishText,
    summary: englishText,
    description: englishText,
    lessonTitles: englishText,
    categorySlug: { type: 'keyword' },
    level: { type: 'keyword' },
    language: { type: 'keyword' },
  },
};

/** One NDJSON line of a bulk request: an action, or the document an `index` action carries. */
type BulkLine = estypes.BulkOperationContainer | IndexedCourse;

const SEARCH_FIELDS = ['title^4', 'lessonTitles^2', 'summary^2', 'description'];

const FILTER_FIELD: Record<keyof SearchFilter, string> = {
  category: 'categorySlug',
  level: 'level',
  language: 'language',
};

export async function createElasticsearchSearchIndex(
  options: ElasticsearchSearchIndexOptions,
): Promise<CourseSearchIndex> {
  const client = new Client({
    node: options.url,
    requestTimeout: options.requestTimeoutMs ?? 10_000,
    maxRetries: 2,
  });
  try {
    await ensureIndex(client, options.indexName);
  } catch (error) {
    await client.close();
    throw backendError('index creation', error);
  }
  return new ElasticsearchSearchIndex(client, options.indexName);
}

async function ensureIndex(client: Client, index: string): Promise<void> {
  if (await client.indices.exists({ index })) return;
  try {
    await client.indices.create({ index, mappings: COURSE_INDEX_MAPPINGS });
  } catch (error) {
    // Another replica created it between our check and our create: that is the state we want.
    if (errorType(error) !== 'resource_already_exists_exception') throw error;
  }
}

class ElasticsearchSearchIndex implements CourseSearchIndex {
  constructor(
    private readonly client: Client,
    private readonly index: string,
  ) {}

  async upsert(docs: CourseSearchDocument[]): Promise<void> {
    assertDocumentIds(docs.map((doc) => doc.id));
    const operations = docs.flatMap((doc): BulkLine[] =>
      doc.published ? [{ index: { _id: doc.id } }, toIndexedCourse(doc)] : [{ delete: { _id: doc.id } }],
    );
    await this.bulk('upsert', operations);
  }

  async remove(ids: string[]): Promise<void> {
    assertDocumentIds(ids);
    await this.bulk(
      'remove',
      ids.map((id) => ({ delete: { _id: id } })),
    );
  }

  async search(query: string, options: SearchOptions): Promise<SearchResult> {
    assertSearchWindow(options);
    const text = query.trim();
    if (text === '') return { hits: [], total: 0 };
    const result = await this.query(text, options, 'and');
    // Same fallback as the in-process index: when every word together finds nothing, any word may.
    if (result.total === 0 && /\s/.test(text)) return this.query(text, options, 'or');
    return result;
  }

  async close(): Promise<void> {
    await this.client.close();
  }

  private async query(text: string, options: SearchOptions, operator: 'and' | 'or'): Promise<SearchResult> {
    let response: estypes.SearchResponse;
    try {
      response = await this.client.search({
        index: this.index,
        query: buildQuery(text, options.filter, operator),
        sort: [{ _score: { order: 'desc' } }, { id: { order: 'asc' } }],
        from: options.offset,
        size: options.limit,
        track_total_hits: true,
        _source: false,
      });
    } catch (error) {
      throw backendError('search', error);
    }
    const total = response.hits.total;
    return {
      hits: response.hits.hits.flatMap((hit) =>
        hit._id === undefined ? [] : [{ id: hit._id, score: hit._score ?? 0 }],
      ),
      total: typeof total === 'number' ? total : (total?.value ?? 0),
    };
  }

  /** One bulk request; `refresh: wait_for` so a search right after the write sees it. */
  private async bulk(action: string, operations: BulkLine[]): Promise<void> {
    if (operations.length === 0) return;
    let response: estypes.BulkResponse;
    try {
      response = await this.client.bulk({ index: this.index, operations, refresh: 'wait_for' });
    } catch (error) {
      throw backendError(action, error);
    }
    if (!response.errors) return;
    const failures = response.items.flatMap((item) =>
      Object.entries(item).flatMap(([type, result]) =>
        // Deleting a document that is not there is the outcome a delete asks for.
        result?.error && !(type === 'delete' && result.status === 404)
          ? [{ id: result._id, error: result.error }]
          : [],
      ),
    );
    const first = failures[0];
    if (!first) return;
    throw new SearchBackendError(
      `Elasticsearch ${action} failed for ${failures.length} of ${response.items.length} documents; ` +
        `first: ${first.id ?? '(no id)'}: ${first.error.type}: ${first.error.reason ?? 'no reason given'}`,
    );
  }
}

/**
 * must: the words, matched either fuzzily in any text field or, for the word being typed, as a
 * title prefix ("kube" finds "Kubernetes"); filter: exact facets, which do not affect scores.
 */
export function buildQuery(
  text: string,
  filter: SearchFilter,
  operator: 'and' | 'or',
): estypes.QueryDslQueryContainer {
  return {
    bool: {
      must: [
        {
          bool: {
            should: [
              {
                multi_match: {
                  query: text,
                  type: 'best_fields',
                  fields: SEARCH_FIELDS,
                  fuzziness: 'AUTO',
                  operator,
                },
              },
              { match_bool_prefix: { title: { query: text, operator } } },
            ],
            minimum_should_match: 1,
          },
        },
      ],
      filter: activeFilters(filter).map(([key, value]) => ({ term: { [FILTER_FIELD[key]]: value } })),
    },
  };
}

/** The `error` object Elasticsearch puts in a failed response body, when there is one. */
function errorCause(error: unknown): { type?: string; reason?: string } | string | undefined {
  if (!(error instanceof errors.ResponseError)) return undefined;
  const body: unknown = error.body;
  if (typeof body !== 'object' || body === null || !('error' in body)) return undefined;
  const cause: unknown = body.error;
  if (typeof cause === 'string') return cause;
  if (typeof cause !== 'object' || cause === null) return undefined;
  return {
    type: 'type' in cause && typeof cause.type === 'string' ? cause.type : undefined,
    reason: 'reason' in cause && typeof cause.reason === 'string' ? cause.reason : undefined,
  };
}

function errorType(error: unknown): string | undefined {
  const cause = errorCause(error);
  return typeof cause === 'object' ? cause.type : undefined;
}

function backendError(action: string, error: unknown): SearchBackendError {
  if (error instanceof errors.ResponseError) {
    const cause = errorCause(error);
    const reason =
      typeof cause === 'string'
        ? cause
        : cause
          ? [cause.type ?? 'error', cause.reason].filter(Boolean).join(': ')
          : error.message;
    return new SearchBackendError(
      `Elasticsearch ${action} failed (HTTP ${error.statusCode ?? '?'}): ${reason}`,
      {
        cause: error,
      },
    );
  }
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return new SearchBackendError(`Elasticsearch ${action} failed: ${message}`, { cause: error });
}
