/** The "Show more" button under a paged list; `ref` lets a page load more when it scrolls into view. */
import type { Ref } from 'react';

export function LoadMore({
  onLoadMore,
  loading,
  ref,
}: {
  onLoadMore: () => unknown;
  loading: boolean;
  ref?: Ref<HTMLDivElement>;
}) {
  return (
    <div ref={ref} className="load-more">
      <button type="button" className="button secondary" onClick={() => void onLoadMore()} disabled={loading}>
        {loading ? 'Loading…' : 'Show more'}
      </button>
    </div>
  );
}
