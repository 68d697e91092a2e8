/**
 * The lesson player: one lesson of a course (video, reading, quiz or lab) with previous/next
 * navigation. The lesson is read cache-and-network while online and from the device's cache when
 * offline, so a downloaded lesson opens without a connection. Progress is saved only for enrolled
 * learners, so others are offered enrolment first; a lesson of a paid course the viewer has no
 * access to comes as LockedContent, shown with the way to buy the course. The tutor is a screen
 * of its own, opened from here with the lesson it is about.
 */
import { useLayoutEffect } from 'react';
import { View } from 'react-native';
import { useMutation, useQuery, useSubscription, type ApolloError } from '@apollo/client';
import {
  CourseEnrollMutation,
  LessonPageQuery,
  LessonProgressUpdatedSubscription,
} from '@learncraft/operations';
import { describeError } from '@learncraft/operations/errors';
import { DownloadButton } from '../offline/DownloadButton';
import { useConnection } from '../offline/network';
import type { RootScreenProps } from '../navigation/types';
import { LockedPanel } from '../components/learning/LockedPanel';
import { Body, Button, Card, ErrorState, Heading, Loading, Notice, Screen } from '../ui';
import { useTheme } from '../theme';
import { LabLesson } from './lesson/LabLesson';
import { QuizLesson } from './lesson/QuizLesson';
import { ReadingLesson } from './lesson/ReadingLesson';
import { VideoLesson } from './lesson/VideoLesson';

export default function LessonScreen({ navigation, route }: RootScreenProps<'Lesson'>) {
  const { courseSlug, lessonId } = route.params;
  const startAt = startSecondsOf(route.params.startSeconds);
  const { spacing } = useTheme();
  const { online } = useConnection();
  const variables = { slug: courseSlug, lessonId };
  // Partial answers are kept, so the labs subgraph being down (it serves only the lesson's
  // viewerLabSession) does not take every lesson down with it.
  const { data, loading, error, refetch } = useQuery(LessonPageQuery, {
    variables,
    fetchPolicy: online ? 'cache-and-network' : 'cache-first',
    errorPolicy: 'all',
  });
  const [enroll, enrolling] = useMutation(CourseEnrollMutation, {
    refetchQueries: [{ query: LessonPageQuery, variables }],
    awaitRefetchQueries: true,
  });
  const course = data?.course;
  const lesson = course?.lesson;
  // Progress made elsewhere (a lab's last check, another device) reaches the lesson live.
  useSubscription(LessonProgressUpdatedSubscription, {
    variables: { courseId: course?.id ?? '' },
    skip: !course?.viewerEnrollment || !online,
  });
  useLayoutEffect(() => {
    if (lesson) navigation.setOptions({ title: lesson.title });
  }, [navigation, lesson]);

  if (loading && !data) return <Loading label="Loading the lesson" />;
  if (!course || !lesson) {
    if (error && !onlyLabsFailed(error))
      return (
        <ErrorState
          title="The lesson could not be loaded"
          message={
            online
              ? describeError(error)
              : 'This lesson is not on your device. Download lessons while you are online to open them offline.'
          }
          onRetry={() => void refetch().catch(() => undefined)}
        />
      );
    return (
      <Screen>
        <Heading>Lesson not found</Heading>
        <Button
          label={course ? `Back to ${course.title}` : 'Search the catalog'}
          variant="secondary"
          onPress={() =>
            course
              ? navigation.navigate('Course', { slug: course.slug })
              : navigation.navigate('Tabs', { screen: 'Search' })
          }
        />
      </Screen>
    );
  }

  const lessons = course.modules.flatMap((module) => module.lessons.map((item) => ({ ...item, module })));
  const index = lessons.findIndex((item) => item.id === lesson.id);
  const lessonModule = lessons[index]?.module;
  const previous = lessons[index - 1];
  const next = lessons[index + 1];
  const enrolled = !!course.viewerEnrollment;
  const content = lesson.content;
  const locked = content.__typename === 'LockedContent';
  const open = (id: string) => navigation.replace('Lesson', { courseSlug: course.slug, lessonId: id });

  return (
    <Screen onRefresh={online ? () => void refetch().catch(() => undefined) : undefined} refreshing={loading}>
      <Body muted>
        {lessonModule ? `${lessonModule.title} · ` : ''}Lesson {index + 1} of {lessons.length}
      </Body>
      <Heading>{lesson.title}</Heading>
      {error && !onlyLabsFailed(error) && (
        <Notice tone="warning">Showing what is saved on this device: {describeError(error)}</Notice>
      )}
      {!enrolled && course.viewerAccess.hasAccess && (
        <Card>
          <Body>Enroll in this course to save your progress.</Body>
          <Button
            label={enrolling.loading ? 'Enrolling…' : 'Enroll'}
            accessibilityLabel="Enroll"
            busy={enrolling.loading}
            disabled={!online}
            onPress={() =>
              void enroll({ variables: { input: { courseId: course.id } } }).catch(() => undefined)
            }
          />
          {enrolling.data?.courseEnroll.userErrors[0] && (
            <Notice tone="error">{enrolling.data.courseEnroll.userErrors[0].message}</Notice>
          )}
          {enrolling.error && <Notice tone="error">{describeError(enrolling.error)}</Notice>}
        </Card>
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
          courseSlug={course.slug}
        />
      )}
      {content.__typename === 'LockedContent' && <LockedPanel course={course} reason={content.reason} />}
      {!locked && content.__typename !== 'LabContent' && (
        <DownloadButton lessonId={lesson.id} courseSlug={course.slug} lessonTitle={lesson.title} />
      )}
      {!locked && (
        <Button
          label="Ask the tutor"
          variant="secondary"
          onPress={() => navigation.navigate('Tutor', { courseId: course.id, lessonId: lesson.id })}
        />
      )}
      <View accessibilityRole="toolbar" accessibilityLabel="Lesson navigation" style={{ gap: spacing.sm }}>
        {previous && (
          <Button
            label={`← Previous: ${previous.title}`}
            variant="secondary"
            onPress={() => open(previous.id)}
          />
        )}
        {next ? (
          <Button label={`Next: ${next.title} →`} variant="secondary" onPress={() => open(next.id)} />
        ) : (
          <Button
            label="Back to the course →"
            variant="secondary"
            onPress={() => navigation.navigate('Course', { slug: course.slug })}
          />
        )}
      </View>
    </Screen>
  );
}

/** A tutor citation of a transcript opens the lesson at its second (`startSeconds`), if given. */
function startSecondsOf(value: number | undefined): number | null {
  return typeof value === 'number' && value >= 0 ? Math.floor(value) : null;
}

/** The gateway names the subgraph it could not reach (`extensions.serviceName`). */
function onlyLabsFailed(error: ApolloError): boolean {
  return (
    !error.networkError &&
    error.graphQLErrors.length > 0 &&
    error.graphQLErrors.every((graphQLError) => graphQLError.extensions?.serviceName === 'labs')
  );
}
