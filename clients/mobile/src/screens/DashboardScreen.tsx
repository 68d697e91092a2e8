/**
 * My learning (web's DashboardPage): every enrollment with its progress bar, kept live by one
 * `progressUpdated` subscription per course (each event carries the enrollment with its id, so
 * Apollo merges it into the card), and a way to continue with the first lesson not completed.
 */
import { FlatList, Pressable, Text, View } from 'react-native';
import { useQuery, useSubscription } from '@apollo/client';
import { useNavigation } from '@react-navigation/native';
import type { NativeStackNavigationProp } from '@react-navigation/native-stack';
import type { DashboardQuery as DashboardData } from '@learncraft/operations/types';
import { DashboardQuery, ProgressUpdatedSubscription } from '@learncraft/operations';
import { describeError } from '@learncraft/operations/errors';
import { clock } from '@learncraft/operations/format';
import { useSession } from '../auth/SessionContext';
import { ProgressBar } from '../components/ProgressBar';
import { SignInPrompt } from '../components/SignInPrompt';
import type { RootStackParamList } from '../navigation/types';
import { MIN_TOUCH, useTheme } from '../theme';
import { Body, Button, Card, ErrorState, Heading, Loading } from '../ui';

type EnrollmentNode = NonNullable<NonNullable<DashboardData['me']>['enrollments']>['edges'][number]['node'];

export default function DashboardScreen() {
  const { state } = useSession();
  if (state.status !== 'signedIn')
    return (
      <SignInPrompt
        title="My learning"
        reason="Log in to see your courses and your progress."
        loading={state.status === 'loading'}
      />
    );
  return <Dashboard />;
}

function Dashboard() {
  const { colors, spacing } = useTheme();
  const navigation = useNavigation<NativeStackNavigationProp<RootStackParamList>>();
  const { data, loading, error, refetch } = useQuery(DashboardQuery, { fetchPolicy: 'cache-and-network' });
  const me = data?.me;
  const enrollments = me?.enrollments?.edges.map((edge) => edge.node) ?? [];
  const retry = () => void refetch().catch(() => undefined);

  return (
    <FlatList
      style={{ backgroundColor: colors.background }}
      contentContainerStyle={{ padding: spacing.lg, gap: spacing.md, flexGrow: 1 }}
      data={enrollments}
      keyExtractor={(enrollment) => enrollment.id}
      renderItem={({ item }) => <EnrollmentCard enrollment={item} />}
      refreshing={loading && !!data}
      onRefresh={retry}
      ListHeaderComponent={
        <View style={{ gap: spacing.sm }}>
          <Heading>My learning</Heading>
          {me ? <Body muted>{`Welcome back, ${me.displayName}.`}</Body> : null}
        </View>
      }
      ListEmptyComponent={
        loading && !data ? (
          <Loading label="Loading your courses" />
        ) : error && !data ? (
          <ErrorState
            title="Your courses could not be loaded"
            message={describeError(error)}
            onRetry={retry}
          />
        ) : me && !me.enrollments ? (
          <ErrorState
            title="Your courses could not be loaded"
            message="Progress is unavailable right now."
            onRetry={retry}
          />
        ) : (
          <View style={{ gap: spacing.sm }}>
            <Heading level={2}>You have not enrolled in any course yet</Heading>
            <Button label="Find a course" onPress={() => navigation.navigate('Tabs', { screen: 'Search' })} />
          </View>
        )
      }
    />
  );
}

function EnrollmentCard({ enrollment }: { enrollment: EnrollmentNode }) {
  const { colors, spacing } = useTheme();
  const navigation = useNavigation<NativeStackNavigationProp<RootStackParamList>>();
  const { course } = enrollment;
  useSubscription(ProgressUpdatedSubscription, { variables: { courseId: course.id } });
  const next = enrollment.lessons.find((progress) => progress.status !== 'COMPLETED');
  return (
    <Card>
      <Pressable
        accessibilityRole="link"
        accessibilityLabel={course.title}
        accessibilityHint="Opens the course"
        onPress={() => navigation.navigate('Course', { slug: course.slug })}
        style={{ minHeight: MIN_TOUCH, justifyContent: 'center', paddingVertical: spacing.xs }}
      >
        <Text style={{ color: colors.text, fontSize: 19, fontWeight: '700' }}>{course.title}</Text>
      </Pressable>
      <ProgressBar percent={enrollment.progressPercent} label={`${course.title} progress`} />
      {enrollment.completedAt ? (
        <Text style={{ color: colors.success, fontSize: 16 }}>✓ Course completed</Text>
      ) : next ? (
        <Button
          label={`Continue: ${next.lesson.title}${next.positionSeconds > 0 ? ` (at ${clock(next.positionSeconds)})` : ''}`}
          onPress={() =>
            navigation.navigate(next.lesson.kind === 'LAB' ? 'Lab' : 'Lesson', {
              lessonId: next.lesson.id,
              courseSlug: course.slug,
            })
          }
        />
      ) : null}
    </Card>
  );
}
