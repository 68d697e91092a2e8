/**
 * A lab lesson inside the lesson screen: what the lab is, where the learner's session stands, and
 * the way into the lab screen, where the sandbox, its terminal and the step checks are (a phone has
 * no room for them beside the lesson).
 */
import { View } from 'react-native';
import { useNavigation, type NavigationProp } from '@react-navigation/native';
import { ENDED_NOTES, STATUS_LABELS } from '@learncraft/operations/labWording';
import type { RootStackParamList } from '../../navigation/types';
import { Markdown } from '../../components/Markdown';
import { Body, Button, Notice } from '../../ui';
import { useTheme } from '../../theme';
import type { LabContentData, LessonPartProps } from './types';

export function LabLesson({
  lesson,
  content,
  courseSlug,
}: LessonPartProps<LabContentData> & { courseSlug: string }) {
  const { spacing } = useTheme();
  const navigation = useNavigation<NavigationProp<RootStackParamList>>();
  const session = lesson.viewerLabSession;
  const note = session ? (session.statusMessage ?? ENDED_NOTES[session.status]) : undefined;
  return (
    <View style={{ gap: spacing.md }}>
      <Body muted>
        Sandbox image: {content.image} · Time limit: {content.timeLimitMinutes} min · {content.steps.length}{' '}
        steps
      </Body>
      <Markdown source={content.instructions} />
      {session && (
        <Body>
          Your session: {STATUS_LABELS[session.status]}
          {note ? ` — ${note}` : ''}
        </Body>
      )}
      <Button
        label="Open the lab"
        onPress={() => navigation.navigate('Lab', { lessonId: lesson.id, courseSlug })}
      />
      {lesson.viewerProgress?.status === 'COMPLETED' ? (
        <Notice tone="success">✓ Lesson completed</Notice>
      ) : (
        <Body muted>This lesson completes when every step&apos;s check passes.</Body>
      )}
    </View>
  );
}
