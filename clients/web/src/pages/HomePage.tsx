/** Home: the categories to browse and the newest courses. */
import { useQuery } from '@apollo/client';
import { Link } from 'react-router';
import { CourseCard } from '../components/CourseCard';
import { EmptyState, ErrorState } from '../components/ErrorState';
import { CardGridSkeleton } from '../components/Skeleton';
import { HomeQuery } from '@learncraft/operations';
import { useTitle } from '../lib/useTitle';

export default function HomePage() {
  useTitle('LearnCraft');
  const { data, loading, error, refetch } = useQuery(HomeQuery);
  return (
    <div className="page">
      <section className="hero">
        <h1>Learn by doing</h1>
        <p>Video lessons, readings, quizzes and hands-on labs — at your own pace.</p>
        <Link to="/search" className="button">
          Find a course
        </Link>
      </section>
      {error && !data ? (
        <ErrorState error={error} onRetry={() => refetch()} title="The catalog could not be loaded" />
      ) : (
        <>
          <section aria-labelledby="categories-heading">
            <h2 id="categories-heading">Categories</h2>
            {loading && !data ? (
              <div className="skeleton skeleton-line" />
            ) : (
              <ul className="category-list">
                {data?.categories?.map((category) => (
                  <li key={category.id}>
                    <Link
                      to={`/search?category=${encodeURIComponent(category.slug)}`}
                      className="category-chip"
                    >
                      <strong>{category.name}</strong>
                      <span>
                        {category.courseCount} {category.courseCount === 1 ? 'course' : 'courses'}
                      </span>
                    </Link>
                  </li>
                ))}
              </ul>
            )}
          </section>
          <section aria-labelledby="newest-heading">
            <h2 id="newest-heading">Newest courses</h2>
            {loading && !data ? (
              <CardGridSkeleton count={6} />
            ) : data && !data.courses ? (
              // The catalog failed on its own (other parts of the page may still have loaded).
              <ErrorState
                error={error ?? new Error('The catalog is unavailable right now.')}
                onRetry={() => refetch()}
                title="The courses could not be loaded"
              />
            ) : data?.courses?.edges.length ? (
              <div className="card-grid">
                {data.courses?.edges.map(({ node }) => (
                  <CourseCard key={node.id} course={node} />
                ))}
              </div>
            ) : (
              <EmptyState title="No courses yet">
                <p>Published courses will appear here.</p>
              </EmptyState>
            )}
          </section>
        </>
      )}
    </div>
  );
}
