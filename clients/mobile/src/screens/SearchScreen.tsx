/**
 * Search (web's SearchPage): results follow the text as the learner types (debounced), narrowed
 * by category, level and language, and the list grows page by page.
 */
import { useEffect, useState } from 'react';
import { View } from 'react-native';
import { useRoute, type RouteProp } from '@react-navigation/native';
import type { CourseFilter } from '@learncraft/operations/types';
import { CourseList } from '../components/CourseList';
import { Filters } from '../components/Filters';
import type { TabParamList } from '../navigation/types';
import { useTheme } from '../theme';
import { Heading, TextField } from '../ui';

export const DEBOUNCE_MS = 250;

export default function SearchScreen() {
  const { spacing } = useTheme();
  const route = useRoute<RouteProp<TabParamList, 'Search'>>();
  const [text, setText] = useState(route.params?.query ?? '');
  const [query, setQuery] = useState(text.trim());
  const [filterBy, setFilterBy] = useState<CourseFilter>({});

  useEffect(() => {
    if (text.trim() === query) return;
    const timer = setTimeout(() => setQuery(text.trim()), DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [text, query]);

  return (
    <CourseList
      query={query}
      filterBy={filterBy}
      header={
        <View style={{ gap: spacing.md }}>
          <Heading>Search courses</Heading>
          <TextField
            label="Search"
            value={text}
            onChangeText={setText}
            placeholder="Kubernetes, TypeScript, shell…"
            autoCapitalize="none"
            autoCorrect={false}
            returnKeyType="search"
            onSubmitEditing={() => setQuery(text.trim())}
          />
          <Filters value={filterBy} onChange={setFilterBy} />
        </View>
      }
    />
  );
}
