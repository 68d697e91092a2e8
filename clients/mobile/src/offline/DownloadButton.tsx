/**
 * "Download" for a lesson screen: saves the lesson for offline use, shows that it is saved (with
 * Remove), and says why a download failed next to the button. Being on the lesson screen, it is
 * also what tells the downloads that a downloaded lesson was opened (its snapshot is put back in
 * the cache if missing, and refreshed when online).
 */
import { useEffect } from 'react';
import { View } from 'react-native';
import { Body, Button, Notice } from '../ui';
import { useTheme } from '../theme';
import { useDownloads } from './DownloadsContext';

export function DownloadButton(props: { lessonId: string; courseSlug: string; lessonTitle: string }) {
  const downloads = useDownloads();
  const { spacing } = useTheme();
  const status = downloads.status(props.lessonId);
  const failure = downloads.failure(props.lessonId);
  const { opened } = downloads;
  useEffect(() => {
    void opened(props.lessonId);
  }, [opened, props.lessonId]);
  return (
    <View style={{ gap: spacing.sm }}>
      {status === 'ready' ? (
        <>
          <Body muted>Saved for offline use.</Body>
          <Button
            label="Remove download"
            variant="secondary"
            accessibilityLabel={`Remove the download of ${props.lessonTitle}`}
            onPress={() => void downloads.remove(props.lessonId)}
          />
        </>
      ) : (
        <Button
          label={status === 'downloading' ? 'Downloading…' : 'Download'}
          variant="secondary"
          accessibilityLabel={`Download ${props.lessonTitle} for offline use`}
          busy={status === 'downloading'}
          onPress={() => void downloads.download({ lessonId: props.lessonId, courseSlug: props.courseSlug })}
        />
      )}
      {failure ? <Notice tone="error">{failure}</Notice> : null}
    </View>
  );
}
