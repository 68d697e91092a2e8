/**
 * "Mark as complete" for readings and videos, through the outbox: sent at once when online (the
 * server's userErrors shown beside the button), kept on the device and sent later when offline.
 * The completed state comes from the lesson's progress, as the server reports it.
 */
import { useState } from 'react';
import { View } from 'react-native';
import { useOutbox } from '../../offline/OutboxContext';
import { Button, Notice } from '../../ui';
import { useTheme } from '../../theme';
import type { LessonData } from '../../screens/lesson/types';

type Outcome =
  { kind: 'queued' } | { kind: 'refused'; message: string } | { kind: 'failed' } | { kind: 'done' };

export function CompleteButton({
  lesson,
  enrolled,
  label = 'Mark as complete',
}: {
  lesson: LessonData;
  enrolled: boolean;
  label?: string;
}) {
  const { spacing } = useTheme();
  const outbox = useOutbox();
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome | null>(null);

  if (lesson.viewerProgress?.status === 'COMPLETED' || outcome?.kind === 'done')
    return <Notice tone="success">✓ Lesson completed</Notice>;

  const complete = async () => {
    setBusy(true);
    try {
      const sent = await outbox.send({ kind: 'lessonComplete', lessonId: lesson.id });
      if (sent.status === 'queued') return setOutcome({ kind: 'queued' });
      if (sent.status === 'refused') return setOutcome({ kind: 'refused', message: sent.message });
      const refused = sent.result.userErrors[0];
      setOutcome(refused ? { kind: 'refused', message: refused.message } : { kind: 'done' });
    } catch {
      setOutcome({ kind: 'failed' });
    } finally {
      setBusy(false);
    }
  };

  return (
    <View style={{ gap: spacing.sm }}>
      <Button
        label={busy ? 'Saving…' : label}
        onPress={() => void complete()}
        disabled={!enrolled || outcome?.kind === 'queued'}
        busy={busy}
      />
      {outcome?.kind === 'queued' && (
        <Notice tone="info">Saved on this device: it will be recorded when you are back online.</Notice>
      )}
      {outcome?.kind === 'refused' && <Notice tone="error">{outcome.message}</Notice>}
      {outcome?.kind === 'failed' && <Notice tone="error">Saving failed. Please try again.</Notice>}
    </View>
  );
}
