/** The lines of an order or a quote with their discounts, then the subtotal, discount and total. */
import { Text, View } from 'react-native';
import type { MoneyFieldsFragment, OrderLineFieldsFragment } from '@learncraft/operations/types';
import { useTheme } from '../theme';
import { Heading } from '../ui';

export function OrderSummary(props: {
  lines: readonly OrderLineFieldsFragment[];
  subtotal: MoneyFieldsFragment;
  discount: MoneyFieldsFragment;
  total: MoneyFieldsFragment;
  couponCode?: string | null;
  caption?: string;
}) {
  const { spacing } = useTheme();
  return (
    <View style={{ gap: spacing.sm }}>
      <Heading level={3}>{props.caption ?? 'Order summary'}</Heading>
      {props.lines.map((line) => (
        <View key={line.id} style={{ gap: spacing.xs }}>
          <Row label={line.title} value={line.total.formatted} strong />
          <Row label="Price" value={line.unitPrice.formatted} muted />
          {line.discount.amount > 0 ? (
            <Row label="Discount" value={`−${line.discount.formatted}`} muted />
          ) : null}
        </View>
      ))}
      <Row label="Subtotal" value={props.subtotal.formatted} />
      {props.discount.amount > 0 ? (
        <Row
          label={`Discount${props.couponCode ? ` (${props.couponCode})` : ''}`}
          value={`−${props.discount.formatted}`}
        />
      ) : null}
      <Row label="Total" value={props.total.formatted} strong />
    </View>
  );
}

/** One label and amount; the pair is read as one sentence ("Total: $49.00"). */
function Row(props: { label: string; value: string; strong?: boolean; muted?: boolean }) {
  const { colors, spacing } = useTheme();
  const style = {
    color: props.muted ? colors.muted : colors.text,
    fontSize: 16,
    fontWeight: props.strong ? ('700' as const) : ('400' as const),
  };
  return (
    <View
      accessible
      accessibilityLabel={`${props.label}: ${props.value}`}
      style={{ flexDirection: 'row', flexWrap: 'wrap', justifyContent: 'space-between', gap: spacing.sm }}
    >
      <Text style={[style, { flexShrink: 1 }]}>{props.label}</Text>
      <Text style={style}>{props.value}</Text>
    </View>
  );
}
