/** The lines of an order or a quote with their discounts, and the subtotal, discount and total. */
import type { MoneyFieldsFragment, OrderLineFieldsFragment } from '@learncraft/operations/types';
import { TableHead } from './TableHead';

export function OrderSummary({
  lines,
  subtotal,
  discount,
  total,
  couponCode,
  caption = 'Order summary',
}: {
  lines: readonly OrderLineFieldsFragment[];
  subtotal: MoneyFieldsFragment;
  discount: MoneyFieldsFragment;
  total: MoneyFieldsFragment;
  couponCode?: string | null;
  caption?: string;
}) {
  return (
    <table className="order-summary">
      <caption>{caption}</caption>
      <TableHead columns={['Item', 'Price', 'Discount', 'Total']} />
      <tbody>
        {lines.map((line) => (
          <tr key={line.id}>
            <th scope="row">{line.title}</th>
            <td>{line.unitPrice.formatted}</td>
            <td>{line.discount.amount > 0 ? `−${line.discount.formatted}` : '—'}</td>
            <td>{line.total.formatted}</td>
          </tr>
        ))}
      </tbody>
      <tfoot>
        <tr>
          <th scope="row" colSpan={3}>
            Subtotal
          </th>
          <td>{subtotal.formatted}</td>
        </tr>
        {discount.amount > 0 && (
          <tr>
            <th scope="row" colSpan={3}>
              Discount{couponCode ? ` (${couponCode})` : ''}
            </th>
            <td>−{discount.formatted}</td>
          </tr>
        )}
        <tr className="order-total">
          <th scope="row" colSpan={3}>
            Total
          </th>
          <td>{total.formatted}</td>
        </tr>
      </tfoot>
    </table>
  );
}
