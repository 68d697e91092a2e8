/**
 * Account: who is signed in, their orders and downloaded lessons, and signing out (which, as on
 * the web, also empties the cache so the next person on the device sees nothing of theirs).
 */
import { useState } from 'react';
import { useApolloClient } from '@apollo/client';
import { useNavigation } from '@react-navigation/native';
import type { NativeStackNavigationProp } from '@react-navigation/native-stack';
import { useSession } from '../auth/SessionContext';
import { SignInPrompt } from '../components/SignInPrompt';
import { useDownloads } from '../offline/DownloadsContext';
import type { RootStackParamList } from '../navigation/types';
import { Body, Button, Card, Heading, Screen } from '../ui';

export default function AccountScreen() {
  const { state, session } = useSession();
  const client = useApolloClient();
  const { forgetLearner } = useDownloads();
  const navigation = useNavigation<NativeStackNavigationProp<RootStackParamList>>();
  const [signingOut, setSigningOut] = useState(false);

  if (state.status !== 'signedIn')
    return (
      <SignInPrompt
        title="Account"
        reason="Log in to see your orders and your downloads."
        loading={state.status === 'loading'}
      />
    );

  const signOut = async () => {
    setSigningOut(true);
    try {
      // This learner's downloads and persisted cache go with them; the server-side sign-out last,
      // so nothing of theirs stays readable on a shared phone if it fails.
      await forgetLearner();
      await session.signOut();
      await client.clearStore();
    } finally {
      setSigningOut(false);
    }
  };

  return (
    <Screen>
      <Heading>Account</Heading>
      <Card>
        <Heading level={2}>{state.user.displayName}</Heading>
        {state.user.email ? <Body muted>{state.user.email}</Body> : null}
      </Card>
      <Button label="Orders" variant="secondary" onPress={() => navigation.navigate('Orders')} />
      <Button label="Downloads" variant="secondary" onPress={() => navigation.navigate('Downloads')} />
      <Button label="Log out" variant="danger" busy={signingOut} onPress={() => void signOut()} />
    </Screen>
  );
}
