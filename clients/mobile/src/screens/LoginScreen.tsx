/**
 * Log in (web's LoginPage): email and password, the failure next to the form in words a learner
 * understands (a wrong password and an unknown email alike, a rate limit with its wait), then the
 * session is adopted and the learner goes back to where they were.
 */
import { useState } from 'react';
import { View } from 'react-native';
import { useApolloClient, useMutation } from '@apollo/client';
import * as WebBrowser from 'expo-web-browser';
import { SessionCreateMutation } from '@learncraft/operations';
import { formErrors, rateLimitMessage } from '@learncraft/operations/errors';
import { useSession } from '../auth/SessionContext';
import { adoptSession } from '../navigation/adoptSession';
import type { RootScreenProps } from '../navigation/types';
import { webPageUrl } from '../navigation/webPages';
import { useTheme } from '../theme';
import { Body, Button, Heading, Notice, Screen, TextField } from '../ui';

export default function LoginScreen({ navigation }: RootScreenProps<'Login'>) {
  const { spacing } = useTheme();
  const { state, session } = useSession();
  const client = useApolloClient();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [login, { data, loading, error }] = useMutation(SessionCreateMutation);

  const onSubmit = async () => {
    const result = await login({ variables: { input: { email: email.trim(), password } } }).catch(() => null);
    const created = result?.data?.sessionCreate.session;
    if (!created) return;
    await adoptSession(client, session, created);
    if (navigation.canGoBack()) navigation.goBack();
    else navigation.replace('Tabs', { screen: 'Dashboard' });
  };

  const errors = formErrors(data?.sessionCreate.userErrors);
  const limited = rateLimitMessage(error);
  return (
    <Screen>
      <Heading>Log in</Heading>
      {state.status === 'anonymous' && state.expired ? (
        <Notice tone="info">Your session has ended. Please log in again.</Notice>
      ) : null}
      <TextField
        label="Email"
        value={email}
        onChangeText={setEmail}
        autoCapitalize="none"
        autoComplete="email"
        keyboardType="email-address"
        textContentType="emailAddress"
        autoCorrect={false}
      />
      <TextField
        label="Password"
        value={password}
        onChangeText={setPassword}
        secureTextEntry
        autoComplete="current-password"
        textContentType="password"
        onSubmitEditing={() => void onSubmit()}
      />
      {errors.length > 0 || error ? (
        <Notice tone="error">{limited ?? errors[0] ?? 'Logging in failed. Please try again.'}</Notice>
      ) : null}
      <Button label="Log in" busy={loading} onPress={() => void onSubmit()} />
      <View style={{ gap: spacing.sm }}>
        <Button
          label="Forgot password?"
          variant="secondary"
          accessibilityHint="Opens the LearnCraft website"
          onPress={() => void WebBrowser.openBrowserAsync(webPageUrl('/forgot-password'))}
        />
        <Body muted>New to LearnCraft?</Body>
        <Button label="Create an account" variant="secondary" onPress={() => navigation.replace('Signup')} />
      </View>
    </Screen>
  );
}
