/**
 * What the Elasticsearch adapter sends and how it reports failures, observed on the local fake
 * Elasticsearch through the real client (the shared behaviour is in the contract suite).
 */
import {
  COURSE_INDEX_MAPPINGS,
  createElasticsearchSearchIndex,
  createSearchIndex,
  SearchBackendError,
  type CourseSearchIndex,
} from '../../src/search';
import { startFakeElasticsearch, type FakeElasticsearch } from './fakeElasticsearch';
import { DOCKER, KUBERNETES_DRAFT } from './fixtures';

let fake: FakeElasticsearch;
const open: CourseSearchIndex[] = [];

beforeEach(async () => {
  fake = await startFakeElasticsearch();
});

afterEach(async () => {
  await Promise.all(open.splice(0).map((index) => index.close()));
  await fake.close();
});

async function openIndex(indexName = 'courses'): Promise<CourseSearchIndex> {
  const index = await createElasticsearchSearchIndex({ url: fake.url, indexName });
  open.push(index);
  return index;
}

const requestsTo = (suffix: string) => fake.requests.filter((request) => request.path.endsWith(suffix));

describe('opening the index', () => {
  test('a missing index is created with explicit mappings: english text fields and keyword facets', async () => {
    await openIndex('courses');
    expect(fake.requests.map((request) => `${request.method} ${request.path}`)).toEqual([
      'HEAD /courses',
      'PUT /courses',
    ]);
    expect(fake.indices.get('courses')?.mappings).toEqual(COURSE_INDEX_MAPPINGS);
    expect(COURSE_INDEX_MAPPINGS.properties?.title).toEqual({ type: 'text', analyzer: 'english' });
    expect(COURSE_INDEX_MAPPINGS.properties?.categorySlug).toEqual({ type: 'keyword' });
  });

  test('an existing index is reused with its documents, not created again', async () => {
    const first = await openIndex('courses');
    await first.upsert([DOCKER]);
    const second = await openIndex('courses');
    expect(requestsTo('/courses').filter((request) => request.method === 'PUT')).toHaveLength(1);
    const result = await second.search('docker', { filter: {}, offset: 0, limit: 10 });
    expect(result.hits.map((hit) => hit.id)).toEqual(['c-docker']);
    expect(result.total).toBe(1);
  });

  test('an index another replica created between the check and the create is accepted', async () => {
    fake.failNext('PUT', 400, {
      error: { type: 'resource_already_exists_exception', reason: 'index [courses/abc] already exists' },
      status: 400,
    });
    await expect(openIndex('courses')).resolves.toBeDefined();
  });

  test("any other failure to create the index is thrown with Elasticsearch's reason", async () => {
    fake.failNext('PUT', 400, {
      error: { type: 'illegal_argument_exception', reason: 'unknown setting [index.foo]' },
      status: 400,
    });
    const opening = openIndex('courses');
    await expect(opening).rejects.toThrow(SearchBackendError);
    await expect(opening).rejects.toThrow(
      'Elasticsearch index creation failed (HTTP 400): illegal_argument_exception: unknown setting [index.foo]',
    );
  });

  test('an unreachable Elasticsearch is reported as a connection failure', async () => {
    const opening = createElasticsearchSearchIndex({ url: 'http://127.0.0.1:1', indexName: 'courses' });
    await expect(opening).rejects.toThrow(/^Elasticsearch index creation failed: ConnectionError: /);
  });

  test('createSearchIndex uses Elasticsearch when given a URL, with the default index name', async () => {
    open.push(await createSearchIndex({ elasticsearchUrl: fake.url }));
    expect(fake.requests[0]).toMatchObject({ method: 'HEAD', path: '/learncraft-courses' });
  });

  test('createSearchIndex uses the in-process index when no URL is given', async () => {
    const index = await createSearchIndex({});
    open.push(index);
    await index.upsert([DOCKER]);
    expect((await index.search('docker', { filter: {}, offset: 0, limit: 10 })).total).toBe(1);
    expect(fake.requests).toEqual([]);
  });
});

