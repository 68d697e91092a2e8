/**
 * The lesson player: the course's lessons beside the current one (video, reading, quiz or lab),
 * with previous/next navigation. Progress is saved only for enrolled learners, so others are
 * offered enrolment first. The tutor panel sits under every lesson (inside the lab on a lab page,
 * where it also takes the steps' hints); the lesson's summary shows when one has been written, and
 * the course's instructors can have it written and draft quiz questions on a quiz. A lesson of a
 * paid course the viewer has no access to comes as LockedContent: a locked panel offers to buy the
 * course or subscribe in place of the material (and of the tutor and summary, which would tell it).
 */
import { useMutation, useQuery, useSubscription, type ApolloError } from '@apollo/client';
import { Link, useParams, useSearchParams } from 'react-router';
import { EmptyState, ErrorState } from '../components/ErrorState';
import { LessonStatusIcon } from '../components/LessonStatusIcon';
import { LockIcon } from '../components/LockIcon';
import { ProgressBar } from '../components/ProgressBar';
import { PurchaseActions } from '../components/PurchaseActions';
import { PageSkeleton } from '../components/Skeleton';
import { TutorProvider } from '../components/tutor/TutorContext';
import { TutorPanel } from '../components/tutor/TutorPanel';
import {
  CourseEnrollMutation,
  LessonExtrasQuery,
  LessonPageQuery,
  LessonProgressUpdatedSubscription,
} from '@learncraft/operations';
import { coursePath, lessonPath, startSecondsParam } from '../lib/paths';
import { canAuthorCourse } from '../lib/roles';
import { useTitle } from '../lib/useTitle';
import { LabLesson } from './lesson/LabLesson';
import { LessonSummary } from './lesson/LessonSummary';
import { QuizDrafts } from './lesson/QuizDrafts';
import { QuizLesson } from './lesson/QuizLesson';
import { ReadingLesson } from './lesson/ReadingLesson';
import { VideoLesson } from './lesson/VideoLesson';

