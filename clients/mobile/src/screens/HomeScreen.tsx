/**
 * Home: the catalog, narrowed by category, level and language (web's filters), growing page by
 * page as the learner scrolls.
 */
import { useState } from 'react';
import { View } from 'react-native';
import { useNavigation } from '@react-navigation/native';
import type { NativeStackNavigationProp } from '@react-navigation/native-stack';
import type { CourseFilter } from '@learncraft/operations/types';
import { CourseList } from '../components/CourseList';
import { Filters } from '../components/Filters';
import type { RootStackParamList } from '../navigation/types';
import { useTheme } from '../theme';
import { Body, Button, Heading } from '../ui';

export default function HomeScreen() {
  const { spacing } = useTheme();
  const navigation = useNavigation<NativeStackNavigationProp<RootStackParamList>>();
  const [filterBy, setFilterBy] = useState<CourseFilter>({});
  return (
    <CourseList
      query=""
      filterBy={filterBy}
      header={
        <View style={{ gap: spacing.md }}>
          <Heading>Learn by doing</Heading>
          <Body muted>Video lessons, readings, quizzes and hands-on labs — at your own pace.</Body>
          <Button
            label="Search courses"
            variant="secondary"
            onPress={() => navigation.navigate('Tabs', { screen: 'Search' })}
          />
          <Filters value={filterBy} onChange={setFilterBy} />
        </View>
      }
    />
  );
}
