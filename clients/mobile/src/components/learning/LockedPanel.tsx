/**
 * In place of a locked lesson's material (a paid course the viewer has no access to), as on the
 * web: what opens it, and the shell's PurchaseActions (sign in first, buy through the checkout, or
 * subscribe to a plan).
 */
import type { AccessReason } from '@learncraft/operations/types';
import { PurchaseActions } from '../PurchaseActions';
import { Body, Card, Heading } from '../../ui';

export function LockedPanel({
  course,
  reason,
}: {
  course: { id: string; title: string; price?: { formatted: string } | null };
  /** LockedContent's reason: SIGN_IN_REQUIRED, or why a signed-in viewer has no access. */
  reason: string;
}) {
  const signInRequired = reason === 'SIGN_IN_REQUIRED';
  const purchaseReason: AccessReason = signInRequired ? 'SIGN_IN_REQUIRED' : 'PAYMENT_REQUIRED';
  return (
    <Card>
      <Heading level={2}>🔒 This lesson is locked</Heading>
      <Body>
        {signInRequired
          ? `Sign in and buy ${course.title} to open every lesson.`
          : `Buy ${course.title}, or subscribe to a plan, to open every lesson.`}
      </Body>
      <PurchaseActions courseId={course.id} price={course.price} reason={purchaseReason} />
    </Card>
  );
}
