/**
 * Search: results update as the learner types (debounced), narrowed by category, level and
 * language, and the list grows page by page over the Relay connection as the end scrolls into view
 * (a "Show more" button does the same for keyboards). State lives in the URL so results can be shared.
 */
import { useEffect, useRef, useState } from 'react';
import { useQuery } from '@apollo/client';
import { useSearchParams } from 'react-router';
import { CourseCard } from '../components/CourseCard';
import { EmptyState, ErrorState } from '../components/ErrorState';
import { LoadMore } from '../components/LoadMore';
import { CardGridSkeleton } from '../components/Skeleton';
import type { CourseFilter, CourseLevel } from '@learncraft/operations/types';
import { CategoriesQuery, CourseListQuery, CourseSearchQuery } from '@learncraft/operations';
import { LEVEL_LABELS, languageName } from '@learncraft/operations/format';
import { useTitle } from '../lib/useTitle';

const PAGE_SIZE = 12;
const LANGUAGES = ['en', 'de', 'es', 'fr'];
const DEBOUNCE_MS = 250;

export default function SearchPage() {
  useTitle('Search');
  const [params, setParams] = useSearchParams();
  const [text, setText] = useState(params.get('q') ?? '');
  const query = (params.get('q') ?? '').trim();
  const filterBy: CourseFilter = {
    ...(params.get('category') ? { category: params.get('category') } : {}),
    ...(params.get('level') ? { level: params.get('level') as CourseLevel } : {}),
    ...(params.get('language') ? { language: params.get('language') } : {}),
  };

  // Built from the live URL, not the render's params: a debounced query update must not undo a
  // filter chosen in the meantime.
  const update = (key: string, value: string) => {
    const next = new URLSearchParams(window.location.search);
    if (value) next.set(key, value);
    else next.delete(key);
    setParams(next, { replace: true });
  };

  useEffect(() => {
    if (text.trim() === query) return;
    const timer = setTimeout(() => update('q', text.trim()), DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [text]);

  const categories = useQuery(CategoriesQuery);
  const search = useQuery(CourseSearchQuery, {
    variables: { query, first: PAGE_SIZE, filterBy },
    skip: !query,
    notifyOnNetworkStatusChange: true,
  });
  const list = useQuery(CourseListQuery, {
    variables: { first: PAGE_SIZE, filterBy },
    skip: !!query,
    notifyOnNetworkStatusChange: true,
  });
  const active = query ? search : list;
  const connection = query ? search.data?.courseSearch : list.data?.courses;
  const [loadingMore, setLoadingMore] = useState(false);

  const loadMore = async () => {
    if (!connection?.pageInfo.hasNextPage || loadingMore) return;
    setLoadingMore(true);
    try {
      await active.fetchMore({ variables: { after: connection.pageInfo.endCursor } });
    } finally {
      setLoadingMore(false);
    }
  };

  const sentinel = useRef<HTMLDivElement>(null);
  const loadMoreRef = useRef(loadMore);
  loadMoreRef.current = loadMore;
  useEffect(() => {
    const element = sentinel.current;
    if (!element || typeof IntersectionObserver === 'undefined') return;
    const observer = new IntersectionObserver((entries) => {
      if (entries.some((entry) => entry.isIntersecting)) void loadMoreRef.current();
    });
    observer.observe(element);
    return () => observer.disconnect();
  }, [connection?.pageInfo.endCursor]);

  return (
    <div className="page">
      <h1>Search courses</h1>
      <form className="search-form" role="search" onSubmit={(event) => event.preventDefault()}>
        <label className="field grow">
          <span>Search</span>
          <input
            type="search"
            name="q"
            value={text}
            placeholder="Kubernetes, TypeScript, shell…"
            onChange={(event) => setText(event.target.value)}
            autoComplete="off"
          />
        </label>
        <label className="field">
          <span>Category</span>
          <select
            value={params.get('category') ?? ''}
            onChange={(event) => update('category', event.target.value)}
          >
            <option value="">All categories</option>
            {categories.data?.categories?.map((category) => (
              <option key={category.id} value={category.slug}>
                {category.name}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>Level</span>
          <select value={params.get('level') ?? ''} onChange={(event) => update('level', event.target.value)}>
            <option value="">All levels</option>
            {Object.entries(LEVEL_LABELS).map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>Language</span>
          <select
            value={params.get('language') ?? ''}
            onChange={(event) => update('language', event.target.value)}
          >
            <option value="">All languages</option>
            {LANGUAGES.map((tag) => (
              <option key={tag} value={tag}>
                {languageName(tag)}
              </option>
            ))}
          </select>
        </label>
      </form>

      <div aria-live="polite" className="result-count">
        {connection && `${connection.totalCount} ${connection.totalCount === 1 ? 'course' : 'courses'} found`}
      </div>
      {active.error && !connection ? (
        <ErrorState error={active.error} onRetry={() => active.refetch()} title="Search failed" />
      ) : !connection ? (
        <CardGridSkeleton count={6} />
      ) : connection.edges.length === 0 ? (
        <EmptyState title="No courses match">
          <p>Try other words or fewer filters.</p>
        </EmptyState>
      ) : (
        <>
          <div className="card-grid">
            {connection.edges.map(({ node }) => (
              <CourseCard key={node.id} course={node} />
            ))}
          </div>
          {connection.pageInfo.hasNextPage && (
            <LoadMore ref={sentinel} onLoadMore={loadMore} loading={loadingMore} />
          )}
        </>
      )}
    </div>
  );
}
