/**
 * The lessons downloaded for offline use: each with its course, what was saved (the lesson, and
 * the video file when its source allowed) and its size, a link that opens it (from its snapshot,
 * put back in the cache first, so offline too) and Remove. The total tells the learner what the downloads take on the phone.
 */
import { Pressable, Text, View } from 'react-native';
import { Body, Button, Card, Heading, Screen } from '../ui';
import { MIN_TOUCH, useTheme } from '../theme';
import type { RootScreenProps } from '../navigation/types';
import { useDownloads, type DownloadRecord } from '../offline/DownloadsContext';
import { formatBytes } from '../offline/downloads';

const sizeOf = (item: DownloadRecord) => item.dataBytes + (item.videoBytes ?? 0);

export default function DownloadsScreen({ navigation }: RootScreenProps<'Downloads'>) {
  const { items, remove, opened } = useDownloads();
  const { colors } = useTheme();
  const total = items.reduce((sum, item) => sum + sizeOf(item), 0);
  return (
    <Screen>
      <Heading>Downloads</Heading>
      {items.length === 0 ? (
        <Body muted>
          No lessons downloaded yet. Open a lesson and choose Download to read it, take its quiz and record
          your progress without a connection.
        </Body>
      ) : (
        <Body muted>
          {items.length} {items.length === 1 ? 'lesson' : 'lessons'} · {formatBytes(total)} on this phone
        </Body>
      )}
      {items.map((item) => (
        <Card key={item.lessonId}>
          <Pressable
            accessibilityRole="link"
            accessibilityLabel={item.lessonTitle}
            accessibilityHint={`Opens the lesson from ${item.courseTitle}`}
            onPress={() => {
              void opened(item.lessonId);
              navigation.navigate('Lesson', { lessonId: item.lessonId, courseSlug: item.courseSlug });
            }}
            style={{ minHeight: MIN_TOUCH, justifyContent: 'center' }}
          >
            <Text style={{ color: colors.primary, fontSize: 17, fontWeight: '600' }}>{item.lessonTitle}</Text>
          </Pressable>
          <Body muted>{item.courseTitle}</Body>
          <View>
            <Body>
              {item.videoUri ? 'Lesson and video' : 'Lesson'} · {formatBytes(sizeOf(item))}
            </Body>
          </View>
          <Button
            label="Remove"
            variant="secondary"
            accessibilityLabel={`Remove ${item.lessonTitle}`}
            onPress={() => void remove(item.lessonId)}
          />
        </Card>
      ))}
    </Screen>
  );
}
