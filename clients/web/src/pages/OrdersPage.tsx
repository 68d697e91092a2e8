/** The viewer's orders, newest first: number, status, total and date, with more on request. */
import { useQuery } from '@apollo/client';
import { useState } from 'react';
import { Link } from 'react-router';
import { EmptyState, ErrorState } from '../components/ErrorState';
import { LoadMore } from '../components/LoadMore';
import { PageSkeleton } from '../components/Skeleton';
import { OrdersQuery } from '@learncraft/operations';
import { formatDate, ORDER_STATUS_LABELS } from '@learncraft/operations/format';
import { orderPath } from '../lib/paths';
import { useTitle } from '../lib/useTitle';

const PAGE_SIZE = 20;

export default function OrdersPage() {
  useTitle('Orders');
  const { data, loading, error, refetch, fetchMore } = useQuery(OrdersQuery, {
    variables: { first: PAGE_SIZE },
    fetchPolicy: 'cache-and-network',
  });
  const [loadingMore, setLoadingMore] = useState(false);
  const connection = data?.me?.orders;

  const loadMore = async () => {
    if (!connection?.pageInfo.hasNextPage || loadingMore) return;
    setLoadingMore(true);
    try {
      await fetchMore({ variables: { after: connection.pageInfo.endCursor } });
    } finally {
      setLoadingMore(false);
    }
  };

  return (
    <div className="page">
      <h1>Orders</h1>
      {loading && !data ? (
        <PageSkeleton />
      ) : error && !data ? (
        <ErrorState error={error} onRetry={() => refetch()} title="Your orders could not be loaded" />
      ) : !connection || connection.edges.length === 0 ? (
        <EmptyState title="You have no orders yet">
          <p>
            <Link to="/search">Find a course</Link> or see the <Link to="/pricing">plans</Link>.
          </p>
        </EmptyState>
      ) : (
        <>
          <p className="result-count">
            {connection.totalCount} {connection.totalCount === 1 ? 'order' : 'orders'}
          </p>
          <ul className="order-list">
            {connection.edges.map(({ node: order }) => (
              <li key={order.id} className="card order-card">
                <div className="card-body">
                  <h2>
                    <Link to={orderPath(order.id)}>Order {order.number}</Link>
                  </h2>
                  <p>{order.lines.map((line) => line.title).join(', ')}</p>
                  <p className="facts">
                    <span className={`order-status status-${order.status.toLowerCase()}`}>
                      {ORDER_STATUS_LABELS[order.status]}
                    </span>
                    <span>{order.total.formatted}</span>
                    <span>{formatDate(order.createdAt)}</span>
                  </p>
                </div>
              </li>
            ))}
          </ul>
          {connection.pageInfo.hasNextPage && <LoadMore onLoadMore={loadMore} loading={loadingMore} />}
        </>
      )}
    </div>
  );
}
