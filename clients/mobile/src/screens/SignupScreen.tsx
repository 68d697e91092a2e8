/**
 * Create an account (web's SignupPage): signed in at once. Each userError shows under the field it
 * names (`["input", "email"]` → Email), the rest above the button.
 */
import { useState } from 'react';
import { useApolloClient, useMutation } from '@apollo/client';
import { UserRegisterMutation } from '@learncraft/operations';
import { fieldError, formErrors } from '@learncraft/operations/errors';
import { useSession } from '../auth/SessionContext';
import { adoptSession } from '../navigation/adoptSession';
import type { RootScreenProps } from '../navigation/types';
import { Body, Button, Heading, Notice, Screen, TextField } from '../ui';

export default function SignupScreen({ navigation }: RootScreenProps<'Signup'>) {
  const { session } = useSession();
  const client = useApolloClient();
  const [displayName, setDisplayName] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [register, { data, loading, error }] = useMutation(UserRegisterMutation);

  const onSubmit = async () => {
    const result = await register({
      variables: { input: { displayName, email: email.trim(), password } },
    }).catch(() => null);
    const created = result?.data?.userRegister.session;
    if (!created) return;
    await adoptSession(client, session, created);
    if (navigation.canGoBack()) navigation.goBack();
    else navigation.replace('Tabs', { screen: 'Dashboard' });
  };

  const userErrors = data?.userRegister.userErrors;
  const errors = formErrors(userErrors);
  return (
    <Screen>
      <Heading>Create your account</Heading>
      <TextField
        label="Display name"
        value={displayName}
        onChangeText={setDisplayName}
        autoComplete="name"
        textContentType="name"
        error={fieldError(userErrors, 'displayName')}
      />
      <TextField
        label="Email"
        value={email}
        onChangeText={setEmail}
        autoCapitalize="none"
        autoComplete="email"
        keyboardType="email-address"
        textContentType="emailAddress"
        autoCorrect={false}
        error={fieldError(userErrors, 'email')}
      />
      <TextField
        label="Password"
        value={password}
        onChangeText={setPassword}
        secureTextEntry
        autoComplete="new-password"
        textContentType="newPassword"
        hint="At least 10 characters; not a common password, and not containing the part before the @."
        error={fieldError(userErrors, 'password')}
      />
      {errors.length > 0 || error ? (
        <Notice tone="error">{errors[0] ?? 'Signing up failed. Please try again.'}</Notice>
      ) : null}
      <Button label="Create account" busy={loading} onPress={() => void onSubmit()} />
      <Body muted>Already have an account?</Body>
      <Button label="Log in instead" variant="secondary" onPress={() => navigation.replace('Login')} />
    </Screen>
  );
}
