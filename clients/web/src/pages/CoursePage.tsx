/**
 * A course: what it is, who teaches it, its price, the syllabus with the viewer's progress, and
 * enrolment. Enrolled learners see their progress bar and a link to continue where they left off,
 * and signed-in viewers with access can ask the course's tutor. A paid course the viewer has no access to
 * offers to buy it or subscribe instead (or to sign in first), and marks its preview and locked
 * lessons.
 */
import { useMutation, useQuery } from '@apollo/client';
import { Link, useLocation, useNavigate, useParams } from 'react-router';
import { useSession } from '../auth/SessionContext';
import { EmptyState, ErrorState } from '../components/ErrorState';
import { LessonStatusIcon } from '../components/LessonStatusIcon';
import { LockIcon } from '../components/LockIcon';
import { Markdown } from '../components/Markdown';
import { ProgressBar } from '../components/ProgressBar';
import { PurchaseActions } from '../components/PurchaseActions';
import { PageSkeleton } from '../components/Skeleton';
import { TutorProvider } from '../components/tutor/TutorContext';
import { TutorPanel } from '../components/tutor/TutorPanel';
import type { AccessReason } from '@learncraft/operations/types';
import { CourseEnrollMutation, CoursePageQuery } from '@learncraft/operations';
import { duration, languageName, LEVEL_LABELS } from '@learncraft/operations/format';
import { lessonPath, loginPath } from '../lib/paths';
import { useTitle } from '../lib/useTitle';

/** Why a viewer may learn a paid course, in a sentence (FREE has its own). */
const ACCESS_WORDS: Partial<Record<AccessReason, string>> = {
  PURCHASED: 'You bought this course.',
  SUBSCRIPTION: 'Included in your plan.',
  INSTRUCTOR: 'You teach this course.',
  ADMIN: 'Open to you as an admin.',
};

export default function CoursePage() {
  const { slug = '' } = useParams();
  const session = useSession();
  const location = useLocation();
  const navigate = useNavigate();
  const { data, loading, error, refetch } = useQuery(CoursePageQuery, { variables: { slug } });
  const [enroll, enrollment] = useMutation(CourseEnrollMutation, {
    refetchQueries: [{ query: CoursePageQuery, variables: { slug } }],
    awaitRefetchQueries: true,
  });
  const course = data?.course;
  useTitle(course?.title ?? (data ? 'Course not found' : undefined));

  if (loading && !data) return <PageSkeleton />;
  if (error && !data)
    return <ErrorState error={error} onRetry={() => refetch()} title="The course could not be loaded" />;
  if (!course)
    return (
      <div className="page">
        <EmptyState title="Course not found">
          <p>
            It may have been unpublished. <Link to="/search">Search the catalog</Link>.
          </p>
        </EmptyState>
      </div>
    );

  const lessons = course.modules.flatMap((module) => module.lessons);
  const next = lessons.find((lesson) => lesson.viewerProgress?.status !== 'COMPLETED') ?? lessons[0];
  const userError = enrollment.data?.courseEnroll.userErrors[0];
  const access = course.viewerAccess;
  const canOpen = (lesson: { preview: boolean }) =>
    (access.hasAccess && !!course.viewerEnrollment) || lesson.preview;

  const onEnroll = async () => {
    if (session.status !== 'signedIn') return void navigate(loginPath(location));
    await enroll({ variables: { input: { courseId: course.id } } }).catch(() => undefined);
  };

  return (
    <div className="page course-page">
      <header className="course-header">
        <div>
          <p className="eyebrow">
            <Link to={`/search?category=${course.category.slug}`}>{course.category.name}</Link>
          </p>
          <h1>{course.title}</h1>
          <p className="lead">{course.summary}</p>
          <p className="facts">
            <span>{LEVEL_LABELS[course.level]}</span>
            <span>{languageName(course.language)}</span>
            <span>
              {course.lessonCount} lessons · {duration(course.totalDurationSeconds)}
            </span>
          </p>
          <p className="instructors">
            Taught by {course.instructors.map((instructor) => instructor.displayName).join(', ')}
          </p>
        </div>
        <aside className="enroll-box" aria-label="Your progress">
          {course.price && <p className="price">{course.price.formatted}</p>}
          {!access.hasAccess ? (
            <PurchaseActions courseId={course.id} price={course.price} reason={access.reason} />
          ) : course.viewerEnrollment ? (
            <>
              <ProgressBar
                percent={course.viewerEnrollment.progressPercent}
                label={`${course.title} progress`}
              />
              {next && (
                <Link className="button" to={lessonPath(course.slug, next.id)}>
                  {course.viewerEnrollment.progressPercent > 0 ? 'Continue learning' : 'Start the course'}
                </Link>
              )}
            </>
          ) : (
            <>
              <p>
                {access.reason === 'FREE'
                  ? 'Free for everyone. Track your progress and earn completion.'
                  : `${ACCESS_WORDS[access.reason] ?? 'You have access.'} Track your progress and earn completion.`}
              </p>
              <button
                type="button"
                className="button"
                onClick={() => void onEnroll()}
                disabled={enrollment.loading}
              >
                {enrollment.loading ? 'Enrolling…' : 'Enroll'}
              </button>
            </>
          )}
          {(userError || enrollment.error) && (
            <p className="form-error" role="alert">
              {userError?.message ?? 'Enrolling failed. Please try again.'}
            </p>
          )}
        </aside>
      </header>

      <section aria-labelledby="about-heading">
        <h2 id="about-heading">About this course</h2>
        <Markdown source={course.description} />
      </section>

      <section aria-labelledby="syllabus-heading">
        <h2 id="syllabus-heading">Syllabus</h2>
        <ol className="syllabus">
          {course.modules.map((module) => (
            <li key={module.id}>
              <h3>
                Module {module.position}: {module.title}
              </h3>
              {module.summary && <p>{module.summary}</p>}
              <ol className="lesson-list">
                {module.lessons.map((lesson) => (
                  <li key={lesson.id}>
                    <LessonStatusIcon status={lesson.viewerProgress?.status} />
                    {canOpen(lesson) ? (
                      <Link to={lessonPath(course.slug, lesson.id)}>{lesson.title}</Link>
                    ) : (
                      <span>{lesson.title}</span>
                    )}
                    {lesson.preview && <span className="badge">Preview</span>}
                    {!access.hasAccess && !lesson.preview && (
                      <span className="lock" title="Locked">
                        <LockIcon />
                        <span className="visually-hidden">Locked</span>
                      </span>
                    )}
                    <span className="lesson-meta">
                      {lesson.kind.toLowerCase()} · {duration(lesson.durationSeconds)}
                    </span>
                  </li>
                ))}
              </ol>
            </li>
          ))}
        </ol>
      </section>

      {session.status === 'signedIn' && access.hasAccess && (
        <TutorProvider>
          <TutorPanel courseId={course.id} courseSlug={course.slug} />
        </TutorProvider>
      )}
    </div>
  );
}
