/**
 * A course (web's CoursePage): what it is, who teaches it, its price, the syllabus with the
 * viewer's progress, and what the viewer can do per `viewerAccess` — enroll, continue, buy, or sign
 * in to buy. Enrolled learners can download the lessons they may open for offline reading, and ask
 * the course's tutor.
 */
import { Pressable, Text, View } from 'react-native';
import { useMutation, useQuery } from '@apollo/client';
import type { AccessReason, CoursePageQuery as CoursePageData } from '@learncraft/operations/types';
import { CourseEnrollMutation, CoursePageQuery } from '@learncraft/operations';
import { describeError } from '@learncraft/operations/errors';
import { duration, languageName, LEVEL_LABELS } from '@learncraft/operations/format';
import { useSession } from '../auth/SessionContext';
import { LESSON_STATUS_LABELS, LessonStatusIcon } from '../components/LessonStatusIcon';
import { ProgressBar } from '../components/ProgressBar';
import { PurchaseActions } from '../components/PurchaseActions';
import type { RootScreenProps } from '../navigation/types';
import { useDownloads } from '../offline/DownloadsContext';
import { MIN_TOUCH, useTheme } from '../theme';
import { Body, Button, Card, ErrorState, Heading, Loading, Notice, Screen } from '../ui';

type Course = NonNullable<CoursePageData['course']>;
type Lesson = Course['modules'][number]['lessons'][number];

/** Why a viewer may learn a paid course, in a sentence (FREE has its own). */
const ACCESS_WORDS: Partial<Record<AccessReason, string>> = {
  PURCHASED: 'You bought this course.',
  SUBSCRIPTION: 'Included in your plan.',
  INSTRUCTOR: 'You teach this course.',
  ADMIN: 'Open to you as an admin.',
};

export default function CourseScreen({ navigation, route }: RootScreenProps<'Course'>) {
  const { slug } = route.params;
  const { state } = useSession();
  const { data, loading, error, refetch } = useQuery(CoursePageQuery, { variables: { slug } });
  const [enroll, enrollment] = useMutation(CourseEnrollMutation, {
    refetchQueries: [{ query: CoursePageQuery, variables: { slug } }],
    awaitRefetchQueries: true,
  });
  const course = data?.course;

  if (loading && !data) return <Loading label="Loading the course" />;
  if (error && !data)
    return (
      <ErrorState
        title="The course could not be loaded"
        message={describeError(error)}
        onRetry={() => void refetch().catch(() => undefined)}
      />
    );
  if (!course)
    return (
      <Screen>
        <Heading>Course not found</Heading>
        <Body muted>It may have been unpublished.</Body>
        <Button
          label="Search the catalog"
          onPress={() => navigation.navigate('Tabs', { screen: 'Search' })}
        />
      </Screen>
    );

  const lessons = course.modules.flatMap((module) => module.lessons);
  const next = lessons.find((lesson) => lesson.viewerProgress?.status !== 'COMPLETED') ?? lessons[0];
  const access = course.viewerAccess;
  const canOpen = (lesson: { preview: boolean }) =>
    (access.hasAccess && !!course.viewerEnrollment) || lesson.preview;
  const userError = enrollment.data?.courseEnroll.userErrors[0];
  const open = (lesson: Lesson) =>
    navigation.navigate(lesson.kind === 'LAB' ? 'Lab' : 'Lesson', {
      lessonId: lesson.id,
      courseSlug: course.slug,
    });

  const onEnroll = async () => {
    if (state.status !== 'signedIn') return navigation.navigate('Login');
    await enroll({ variables: { input: { courseId: course.id } } }).catch(() => undefined);
  };

  return (
    <Screen onRefresh={() => void refetch().catch(() => undefined)} refreshing={loading}>
      <Body muted>{course.category.name}</Body>
      {/* The one heading with the title: the stack's header says "Course", so a long title wraps here. */}
      <Heading>{course.title}</Heading>
      <Body>{course.summary}</Body>
      <Body muted>
        {`${LEVEL_LABELS[course.level]} · ${languageName(course.language)} · ${course.lessonCount} lessons · ${duration(course.totalDurationSeconds)}`}
      </Body>
      {course.instructors.length > 0 ? (
        <Body muted>
          Taught by {course.instructors.map((instructor) => instructor.displayName).join(', ')}
        </Body>
      ) : null}

      <Card>
        {course.price ? <Heading level={2}>{course.price.formatted}</Heading> : null}
        {!access.hasAccess ? (
          <PurchaseActions courseId={course.id} price={course.price} reason={access.reason} />
        ) : course.viewerEnrollment ? (
          <>
            <ProgressBar
              percent={course.viewerEnrollment.progressPercent}
              label={`${course.title} progress`}
            />
            {next ? (
              <Button label="Continue" accessibilityHint={`Opens ${next.title}`} onPress={() => open(next)} />
            ) : null}
          </>
        ) : (
          <>
            <Body>
              {access.reason === 'FREE'
                ? 'Free for everyone. Track your progress and earn completion.'
                : `${ACCESS_WORDS[access.reason] ?? 'You have access.'} Track your progress and earn completion.`}
            </Body>
            <Button label="Enroll" busy={enrollment.loading} onPress={() => void onEnroll()} />
          </>
        )}
        {userError || enrollment.error ? (
          <Notice tone="error">{userError?.message ?? 'Enrolling failed. Please try again.'}</Notice>
        ) : null}
        {state.status === 'signedIn' && access.hasAccess ? (
          <Button
            label="Ask the tutor"
            variant="secondary"
            onPress={() => navigation.navigate('Tutor', { courseId: course.id })}
          />
        ) : null}
      </Card>

      {course.viewerEnrollment && access.hasAccess ? (
        <OfflineDownload courseSlug={course.slug} lessons={lessons.filter(canOpen)} />
      ) : null}

      <Heading level={2}>About this course</Heading>
      <Body selectable>{course.description}</Body>

      <Heading level={2}>Syllabus</Heading>
      {course.modules.map((module) => (
        <View key={module.id} style={{ gap: 4 }}>
          <Heading level={3}>{`Module ${module.position}: ${module.title}`}</Heading>
          {module.summary ? <Body muted>{module.summary}</Body> : null}
          {module.lessons.map((lesson) => (
            <LessonRow
              key={lesson.id}
              lesson={lesson}
              openable={canOpen(lesson)}
              locked={!access.hasAccess && !lesson.preview}
              onOpen={() => open(lesson)}
            />
          ))}
        </View>
      ))}
    </Screen>
  );
}

