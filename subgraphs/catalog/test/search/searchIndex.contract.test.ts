/**
 * The course search contract, run against every adapter available here: the in-process index,
 * the Elasticsearch adapter against the local fake Elasticsearch (real client, real HTTP), and a
 * real Elasticsearch when ELASTICSEARCH_URL is set.
 */
import { randomBytes } from 'node:crypto';
import { Client } from '@elastic/elasticsearch';
import {
  createElasticsearchSearchIndex,
  createMemorySearchIndex,
  type CourseSearchIndex,
  type SearchFilter,
} from '../../src/search';
import { startFakeElasticsearch, type FakeElasticsearch } from './fakeElasticsearch';
import {
  COURSES,
  DOCKER,
  KUBERNETES_BASICS,
  KUBERNETES_DRAFT,
  KUBERNETES_OPERATORS,
  PUBLISHED_IDS,
  TYPESCRIPT,
} from './fixtures';

interface Subject {
  index: CourseSearchIndex;
  dispose(): Promise<void>;
}

type SubjectFactory = () => Promise<Subject>;

const REAL_ELASTICSEARCH_URL = process.env.ELASTICSEARCH_URL;

/** A fresh, uniquely named Elasticsearch index, deleted again afterwards. */
function elasticsearchSubject(url: () => string): SubjectFactory {
  return async () => {
    const indexName = `lc-test-courses-${randomBytes(5).toString('hex')}`;
    const index = await createElasticsearchSearchIndex({ url: url(), indexName });
    return {
      index,
      async dispose() {
        await index.close();
        const admin = new Client({ node: url() });
        await admin.indices.delete({ index: indexName }, { ignore: [404] });
        await admin.close();
      },
    };
  };
}

const everything = { filter: {}, offset: 0, limit: 50 };

async function ids(index: CourseSearchIndex, query: string, filter: SearchFilter = {}): Promise<string[]> {
  const result = await index.search(query, { filter, offset: 0, limit: 50 });
  return result.hits.map((hit) => hit.id);
}

async function sortedIds(
  index: CourseSearchIndex,
  query: string,
  filter: SearchFilter = {},
): Promise<string[]> {
  return (await ids(index, query, filter)).sort();
}

