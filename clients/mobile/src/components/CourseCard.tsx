/**
 * A course in a list: thumbnail, category, title, summary, facts and price. The whole card is one
 * link named by the course title, as the browser journey finds it. Thumbnails go through
 * expo-image: the demo's are SVG (which React Native's Image cannot draw) and it keeps a disk cache,
 * so a list seen once still has its pictures offline.
 */
import { Image } from 'expo-image';
import { Text, View } from 'react-native';
import type { CourseCardFieldsFragment } from '@learncraft/operations/types';
import { duration, languageName, LEVEL_LABELS } from '@learncraft/operations/format';
import { mediaUrl } from '../config';
import { Body, Card } from '../ui';
import { useTheme } from '../theme';

export function CourseCard({ course, onPress }: { course: CourseCardFieldsFragment; onPress: () => void }) {
  const { colors, spacing } = useTheme();
  return (
    <Card onPress={onPress} accessibilityLabel={course.title}>
      {course.thumbnailUrl ? (
        <Image
          source={{ uri: mediaUrl(course.thumbnailUrl) }}
          cachePolicy="disk"
          contentFit="cover"
          accessibilityIgnoresInvertColors
          style={{ width: '100%', aspectRatio: 16 / 9, borderRadius: 8, backgroundColor: colors.border }}
        />
      ) : null}
      <Text style={{ color: colors.muted, fontSize: 13, fontWeight: '600', textTransform: 'uppercase' }}>
        {course.category.name}
      </Text>
      <Text style={{ color: colors.text, fontSize: 18, fontWeight: '700' }}>{course.title}</Text>
      <Body muted>{course.summary}</Body>
      <View style={{ flexDirection: 'row', flexWrap: 'wrap', columnGap: spacing.md, rowGap: spacing.xs }}>
        <Text style={{ color: colors.muted, fontSize: 14 }}>{LEVEL_LABELS[course.level]}</Text>
        <Text style={{ color: colors.muted, fontSize: 14 }}>{languageName(course.language)}</Text>
        <Text style={{ color: colors.muted, fontSize: 14 }}>
          {course.lessonCount} lessons · {duration(course.totalDurationSeconds)}
        </Text>
      </View>
      <Text style={{ color: colors.text, fontSize: 16, fontWeight: '700' }}>
        {course.price?.formatted ?? 'Free'}
      </Text>
    </Card>
  );
}