export default function LessonPage() {
  const { slug = '', lessonId = '' } = useParams();
  const [search] = useSearchParams();
  const startAt = startSecondsParam(search);
  const variables = { slug, lessonId };
  // Partial answers are kept so that the labs subgraph being down (it serves only the lesson's
  // viewerLabSession here) does not take every lesson page down with it.
  const { data, loading, error, refetch } = useQuery(LessonPageQuery, { variables, errorPolicy: 'all' });
  const labsUnavailable = !!error && onlyLabsFailed(error);
  const blockingError = labsUnavailable ? undefined : error;
  const [enroll, enrolling] = useMutation(CourseEnrollMutation, {
    refetchQueries: [{ query: LessonPageQuery, variables }],
    awaitRefetchQueries: true,
  });
  // The ai subgraph's part of the lesson and who may author it: nothing of it blocks the lesson.
  const extras = useQuery(LessonExtrasQuery, { variables, errorPolicy: 'all' });
  const canAuthor = canAuthorCourse(extras.data?.me, extras.data?.course?.instructors);
  const summary = extras.data?.course?.lesson?.summary ?? null;
  const course = data?.course;
  const lessons =
    course?.modules.flatMap((module) => module.lessons.map((lesson) => ({ ...lesson, module }))) ?? [];
  const index = lessons.findIndex((lesson) => lesson.id === lessonId);
  const lesson = course?.lesson;
  const lessonModule = lessons[index]?.module;
  useTitle(course && lesson ? `${lesson.title} · ${course.title}` : data ? 'Lesson not found' : undefined);
  // Progress made elsewhere (a lab's last check, another tab) reaches the syllabus and the lesson
  // live: each event carries the lesson with the viewer's progress, which the cache merges.
  useSubscription(LessonProgressUpdatedSubscription, {
    variables: { courseId: course?.id ?? '' },
    skip: !course?.viewerEnrollment,
  });

  if (loading && !data) return <PageSkeleton />;
  // Any other GraphQL error fails the page as before; a network error keeps what is shown already.
  if (blockingError && (!data || blockingError.graphQLErrors.length > 0))
    return (
      <ErrorState error={blockingError} onRetry={() => refetch()} title="The lesson could not be loaded" />
    );
  if (!course || !lesson || !lessonModule)
    return (
      <div className="page">
        <EmptyState title="Lesson not found">
          <p>
            {course ? (
              <Link to={coursePath(course.slug)}>Back to {course.title}</Link>
            ) : (
              <Link to="/search">Search the catalog</Link>
            )}
          </p>
        </EmptyState>
      </div>
    );

  const enrolled = !!course.viewerEnrollment;
  const previous = lessons[index - 1];
  const next = lessons[index + 1];
  const content = lesson.content;
  const locked = content.__typename === 'LockedContent';

  return (
    <TutorProvider>
      <div className="page lesson-layout">
        <nav className="lesson-sidebar" aria-label="Lessons">
          <Link to={coursePath(course.slug)} className="back-link">
            ← {course.title}
          </Link>
          {course.viewerEnrollment && (
            <ProgressBar
              percent={course.viewerEnrollment.progressPercent}
              label={`${course.title} progress`}
            />
          )}
          {course.modules.map((module) => (
            <div key={module.id}>
              <h2 className="sidebar-module">{module.title}</h2>
              <ol className="lesson-list compact">
                {module.lessons.map((item) => (
                  <li key={item.id}>
                    <LessonStatusIcon status={item.viewerProgress?.status} />
                    <Link
                      to={lessonPath(course.slug, item.id)}
                      aria-current={item.id === lesson.id ? 'page' : undefined}
                    >
                      {item.title}
                    </Link>
                  </li>
                ))}
              </ol>
            </div>
          ))}
        </nav>
        <article className="lesson-main" aria-labelledby="lesson-title">
          <p className="eyebrow">
            {lessonModule.title} · Lesson {index + 1} of {lessons.length}
          </p>
          <h1 id="lesson-title">{lesson.title}</h1>
          {!enrolled && course.viewerAccess.hasAccess && (
            <div className="notice" role="status">
              <p>Enroll in this course to save your progress.</p>
              <button
                type="button"
                className="button"
                disabled={enrolling.loading}
                onClick={() =>
                  void enroll({ variables: { input: { courseId: course.id } } }).catch(() => undefined)
                }
              >
                {enrolling.loading ? 'Enrolling…' : 'Enroll'}
              </button>
            </div>
          )}
          {content.__typename === 'VideoContent' && (
            <VideoLesson
              key={lesson.id}
              lesson={lesson}
              content={content}
              enrolled={enrolled}
              startAt={startAt}
            />
          )}
          {content.__typename === 'ReadingContent' && (
            <ReadingLesson key={lesson.id} lesson={lesson} content={content} enrolled={enrolled} />
          )}
          {content.__typename === 'QuizContent' && (
            <QuizLesson key={lesson.id} lesson={lesson} content={content} enrolled={enrolled} />
          )}
          {content.__typename === 'LabContent' && (
            <LabLesson
              key={lesson.id}
              lesson={lesson}
              content={content}
              enrolled={enrolled}
              labsUnavailable={labsUnavailable}
              onCompleted={() => void refetch().catch(() => undefined)}
              course={course}
            />
          )}
          {content.__typename === 'LockedContent' && (
            <section className="locked-panel" aria-labelledby="locked-heading">
              <h2 id="locked-heading">
                <LockIcon /> This lesson is locked
              </h2>
              <p>
                {content.reason === 'SIGN_IN_REQUIRED'
                  ? `Sign in and buy ${course.title} to open every lesson.`
                  : `Buy ${course.title}, or subscribe to a plan, to open every lesson.`}
              </p>
              <PurchaseActions
                courseId={course.id}
                price={course.price}
                reason={content.reason === 'SIGN_IN_REQUIRED' ? 'SIGN_IN_REQUIRED' : 'PAYMENT_REQUIRED'}
              />
            </section>
          )}
          {!locked && (
            <LessonSummary lessonId={lesson.id} kind={lesson.kind} summary={summary} canAuthor={canAuthor} />
          )}
          {content.__typename === 'QuizContent' && canAuthor && <QuizDrafts lessonId={lesson.id} />}
          {content.__typename !== 'LabContent' && !locked && (
            <TutorPanel courseId={course.id} courseSlug={course.slug} lessonId={lesson.id} />
          )}
          <nav className="prev-next" aria-label="Lesson navigation">
            {previous ? (
              <Link to={lessonPath(course.slug, previous.id)} rel="prev">
                ← Previous: {previous.title}
              </Link>
            ) : (
              <span />
            )}
            {next ? (
              <Link to={lessonPath(course.slug, next.id)} rel="next">
                Next: {next.title} →
              </Link>
            ) : (
              <Link to={coursePath(course.slug)}>Back to the course →</Link>
            )}
          </nav>
        </article>
      </div>
    </TutorProvider>
  );
}

/** The gateway names the subgraph it could not reach (`extensions.serviceName`). */
function onlyLabsFailed(error: ApolloError): boolean {
  return (
    !error.networkError &&
    error.graphQLErrors.length > 0 &&
    error.graphQLErrors.every((graphQLError) => graphQLError.extensions?.serviceName === 'labs')
  );
}
