/**
 * The catalog as a list that grows page by page over the Relay connection: `courses` when there is
 * no search text, `courseSearch` when there is, both narrowed by the filters (web's search page).
 * The next page loads as the end scrolls into view (`onEndReached`); a "Show more" button does the
 * same for screen-reader users, who cannot rely on scrolling.
 */
import { useState, type ReactElement } from 'react';
import { FlatList, Text, View } from 'react-native';
import { useQuery } from '@apollo/client';
import { useNavigation } from '@react-navigation/native';
import type { NativeStackNavigationProp } from '@react-navigation/native-stack';
import type { CourseFilter } from '@learncraft/operations/types';
import { CourseListQuery, CourseSearchQuery } from '@learncraft/operations';
import { describeError } from '@learncraft/operations/errors';
import type { RootStackParamList } from '../navigation/types';
import { useTheme } from '../theme';
import { Body, Button, ErrorState, Heading, Loading } from '../ui';
import { CourseCard } from './CourseCard';

export const PAGE_SIZE = 12;

export function CourseList({
  query,
  filterBy,
  header,
}: {
  query: string;
  filterBy: CourseFilter;
  header: ReactElement;
}) {
  const { colors, spacing } = useTheme();
  const navigation = useNavigation<NativeStackNavigationProp<RootStackParamList>>();
  const search = useQuery(CourseSearchQuery, {
    variables: { query, first: PAGE_SIZE, filterBy },
    skip: !query,
    notifyOnNetworkStatusChange: true,
  });
  const list = useQuery(CourseListQuery, {
    variables: { first: PAGE_SIZE, filterBy },
    skip: !!query,
    notifyOnNetworkStatusChange: true,
  });
  const active = query ? search : list;
  const connection = query ? search.data?.courseSearch : list.data?.courses;
  const [loadingMore, setLoadingMore] = useState(false);

  const loadMore = async () => {
    if (!connection?.pageInfo.hasNextPage || loadingMore) return;
    setLoadingMore(true);
    try {
      await active.fetchMore({ variables: { after: connection.pageInfo.endCursor } });
    } catch {
      // The list keeps what it has; the button stays for another try.
    } finally {
      setLoadingMore(false);
    }
  };

  const count = connection
    ? `${connection.totalCount} ${connection.totalCount === 1 ? 'course' : 'courses'} found`
    : '';

  return (
    <FlatList
      style={{ backgroundColor: colors.background }}
      contentContainerStyle={{ padding: spacing.lg, gap: spacing.md, flexGrow: 1 }}
      keyboardShouldPersistTaps="handled"
      data={connection?.edges ?? []}
      keyExtractor={(edge) => edge.node.id}
      renderItem={({ item }) => (
        <CourseCard
          course={item.node}
          onPress={() => navigation.navigate('Course', { slug: item.node.slug })}
        />
      )}
      onEndReached={() => void loadMore()}
      onEndReachedThreshold={0.5}
      ListHeaderComponent={
        <View style={{ gap: spacing.md }}>
          {header}
          <Text accessibilityLiveRegion="polite" role="status" style={{ color: colors.muted, fontSize: 15 }}>
            {count}
          </Text>
        </View>
      }
      ListEmptyComponent={
        active.error && !connection ? (
          <ErrorState
            title="The courses could not be loaded"
            message={describeError(active.error)}
            onRetry={() => void active.refetch().catch(() => undefined)}
          />
        ) : !connection ? (
          <Loading label="Loading courses" />
        ) : (
          <View style={{ gap: spacing.sm }}>
            <Heading level={2}>No courses match</Heading>
            <Body muted>Try other words or fewer filters.</Body>
          </View>
        )
      }
      ListFooterComponent={
        connection?.pageInfo.hasNextPage ? (
          <Button
            label={loadingMore ? 'Loading…' : 'Show more'}
            accessibilityLabel="Show more courses"
            variant="secondary"
            busy={loadingMore}
            onPress={() => void loadMore()}
          />
        ) : null
      }
    />
  );
}
