/**
 * Where Stripe's hosted checkout sends the buyer back to (the `returnUrl` of checkoutCreate, which
 * cannot name an order that does not exist yet): the order the checkout page was redirecting for,
 * kept in this tab's sessionStorage, whose page polls until Stripe's webhook settles it.
 */
import { Navigate } from 'react-router';
import { orderPath, PENDING_ORDER_KEY } from '../lib/paths';

export default function CheckoutReturnPage() {
  const orderId = sessionStorage.getItem(PENDING_ORDER_KEY);
  return <Navigate to={orderId ? orderPath(orderId) : '/orders'} replace />;
}
