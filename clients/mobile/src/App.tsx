/**
 * The app: one session and one Apollo client for its lifetime, the persisted cache restored
 * before the first screen renders (so the learner sees what they saw last, even offline), then the
 * providers every screen relies on — session, Apollo, the offline outbox, downloads — and the
 * navigator themed for light or dark mode, with the connection banner above it.
 */
import { useEffect, useMemo, useState, type ReactNode } from 'react';
import { View } from 'react-native';
import { ApolloProvider } from '@apollo/client';
import { NavigationContainer } from '@react-navigation/native';
import { StatusBar } from 'expo-status-bar';
import { initialWindowMetrics, SafeAreaProvider } from 'react-native-safe-area-context';
import { createMobileApolloClient } from './apollo/client';
import { createMobileSession } from './auth/createSession';
import { SessionProvider, useSession } from './auth/SessionContext';
import { GRAPHQL_URL } from './config';
import { linking } from './navigation/linking';
import { navigationRef, RootNavigator } from './navigation/RootNavigator';
import { navigationTheme } from './navigation/theme';
import { ConnectionBanner } from './offline/ConnectionBanner';
import { DownloadsProvider } from './offline/DownloadsContext';
import { OutboxProvider } from './offline/OutboxContext';
import { restoreCache } from './offline/persist';
import { useTheme } from './theme';
import { Loading } from './ui';

export default function App() {
  const theme = useTheme();
  const [{ session, client }] = useState(() => {
    const created = createMobileSession(GRAPHQL_URL);
    return {
      session: created,
      client: createMobileApolloClient({ graphqlUrl: GRAPHQL_URL, session: created }),
    };
  });
  const [restored, setRestored] = useState(false);
  useEffect(() => {
    // A cache that cannot be read (first start, storage full) is no reason not to start.
    void restoreCache(client.cache)
      .catch(() => undefined)
      .finally(() => setRestored(true));
  }, [client]);
  const navTheme = useMemo(() => navigationTheme(theme), [theme]);

  if (!restored)
    return (
      <View style={{ flex: 1, justifyContent: 'center', backgroundColor: theme.colors.background }}>
        <Loading label="Starting LearnCraft" />
      </View>
    );
  return (
    // With the insets known at launch, the first frame is laid out at once instead of blank.
    <SafeAreaProvider initialMetrics={initialWindowMetrics}>
      <StatusBar style={theme.dark ? 'light' : 'dark'} />
      <SessionProvider session={session}>
        <ApolloProvider client={client}>
          <LearnerData>
            <View style={{ flex: 1, backgroundColor: theme.colors.background }}>
              <ConnectionBanner />
              <NavigationContainer ref={navigationRef} theme={navTheme} linking={linking}>
                <RootNavigator />
              </NavigationContainer>
            </View>
          </LearnerData>
        </ApolloProvider>
      </SessionProvider>
    </SafeAreaProvider>
  );
}

/**
 * The offline queue and the downloads belong to the signed-in learner: another learner signing in
 * on the same phone sees neither, and a learner's queued progress waits for them to sign in again.
 */
function LearnerData({ children }: { children: ReactNode }) {
  const { state } = useSession();
  const ownerId = state.status === 'signedIn' ? state.user.id : null;
  return (
    <OutboxProvider ownerId={ownerId}>
      <DownloadsProvider ownerId={ownerId}>{children}</DownloadsProvider>
    </OutboxProvider>
  );
}
