/**
 * The catalog's filters as web's search form has them — category, level, language — as rows of
 * chips (a phone has no <select>): one choice per row, "All …" clears it.
 */
import { Pressable, Text, View } from 'react-native';
import { useQuery } from '@apollo/client';
import type { CourseFilter, CourseLevel } from '@learncraft/operations/types';
import { CategoriesQuery } from '@learncraft/operations';
import { languageName, LEVEL_LABELS } from '@learncraft/operations/format';
import { MIN_TOUCH, useTheme } from '../theme';

/** The course languages the catalog offers (web's search page lists the same). */
export const LANGUAGES = ['en', 'de', 'es', 'fr'];

const LEVELS = Object.keys(LEVEL_LABELS) as CourseLevel[];

export function Filters({
  value,
  onChange,
}: {
  value: CourseFilter;
  onChange: (next: CourseFilter) => void;
}) {
  const { spacing } = useTheme();
  const categories = useQuery(CategoriesQuery);
  const set = <Key extends keyof CourseFilter>(key: Key, choice: CourseFilter[Key] | null) => {
    const next = { ...value };
    if (choice) next[key] = choice;
    else delete next[key];
    onChange(next);
  };
  return (
    <View style={{ gap: spacing.sm }}>
      <ChipRow
        label="Category"
        all="All categories"
        selected={value.category ?? null}
        options={(categories.data?.categories ?? []).map((category) => [category.slug, category.name])}
        onSelect={(slug) => set('category', slug)}
      />
      <ChipRow
        label="Level"
        all="All levels"
        selected={value.level ?? null}
        options={LEVELS.map((level) => [level, LEVEL_LABELS[level]])}
        onSelect={(level) => set('level', LEVELS.find((known) => known === level) ?? null)}
      />
      <ChipRow
        label="Language"
        all="All languages"
        selected={value.language ?? null}
        options={LANGUAGES.map((tag) => [tag, languageName(tag)])}
        onSelect={(tag) => set('language', tag)}
      />
    </View>
  );
}

function ChipRow(props: {
  label: string;
  all: string;
  selected: string | null;
  options: readonly (readonly [value: string, label: string])[];
  onSelect: (value: string | null) => void;
}) {
  const { colors, spacing } = useTheme();
  return (
    <View accessibilityRole="radiogroup" accessibilityLabel={props.label} style={{ gap: spacing.xs }}>
      <Text style={{ color: colors.text, fontSize: 15, fontWeight: '600' }}>{props.label}</Text>
      <View style={{ flexDirection: 'row', flexWrap: 'wrap', gap: spacing.sm }}>
        <Chip label={props.all} selected={props.selected === null} onPress={() => props.onSelect(null)} />
        {props.options.map(([value, label]) => (
          <Chip
            key={value}
            label={label}
            selected={props.selected === value}
            onPress={() => props.onSelect(value)}
          />
        ))}
      </View>
    </View>
  );
}

function Chip(props: { label: string; selected: boolean; onPress: () => void }) {
  const { colors, spacing } = useTheme();
  return (
    <Pressable
      accessibilityRole="radio"
      accessibilityLabel={props.label}
      aria-checked={props.selected}
      onPress={props.onPress}
      style={{
        minHeight: MIN_TOUCH,
        minWidth: MIN_TOUCH,
        justifyContent: 'center',
        paddingHorizontal: spacing.md,
        paddingVertical: spacing.xs,
        borderRadius: 22,
        borderWidth: 1,
        borderColor: props.selected ? colors.primary : colors.border,
        backgroundColor: props.selected ? colors.primary : colors.surface,
      }}
    >
      <Text style={{ color: props.selected ? colors.onPrimary : colors.text, fontSize: 15 }}>
        {props.label}
      </Text>
    </Pressable>
  );
}