function contract(name: string, create: SubjectFactory) {
  describe(name, () => {
    let subject: Subject;
    let index: CourseSearchIndex;

    beforeEach(async () => {
      subject = await create();
      index = subject.index;
      await index.upsert(COURSES);
    });

    afterEach(async () => {
      await subject.dispose();
    });

    test('a word in a title ranks the course with that title first', async () => {
      expect(await ids(index, 'docker')).toEqual(['c-docker', 'c-k8s-basics']);
      const result = await index.search('docker', everything);
      expect(result.total).toBe(2);
      expect(result.hits[0]!.score).toBeGreaterThan(result.hits[1]!.score);
    });

    test('a word that appears only in a lesson title finds that course', async () => {
      expect(await ids(index, 'reconcile')).toEqual(['c-k8s-operators']);
    });

    test('the prefix of a word being typed finds the courses with that word', async () => {
      expect(await sortedIds(index, 'kube')).toEqual(['c-k8s-basics', 'c-k8s-operators']);
    });

    test('lowercase, uppercase and surrounding spaces find the same courses', async () => {
      expect(await sortedIds(index, '  KUBERNETES ')).toEqual(['c-k8s-basics', 'c-k8s-operators']);
    });

    test('a typo in a long word still finds the course', async () => {
      // "typscript": one letter missing; within MiniSearch's 0.2 and Elasticsearch's AUTO fuzziness.
      expect(await ids(index, 'typscript')).toEqual(['c-typescript']);
    });

    test('several words must all match when some course has them all', async () => {
      expect(await ids(index, 'docker compose')).toEqual(['c-docker']);
    });

    test('several words fall back to any word matching when no course has them all', async () => {
      expect(await ids(index, 'docker blockchain')).toEqual(['c-docker', 'c-k8s-basics']);
    });

    test('every published course matches a word they all share, and the draft does not', async () => {
      const result = await index.search('hands-on', everything);
      expect(result.total).toBe(7);
      expect(result.hits.map((hit) => hit.id).sort()).toEqual(PUBLISHED_IDS);
    });

    test('filters narrow the matches to exactly the courses with those facets', async () => {
      expect(await sortedIds(index, 'hands-on', { category: 'devops' })).toEqual([
        'c-docker',
        'c-k8s-basics',
        'c-k8s-operators',
      ]);
      expect(await sortedIds(index, 'hands-on', { category: 'devops', level: 'beginner' })).toEqual([
        'c-docker',
        'c-k8s-basics',
      ]);
      expect(await sortedIds(index, 'linux', { language: 'de' })).toEqual(['c-linux-de']);
      expect(
        await sortedIds(index, 'linux', { category: 'linux', level: 'intermediate', language: 'en' }),
      ).toEqual(['c-linux-networking']);
    });

    test('a filter no course satisfies gives no hits and a total of 0', async () => {
      expect(await index.search('hands-on', { filter: { language: 'fr' }, offset: 0, limit: 10 })).toEqual({
        hits: [],
        total: 0,
      });
      expect(
        (await index.search('docker', { filter: { category: 'linux' }, offset: 0, limit: 10 })).total,
      ).toBe(0);
    });

    test('pages are disjoint, cover every match once, and report the same total', async () => {
      const pages = await Promise.all(
        [0, 3, 6].map((offset) => index.search('hands-on', { filter: {}, offset, limit: 3 })),
      );
      expect(pages.map((page) => page.total)).toEqual([7, 7, 7]);
      expect(pages.map((page) => page.hits.length)).toEqual([3, 3, 1]);
      const seen = pages.flatMap((page) => page.hits.map((hit) => hit.id));
      expect(new Set(seen).size).toBe(7);
      expect([...seen].sort()).toEqual(PUBLISHED_IDS);
      const whole = await index.search('hands-on', everything);
      expect(seen).toEqual(whole.hits.map((hit) => hit.id));
    });

    test('a page past the last match is empty but still reports the total', async () => {
      expect(await index.search('hands-on', { filter: {}, offset: 7, limit: 3 })).toEqual({
        hits: [],
        total: 7,
      });
    });

    test('a limit of 0 returns only the total', async () => {
      expect(await index.search('linux', { filter: {}, offset: 0, limit: 0 })).toEqual({
        hits: [],
        total: 3,
      });
    });

    test('courses with equal scores come back in id order', async () => {
      const twin = {
        ...DOCKER,
        title: 'Quokka Care',
        summary: 'Quokka care.',
        description: 'Quokka.',
        lessonTitles: [],
      };
      await index.upsert([
        { ...twin, id: 'c-tie-b' },
        { ...twin, id: 'c-tie-a' },
        { ...twin, id: 'c-tie-c' },
      ]);
      const result = await index.search('quokka', everything);
      expect(result.hits.map((hit) => hit.id)).toEqual(['c-tie-a', 'c-tie-b', 'c-tie-c']);
      expect(new Set(result.hits.map((hit) => hit.score)).size).toBe(1);
    });

    test('an unpublished course is never returned', async () => {
      expect(await index.search('hardening', everything)).toEqual({ hits: [], total: 0 });
      expect(await sortedIds(index, 'kubernetes')).not.toContain(KUBERNETES_DRAFT.id);
    });

    test('upserting a published course as unpublished removes it from the index', async () => {
      await index.upsert([{ ...KUBERNETES_OPERATORS, published: false }]);
      expect(await index.search('reconcile', everything)).toEqual({ hits: [], total: 0 });
      expect(await ids(index, 'kubernetes')).toEqual(['c-k8s-basics']);
    });

    test('publishing a draft makes it searchable', async () => {
      await index.upsert([{ ...KUBERNETES_DRAFT, published: true }]);
      expect(await ids(index, 'hardening')).toEqual(['c-k8s-draft']);
    });

    test('remove() takes courses out of the index and ignores unknown ids', async () => {
      await index.remove([DOCKER.id, 'c-does-not-exist']);
      expect(await ids(index, 'docker')).toEqual(['c-k8s-basics']);
      expect(await index.search('compose', everything)).toEqual({ hits: [], total: 0 });
      await index.remove([]);
      expect((await index.search('hands-on', everything)).total).toBe(6);
    });

    test('upserting an existing id replaces the document, so its old words no longer match', async () => {
      await index.upsert([
        {
          ...TYPESCRIPT,
          title: 'TypeScript for React Developers',
          lessonTitles: ['Typing components', 'Hooks'],
        },
      ]);
      expect(await index.search('generics', everything)).toEqual({ hits: [], total: 0 });
      expect(await ids(index, 'react')).toEqual(['c-typescript']);
      expect((await index.search('hands-on', everything)).total).toBe(7);
    });

    test('Markdown syntax and link targets are not searchable, the link text is', async () => {
      // KUBERNETES_BASICS links "Services" to a kubernetes.io URL containing "networking".
      // DOCKER's code fence is tagged "bash"; the tag is syntax, the command inside is content.
      expect(await ids(index, 'networking')).toEqual(['c-linux-networking']);
      expect(await index.search('concepts', everything)).toEqual({ hits: [], total: 0 });
      expect(await index.search('bash', everything)).toEqual({ hits: [], total: 0 });
      expect(await ids(index, 'busybox')).toEqual([DOCKER.id]);
      expect(await ids(index, 'kubectl')).toEqual([KUBERNETES_BASICS.id]);
    });

    test('a query with no match, or an empty query, gives no hits and a total of 0', async () => {
      expect(await index.search('blockchain', everything)).toEqual({ hits: [], total: 0 });
      expect(await index.search('   ', everything)).toEqual({ hits: [], total: 0 });
    });

    test('a query of only stop words matches nothing', async () => {
      expect(await index.search('the and of', everything)).toEqual({ hits: [], total: 0 });
    });

    test('a page window past 10 000 results is refused before reaching the backend', async () => {
      await expect(index.search('linux', { filter: {}, offset: 9_990, limit: 20 })).rejects.toThrow(
        'Search results past 10000 (offset + limit) are not available.',
      );
      await expect(index.search('linux', { filter: {}, offset: -1, limit: 20 })).rejects.toThrow(RangeError);
    });

    test('a document without an id is refused and nothing in its batch is written', async () => {
      await expect(
        index.upsert([
          { ...DOCKER, id: 'c-new', title: 'Podman Essentials' },
          { ...DOCKER, id: '' },
        ]),
      ).rejects.toThrow('Search document 1 has no valid id');
      expect(await index.search('podman', everything)).toEqual({ hits: [], total: 0 });
    });
  });
}

contract('in-process search index (MiniSearch)', () => {
  const index = createMemorySearchIndex();
  return Promise.resolve({ index, dispose: () => index.close() });
});

describe('Elasticsearch search index against the local fake Elasticsearch', () => {
  let fake: FakeElasticsearch;
  beforeAll(async () => {
    fake = await startFakeElasticsearch();
  });
  afterAll(async () => {
    await fake.close();
  });
  contract(
    'contract',
    elasticsearchSubject(() => fake.url),
  );
});

(REAL_ELASTICSEARCH_URL ? describe : describe.skip)(
  REAL_ELASTICSEARCH_URL
    ? 'Elasticsearch search index against a real Elasticsearch'
    : 'Elasticsearch search index against a real Elasticsearch (skipped: set ELASTICSEARCH_URL to run it)',
  () => {
    contract(
      'contract',
      elasticsearchSubject(() => REAL_ELASTICSEARCH_URL ?? ''),
    );
  },
);
