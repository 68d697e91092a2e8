/**
 * My learning: every enrollment with its progress bar, kept live by one `progressUpdated`
 * subscription per course (events update the normalised Enrollment in the cache), and a link to
 * continue with the first lesson not yet completed.
 */
import { useQuery, useSubscription } from '@apollo/client';
import { Link } from 'react-router';
import { EmptyState, ErrorState } from '../components/ErrorState';
import { ProgressBar } from '../components/ProgressBar';
import { CardGridSkeleton } from '../components/Skeleton';
import type { DashboardQuery as DashboardData } from '@learncraft/operations/types';
import { DashboardQuery, ProgressUpdatedSubscription } from '@learncraft/operations';
import { clock } from '@learncraft/operations/format';
import { coursePath, lessonPath } from '../lib/paths';
import { useTitle } from '../lib/useTitle';

type EnrollmentNode = NonNullable<NonNullable<DashboardData['me']>['enrollments']>['edges'][number]['node'];

export default function DashboardPage() {
  useTitle('My learning');
  const { data, loading, error, refetch } = useQuery(DashboardQuery, { fetchPolicy: 'cache-and-network' });
  const me = data?.me;
  const enrollments = me?.enrollments?.edges.map((edge) => edge.node) ?? [];

  return (
    <div className="page">
      <h1>My learning</h1>
      {me && <p className="lead">Welcome back, {me.displayName}.</p>}
      {me && (
        <p className="hint">
          Learning with a team? See <Link to="/organizations">your organizations</Link>.
        </p>
      )}
      {loading && !data ? (
        <CardGridSkeleton count={3} />
      ) : error && !data ? (
        <ErrorState error={error} onRetry={() => refetch()} title="Your courses could not be loaded" />
      ) : me && !me.enrollments ? (
        <ErrorState
          error={new Error('Progress is unavailable right now.')}
          onRetry={() => refetch()}
          title="Your courses could not be loaded"
        />
      ) : enrollments.length === 0 ? (
        <EmptyState title="You have not enrolled in any course yet">
          <p>
            <Link to="/search">Find a course</Link> to start learning.
          </p>
        </EmptyState>
      ) : (
        <ul className="enrollment-list">
          {enrollments.map((enrollment) => (
            <EnrollmentCard key={enrollment.id} enrollment={enrollment} />
          ))}
        </ul>
      )}
    </div>
  );
}

function EnrollmentCard({ enrollment }: { enrollment: EnrollmentNode }) {
  const { course } = enrollment;
  // The event carries the enrollment with its id, so Apollo merges it into this card's data.
  useSubscription(ProgressUpdatedSubscription, { variables: { courseId: course.id } });
  const next = enrollment.lessons.find((progress) => progress.status !== 'COMPLETED');
  return (
    <li className="card enrollment-card">
      {course.thumbnailUrl && (
        <img className="thumb small" src={course.thumbnailUrl} alt="" width={160} height={90} />
      )}
      <div className="card-body">
        <h2>
          <Link to={coursePath(course.slug)}>{course.title}</Link>
        </h2>
        <ProgressBar percent={enrollment.progressPercent} label={`${course.title} progress`} />
        {enrollment.completedAt ? (
          <p className="completed-note">✓ Course completed</p>
        ) : (
          next && (
            <Link className="button continue" to={lessonPath(course.slug, next.lesson.id)}>
              Continue: {next.lesson.title}
              {next.positionSeconds > 0 && ` (at ${clock(next.positionSeconds)})`}
            </Link>
          )
        )}
      </div>
    </li>
  );
}