function LessonRow(props: { lesson: Lesson; openable: boolean; locked: boolean; onOpen: () => void }) {
  const { colors, spacing } = useTheme();
  const { lesson } = props;
  const status = lesson.viewerProgress?.status;
  const meta = `${lesson.kind.toLowerCase()} · ${duration(lesson.durationSeconds)}${lesson.preview ? ' · Preview' : ''}${props.locked ? ' · Locked' : ''}`;
  const content = (
    <>
      <LessonStatusIcon status={status} />
      <View style={{ flex: 1, gap: 2 }}>
        <Text style={{ color: props.openable ? colors.primary : colors.text, fontSize: 16 }}>
          {lesson.title}
        </Text>
        <Text style={{ color: colors.muted, fontSize: 14 }}>{meta}</Text>
      </View>
    </>
  );
  const style = {
    flexDirection: 'row' as const,
    alignItems: 'center' as const,
    gap: spacing.sm,
    minHeight: MIN_TOUCH,
    paddingVertical: spacing.xs,
  };
  if (!props.openable) return <View style={style}>{content}</View>;
  return (
    <Pressable
      accessibilityRole="link"
      accessibilityLabel={lesson.title}
      // The label stays the title (what the learner looks for); the status and facts follow it.
      accessibilityHint={status ? `${LESSON_STATUS_LABELS[status][1]} · ${meta}` : meta}
      onPress={props.onOpen}
      style={({ pressed }) => [style, { opacity: pressed ? 0.7 : 1 }]}
    >
      {content}
    </Pressable>
  );
}

/**
 * "Download for offline": every lesson the learner may open, through the downloads store (which
 * fetches readings, transcripts and quiz questions, and videos where the source allows).
 */
function OfflineDownload({ courseSlug, lessons }: { courseSlug: string; lessons: readonly Lesson[] }) {
  const downloads = useDownloads();
  const statuses = lessons.map((lesson) => downloads.status(lesson.id));
  const ready = statuses.filter((status) => status === 'ready').length;
  const busy = statuses.includes('downloading');
  const failed = statuses.filter((status) => status === 'failed').length;
  if (lessons.length === 0) return null;
  const downloadAll = async () => {
    for (const lesson of lessons) {
      if (downloads.status(lesson.id) === 'ready') continue;
      // One failed lesson must not stop the others; its status says it failed.
      await downloads.download({ lessonId: lesson.id, courseSlug }).catch(() => undefined);
    }
  };
  return (
    <Card>
      <Body>
        {ready === lessons.length
          ? `All ${lessons.length} lessons are on this device.`
          : `${ready} of ${lessons.length} lessons on this device.`}
      </Body>
      {failed > 0 ? <Notice tone="warning">{`${failed} could not be downloaded. Try again.`}</Notice> : null}
      {ready < lessons.length ? (
        <Button
          label="Download for offline"
          variant="secondary"
          busy={busy}
          onPress={() => void downloadAll()}
        />
      ) : null}
    </Card>
  );
}
