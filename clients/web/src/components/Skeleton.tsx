/** Placeholders shown while a page or list loads (announced once to screen readers). */
export function PageSkeleton() {
  return (
    <div className="skeleton-page" role="status" aria-live="polite">
      <span className="visually-hidden">Loading…</span>
      <div className="skeleton skeleton-title" />
      <div className="skeleton skeleton-line" />
      <div className="skeleton skeleton-line short" />
      <CardGridSkeleton count={3} />
    </div>
  );
}

export function CardGridSkeleton({ count }: { count: number }) {
  return (
    <div className="card-grid" aria-hidden="true">
      {Array.from({ length: count }, (_, index) => (
        <div key={index} className="card skeleton-card">
          <div className="skeleton skeleton-thumb" />
          <div className="skeleton skeleton-line" />
          <div className="skeleton skeleton-line short" />
        </div>
      ))}
    </div>
  );
}