describe('writing', () => {
  test('upsert sends one bulk request that indexes published courses, deletes drafts and waits for refresh', async () => {
    const index = await openIndex('courses');
    await index.upsert([DOCKER, KUBERNETES_DRAFT]);
    const bulks = requestsTo('/_bulk');
    expect(bulks).toHaveLength(1);
    expect(bulks[0]).toMatchObject({
      method: 'POST',
      path: '/courses/_bulk',
      params: { refresh: 'wait_for' },
    });
    const lines = bulks[0]!.body
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as unknown);
    expect(lines).toEqual([
      { index: { _id: 'c-docker' } },
      {
        id: 'c-docker',
        title: 'Docker for Developers',
        summary: 'Build, ship and run container images on your laptop.',
        description:
          'About this course\nPackage an application into an image, run it, and wire services together with Docker Compose.\n' +
          'Every module ends with hands-on labs.\ndocker run --rm -it busybox sh',
        lessonTitles: ['Writing a Dockerfile', 'Multi-stage builds', 'Compose for local stacks'],
        categorySlug: 'devops',
        level: 'beginner',
        language: 'en',
      },
      { delete: { _id: 'c-k8s-draft' } },
    ]);
  });

  test('empty upserts and removes send nothing', async () => {
    const index = await openIndex('courses');
    await index.upsert([]);
    await index.remove([]);
    expect(requestsTo('/_bulk')).toEqual([]);
  });

  test('a document Elasticsearch refuses inside a bulk request is thrown, naming it and the reason', async () => {
    const index = await openIndex('courses');
    fake.failNext('POST', 200, {
      took: 1,
      errors: true,
      items: [
        {
          index: {
            _id: 'c-docker',
            status: 400,
            error: { type: 'mapper_parsing_exception', reason: 'failed to parse field [title]' },
          },
        },
        { delete: { _id: 'c-k8s-draft', status: 404, result: 'not_found' } },
      ],
    });
    await expect(index.upsert([DOCKER, KUBERNETES_DRAFT])).rejects.toThrow(
      'Elasticsearch upsert failed for 1 of 2 documents; first: c-docker: mapper_parsing_exception: failed to parse field [title]',
    );
  });

  test('a failed bulk request is thrown with the HTTP status and reason', async () => {
    const index = await openIndex('courses');
    fake.failNext('POST', 429, {
      error: { type: 'es_rejected_execution_exception', reason: 'rejected execution of bulk' },
      status: 429,
    });
    await expect(index.remove(['c-docker'])).rejects.toThrow(
      'Elasticsearch remove failed (HTTP 429): es_rejected_execution_exception: rejected execution of bulk',
    );
  });
});

describe('searching', () => {
  test('search sends a bool query: fuzzy best_fields words or a title prefix, term filters, a stable sort', async () => {
    const index = await openIndex('courses');
    await index.upsert([DOCKER]);
    await index.search('docker comp', {
      filter: { category: 'devops', language: 'en' },
      offset: 20,
      limit: 10,
    });
    const searches = requestsTo('/courses/_search');
    // AND finds nothing at offset 20 either way, so the OR fallback runs as a second request.
    expect(searches.map((request) => JSON.parse(request.body) as unknown)).toEqual(
      ['and', 'or'].map((operator) => ({
        query: {
          bool: {
            must: [
              {
                bool: {
                  should: [
                    {
                      multi_match: {
                        query: 'docker comp',
                        type: 'best_fields',
                        fields: ['title^4', 'lessonTitles^2', 'summary^2', 'description'],
                        fuzziness: 'AUTO',
                        operator,
                      },
                    },
                    { match_bool_prefix: { title: { query: 'docker comp', operator } } },
                  ],
                  minimum_should_match: 1,
                },
              },
            ],
            filter: [{ term: { categorySlug: 'devops' } }, { term: { language: 'en' } }],
          },
        },
        sort: [{ _score: { order: 'desc' } }, { id: { order: 'asc' } }],
        from: 20,
        size: 10,
        track_total_hits: true,
        _source: false,
      })),
    );
  });

  test("a failed search is thrown with the HTTP status and Elasticsearch's reason", async () => {
    const index = await openIndex('courses');
    fake.failNext('POST', 500, {
      error: { type: 'search_phase_execution_exception', reason: 'all shards failed' },
      status: 500,
    });
    const searching = index.search('docker', { filter: {}, offset: 0, limit: 10 });
    await expect(searching).rejects.toThrow(SearchBackendError);
    await expect(searching).rejects.toThrow(
      'Elasticsearch search failed (HTTP 500): search_phase_execution_exception: all shards failed',
    );
  });

  test("a search on an index deleted behind the adapter's back names the missing index", async () => {
    const index = await openIndex('courses');
    fake.indices.delete('courses');
    await expect(index.search('docker', { filter: {}, offset: 0, limit: 10 })).rejects.toThrow(
      'Elasticsearch search failed (HTTP 404): index_not_found_exception: no such index [courses]',
    );
  });
});
