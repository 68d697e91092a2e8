/** The viewer's orders, newest first (web's OrdersPage): number, status, total and date, page by page. */
import { useState } from 'react';
import { FlatList, Text, View } from 'react-native';
import { useQuery } from '@apollo/client';
import { OrdersQuery } from '@learncraft/operations';
import { describeError } from '@learncraft/operations/errors';
import { formatDate, ORDER_STATUS_LABELS } from '@learncraft/operations/format';
import type { RootScreenProps } from '../navigation/types';
import { useTheme } from '../theme';
import { Body, Button, Card, ErrorState, Heading, Loading } from '../ui';

const PAGE_SIZE = 20;

export default function OrdersScreen({ navigation }: RootScreenProps<'Orders'>) {
  const { colors, spacing } = useTheme();
  const { data, loading, error, refetch, fetchMore } = useQuery(OrdersQuery, {
    variables: { first: PAGE_SIZE },
    fetchPolicy: 'cache-and-network',
  });
  const [loadingMore, setLoadingMore] = useState(false);
  const connection = data?.me?.orders;
  const retry = () => void refetch().catch(() => undefined);

  const loadMore = async () => {
    if (!connection?.pageInfo.hasNextPage || loadingMore) return;
    setLoadingMore(true);
    try {
      await fetchMore({ variables: { after: connection.pageInfo.endCursor } });
    } catch {
      // The list keeps what it has; "Show more" stays for another try.
    } finally {
      setLoadingMore(false);
    }
  };

  return (
    <FlatList
      style={{ backgroundColor: colors.background }}
      contentContainerStyle={{ padding: spacing.lg, gap: spacing.md, flexGrow: 1 }}
      data={connection?.edges ?? []}
      keyExtractor={(edge) => edge.node.id}
      onEndReached={() => void loadMore()}
      onEndReachedThreshold={0.5}
      refreshing={loading && !!data}
      onRefresh={retry}
      ListHeaderComponent={
        <View style={{ gap: spacing.sm }}>
          <Heading>Orders</Heading>
          {connection && connection.totalCount > 0 ? (
            <Body
              muted
            >{`${connection.totalCount} ${connection.totalCount === 1 ? 'order' : 'orders'}`}</Body>
          ) : null}
        </View>
      }
      renderItem={({ item: { node: order } }) => (
        <Card
          onPress={() => navigation.navigate('Order', { orderId: order.id })}
          accessibilityLabel={`Order ${order.number}, ${ORDER_STATUS_LABELS[order.status]}, ${order.total.formatted}`}
        >
          <Text
            style={{ color: colors.text, fontSize: 18, fontWeight: '700' }}
          >{`Order ${order.number}`}</Text>
          <Body>{order.lines.map((line) => line.title).join(', ')}</Body>
          <Body muted>
            {`${ORDER_STATUS_LABELS[order.status]} · ${order.total.formatted} · ${formatDate(order.createdAt)}`}
          </Body>
        </Card>
      )}
      ListEmptyComponent={
        loading && !data ? (
          <Loading label="Loading your orders" />
        ) : error && !data ? (
          <ErrorState
            title="Your orders could not be loaded"
            message={describeError(error)}
            onRetry={retry}
          />
        ) : (
          <View style={{ gap: spacing.sm }}>
            <Heading level={2}>You have no orders yet</Heading>
            <Button label="Find a course" onPress={() => navigation.navigate('Tabs', { screen: 'Search' })} />
          </View>
        )
      }
      ListFooterComponent={
        connection?.pageInfo.hasNextPage ? (
          <Button
            label={loadingMore ? 'Loading…' : 'Show more'}
            accessibilityLabel="Show more orders"
            variant="secondary"
            busy={loadingMore}
            onPress={() => void loadMore()}
          />
        ) : null
      }
    />
  );
}
