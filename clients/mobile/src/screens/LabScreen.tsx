/**
 * A hands-on lab on a phone: the brief, a sandbox session with a terminal, and the steps, each
 * checked in the sandbox. Status, provisioning progress, check results and expiry warnings arrive
 * live through `labSessionUpdated` (useLabSession, shared with the web app). The lesson completes
 * on the server when every step's check has passed; when the session turns COMPLETED the lesson is
 * fetched again, so its progress shows here and on the lesson screen. The tutor sits under the
 * steps, as on the web: questions go with the running session, and each step's Hint streams there.
 */
import { useQuery } from '@apollo/client';
import { View } from 'react-native';
import { LessonPageQuery } from '@learncraft/operations';
import { describeError } from '@learncraft/operations/errors';
import { ENDED_STATUSES, useLabSession } from '@learncraft/operations/useLabSession';
import type { RootScreenProps } from '../navigation/types';
import { LabTerminal } from '../components/learning/LabTerminal';
import { LabClock, LabControls, LabSteps, SessionStatus, StartLab } from '../components/learning/LabParts';
import { TutorConversation, useTutorThread } from '../components/learning/TutorConversation';
import { Markdown } from '../components/Markdown';
import { Body, ErrorState, Heading, Loading, Notice, Screen } from '../ui';
import { useTheme } from '../theme';
import type { LabContentData, LessonData } from './lesson/types';

export default function LabScreen({ navigation, route }: RootScreenProps<'Lab'>) {
  const { lessonId, courseSlug } = route.params;
  const variables = { slug: courseSlug, lessonId };
  const { data, loading, error, refetch } = useQuery(LessonPageQuery, {
    variables,
    fetchPolicy: 'cache-and-network',
    errorPolicy: 'all',
  });
  const course = data?.course;
  const lesson = course?.lesson;
  if (loading && !data) return <Loading label="Loading the lab" />;
  if (!lesson || lesson.content.__typename !== 'LabContent')
    return error ? (
      <ErrorState
        title="The lab could not be loaded"
        message={describeError(error)}
        onRetry={() => void refetch().catch(() => undefined)}
      />
    ) : (
      <Screen>
        <Heading>Lab not found</Heading>
      </Screen>
    );
  return (
    <LabView
      courseId={course.id}
      lesson={lesson}
      content={lesson.content}
      enrolled={!!course.viewerEnrollment}
      onOpenCitation={(citation) =>
        navigation.navigate('Lesson', { courseSlug: course.slug, lessonId: citation.lesson.id })
      }
      labsUnavailable={!!error && !lesson.viewerLabSession}
      onCompleted={() => void refetch().catch(() => undefined)}
    />
  );
}

export function LabView({
  courseId,
  lesson,
  content,
  enrolled,
  labsUnavailable,
  onCompleted,
  onOpenCitation,
  createSocket,
}: {
  courseId: string;
  lesson: LessonData;
  content: LabContentData;
  enrolled: boolean;
  /** The labs service did not answer: no session is known. */
  labsUnavailable: boolean;
  onCompleted: () => void;
  onOpenCitation: Parameters<typeof TutorConversation>[0]['onOpenCitation'];
  createSocket?: Parameters<typeof LabTerminal>[0]['createSocket'];
}) {
  const { spacing } = useTheme();
  const { session, follow, deadline, liveUpdatesFailed } = useLabSession({
    initial: lesson.viewerLabSession,
    onCompleted,
  });
  const active = !!session && !ENDED_STATUSES.has(session.status);
  const tutor = useTutorThread();
  const lessonCompleted = lesson.viewerProgress?.status === 'COMPLETED' || session?.status === 'COMPLETED';
  return (
    <Screen>
      <Heading>{lesson.title}</Heading>
      <Body muted>
        Sandbox image: {content.image} · Time limit: {content.timeLimitMinutes} min
      </Body>
      <Markdown source={content.instructions} />
      <View style={{ gap: spacing.md }}>
        <Heading level={2}>Your sandbox</Heading>
        {labsUnavailable && !session && (
          <Notice tone="warning">
            Lab sandboxes are unavailable at the moment. Please try again in a few minutes.
          </Notice>
        )}
        {session && <SessionStatus session={session} />}
        {active && liveUpdatesFailed && (
          <Notice tone="error">Live updates of this session stopped. Pull down to see where it is.</Notice>
        )}
        {active ? (
          <>
            <LabClock session={session} deadline={deadline} />
            <LabControls session={session} />
            {session.status === 'READY' && (
              <LabTerminal key={session.id} sessionId={session.id} createSocket={createSocket} />
            )}
          </>
        ) : (
          <StartLab lessonId={lesson.id} enrolled={enrolled} again={!!session} onStarted={follow} />
        )}
      </View>
      <Heading level={2}>Steps</Heading>
      <LabSteps steps={content.steps} session={session} tutor={tutor} />
      {lessonCompleted ? (
        <Notice tone="success">✓ Lesson completed</Notice>
      ) : (
        <Body muted>This lesson completes when every step&apos;s check passes.</Body>
      )}
      <Heading level={2}>Ask the tutor</Heading>
      <TutorConversation
        tutor={tutor}
        courseId={courseId}
        lessonId={lesson.id}
        labSessionId={active ? session.id : null}
        onOpenCitation={onOpenCitation}
      />
    </Screen>
  );
}
