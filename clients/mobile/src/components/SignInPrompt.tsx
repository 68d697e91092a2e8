/** What a tab that needs a learner shows to an anonymous viewer: why, and the way to log in. */
import { useNavigation } from '@react-navigation/native';
import type { NativeStackNavigationProp } from '@react-navigation/native-stack';
import type { RootStackParamList } from '../navigation/types';
import { Body, Button, Heading, Loading, Screen } from '../ui';

export function SignInPrompt({
  title,
  reason,
  loading,
}: {
  title: string;
  reason: string;
  loading: boolean;
}) {
  const navigation = useNavigation<NativeStackNavigationProp<RootStackParamList>>();
  if (loading) return <Loading label="Signing you in" />;
  return (
    <Screen>
      <Heading>{title}</Heading>
      <Body muted>{reason}</Body>
      <Button label="Log in" onPress={() => navigation.navigate('Login')} />
      <Button label="Create an account" variant="secondary" onPress={() => navigation.navigate('Signup')} />
    </Screen>
  );
}
