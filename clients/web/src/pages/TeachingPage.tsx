/**
 * Teaching, for instructors: the courses they teach with an inline price form (decimal text in the
 * form, integer minor units in the request), coupons for those courses (create, list, deactivate)
 * and what their sales earned.
 */
import { useMutation, useQuery } from '@apollo/client';
import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { EmptyState, ErrorState } from '../components/ErrorState';
import { PageSkeleton } from '../components/Skeleton';
import { TableHead } from '../components/TableHead';
import type {
  CouponFieldsFragment,
  MoneyFieldsFragment,
  TeachingQuery as TeachingData,
} from '@learncraft/operations/types';
import {
  CouponCreateMutation,
  CouponDeactivateMutation,
  CoursePriceSetMutation,
  TeachingQuery,
} from '@learncraft/operations';
import { formatDate } from '@learncraft/operations/format';
import { amountText, parseAmount } from '@learncraft/operations/money';
import { coursePath } from '../lib/paths';
import { useTitle } from '../lib/useTitle';
import { fieldError, FieldMessage, FormMessages, formText, type FormUserError } from './authForm';

type TaughtCourse = NonNullable<NonNullable<TeachingData['me']>['coursesTaught']>['edges'][number]['node'];

/** Prices and coupon amounts of a course without a price yet are in this currency. */
const DEFAULT_CURRENCY = 'USD';

export default function TeachingPage() {
  useTitle('Teaching');
  // Partial answers: earnings or coupons being unavailable leaves the courses manageable.
  const { data, loading, error, refetch } = useQuery(TeachingQuery, { errorPolicy: 'all' });
  if (loading && !data) return <PageSkeleton />;
  if (error && !data?.me)
    return <ErrorState error={error} onRetry={() => refetch()} title="Your teaching could not be loaded" />;
  const courses = data?.me?.coursesTaught?.edges.map((edge) => edge.node) ?? [];
  const coupons = data?.coupons?.edges.map((edge) => edge.node) ?? [];
  const earnings = data?.me?.earnings;

  return (
    <div className="page teaching-page">
      <h1>Teaching</h1>
      <section aria-labelledby="courses-heading">
        <h2 id="courses-heading">Your courses</h2>
        {courses.length === 0 ? (
          <EmptyState title="You do not teach any course yet" />
        ) : (
          <ul className="taught-list">
            {courses.map((course) => (
              <li key={course.id} className="card taught-course">
                <div className="card-body">
                  <h3>
                    <Link to={coursePath(course.slug)}>{course.title}</Link>
                  </h3>
                  <p className="price">{course.price?.formatted ?? 'Free'}</p>
                  <CoursePriceForm course={course} />
                </div>
              </li>
            ))}
          </ul>
        )}
      </section>

      <section aria-labelledby="coupons-heading">
        <h2 id="coupons-heading">Coupons</h2>
        {courses.length > 0 && <CouponCreateForm courses={courses} />}
        {coupons.length === 0 ? <p>No coupons yet.</p> : <CouponList coupons={coupons} />}
      </section>

      <section aria-labelledby="earnings-heading">
        <h2 id="earnings-heading">Earnings</h2>
        {!earnings ? (
          <p>Earnings are unavailable right now.</p>
        ) : (
          <>
            <p className="lead">
              {earnings.totals.length > 0 ? earnings.totals.map(formatted).join(' + ') : '$0.00'} from{' '}
              {earnings.salesCount} {earnings.salesCount === 1 ? 'sale' : 'sales'}
            </p>
            {earnings.entries.edges.length > 0 && (
              <table className="data-table">
                <caption>Latest earnings</caption>
                <TableHead columns={['Date', 'Course', 'Order', 'Amount']} />
                <tbody>
                  {earnings.entries.edges.map(({ node }) => (
                    <tr key={node.id}>
                      <td>{formatDate(node.createdAt)}</td>
                      <td>{node.course.title}</td>
                      <td>{node.order.number}</td>
                      <td>{node.amount.formatted}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </>
        )}
      </section>
    </div>
  );
}

const formatted = (money: MoneyFieldsFragment) => money.formatted;

function CoursePriceForm({ course }: { course: TaughtCourse }) {
  const currency = course.price?.currency ?? DEFAULT_CURRENCY;
  const [setPrice, setting] = useMutation(CoursePriceSetMutation);
  const [problem, setProblem] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const name = `price-${course.id}`;

  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setSaved(false);
    const parsed = parseAmount(formText(new FormData(event.currentTarget), 'price'), currency);
    if (!parsed.ok) return setProblem(parsed.message);
    setProblem(null);
    const price = parsed.amount === null ? null : { amount: parsed.amount, currency };
    const answer = await setPrice({ variables: { input: { courseId: course.id, price } } }).catch(() => null);
    const payload = answer?.data?.coursePriceSet;
    if (!payload) return setProblem('Saving the price failed. Please try again.');
    if (payload.userErrors[0]) return setProblem(payload.userErrors[0].message);
    setSaved(true);
  };

  return (
    <form className="inline-form" onSubmit={(event) => void onSubmit(event)}>
      <label className="field">
        <span>Set price ({currency})</span>
        <input
          name="price"
          inputMode="decimal"
          autoComplete="off"
          defaultValue={course.price ? amountText(course.price.amount, currency) : ''}
          aria-invalid={problem ? true : undefined}
          aria-describedby={`${name}-hint${problem ? ` ${name}-error` : ''}`}
        />
        <small id={`${name}-hint`}>For example 49.99; leave empty to make the course free.</small>
        <FieldMessage id={`${name}-error`} message={problem ?? undefined} />
      </label>
      <button type="submit" className="button secondary" disabled={setting.loading}>
        {setting.loading ? 'Saving…' : 'Save price'}
      </button>
      <span role="status">{saved && 'Price saved.'}</span>
    </form>
  );
}

/** The day after `date` (YYYY-MM-DD) at midnight, local time: a coupon valid through that day. */
function dayAfter(date: string): string {
  const [year = 1970, month = 1, day = 1] = date.split('-').map(Number);
  return new Date(year, month - 1, day + 1).toISOString();
}

function CouponCreateForm({ courses }: { courses: TaughtCourse[] }) {
  const [kind, setKind] = useState<'PERCENT' | 'AMOUNT'>('PERCENT');
  const [localErrors, setLocalErrors] = useState<FormUserError[]>([]);
  const [create, creating] = useMutation(CouponCreateMutation, {
    refetchQueries: [{ query: TeachingQuery }],
    awaitRefetchQueries: true,
  });
  const errors = [...localErrors, ...(creating.data?.couponCreate.userErrors ?? [])];
  const created = creating.data?.couponCreate.coupon;
  const currency = courses.find((course) => course.price)?.price?.currency ?? DEFAULT_CURRENCY;

  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const element = event.currentTarget;
    const form = new FormData(element);
    const value = formText(form, 'value').trim();
    const until = formText(form, 'validUntil');
    const max = formText(form, 'maxRedemptions').trim();
    const courseIds = form.getAll('courseIds').filter((id): id is string => typeof id === 'string');
    const problems: FormUserError[] = [];
    let amountOff: { amount: number; currency: string } | undefined;
    if (kind === 'AMOUNT') {
      const parsed = parseAmount(value, currency);
      if (!parsed.ok)
        problems.push({ code: 'INVALID_AMOUNT', message: parsed.message, field: ['input', 'amountOff'] });
      else if (parsed.amount === null)
        problems.push({
          code: 'INVALID_AMOUNT',
          message: 'Enter the amount off.',
          field: ['input', 'amountOff'],
        });
      else amountOff = { amount: parsed.amount, currency };
    } else if (!/^\d{1,3}$/.test(value) || Number(value) < 1 || Number(value) > 100)
      problems.push({
        code: 'INVALID_PERCENT',
        message: 'Enter a whole percent from 1 to 100.',
        field: ['input', 'percentOff'],
      });
    if (max && !/^\d+$/.test(max))
      problems.push({
        code: 'INVALID_MAX',
        message: 'Enter a whole number, or leave it empty.',
        field: ['input', 'maxRedemptions'],
      });
    if (courseIds.length === 0)
      problems.push({
        code: 'NO_COURSES',
        message: 'Choose at least one of your courses.',
        field: ['input', 'courseIds'],
      });
    setLocalErrors(problems);
    if (problems.length > 0) return;
    const answer = await create({
      variables: {
        input: {
          code: formText(form, 'code').trim(),
          ...(kind === 'PERCENT' ? { percentOff: Number(value) } : { amountOff }),
          ...(until ? { validUntil: dayAfter(until) } : {}),
          ...(max ? { maxRedemptions: Number(max) } : {}),
          courseIds,
        },
      },
    }).catch(() => null);
    if (!answer)
      setLocalErrors([{ code: 'NETWORK', message: 'Creating the coupon failed. Please try again.' }]);
    else if (answer.data?.couponCreate.coupon) element.reset();
  };

  const valueField = kind === 'PERCENT' ? 'percentOff' : 'amountOff';
  return (
    <form className="coupon-create" onSubmit={(event) => void onSubmit(event)} noValidate>
      <h3>Create coupon</h3>
      <div className="field-row">
        <label className="field">
          <span>Code</span>
          <input
            name="code"
            required
            autoComplete="off"
            maxLength={32}
            aria-invalid={fieldError(errors, 'code') ? true : undefined}
          />
          <small>3 to 32 letters, digits, - or _.</small>
          <FieldMessage message={fieldError(errors, 'code')} />
        </label>
        <fieldset className="field">
          <legend>Discount</legend>
          <label className="choice">
            <input
              type="radio"
              name="kind"
              checked={kind === 'PERCENT'}
              onChange={() => setKind('PERCENT')}
            />
            Percent off
          </label>
          <label className="choice">
            <input type="radio" name="kind" checked={kind === 'AMOUNT'} onChange={() => setKind('AMOUNT')} />
            Amount off
          </label>
        </fieldset>
        <label className="field">
          <span>{kind === 'PERCENT' ? 'Percent off (1 to 100)' : `Amount off (${currency})`}</span>
          <input
            name="value"
            inputMode={kind === 'PERCENT' ? 'numeric' : 'decimal'}
            required
            aria-invalid={fieldError(errors, valueField) ? true : undefined}
          />
          <FieldMessage message={fieldError(errors, valueField)} />
        </label>
        <label className="field">
          <span>Valid through (optional)</span>
          <input name="validUntil" type="date" />
          <FieldMessage message={fieldError(errors, 'validUntil')} />
        </label>
        <label className="field">
          <span>Max redemptions (optional)</span>
          <input name="maxRedemptions" inputMode="numeric" />
          <FieldMessage message={fieldError(errors, 'maxRedemptions')} />
        </label>
      </div>
      <fieldset className="field">
        <legend>For these courses</legend>
        {courses.map((course) => (
          <label key={course.id} className="choice">
            <input type="checkbox" name="courseIds" value={course.id} />
            {course.title}
          </label>
        ))}
        <FieldMessage message={fieldError(errors, 'courseIds')} />
      </fieldset>
      <div role="alert">
        <FormMessages errors={errors} />
      </div>
      <button type="submit" className="button" disabled={creating.loading}>
        {creating.loading ? 'Creating…' : 'Create coupon'}
      </button>
      <span role="status">{created && `Coupon ${created.code} created.`}</span>
    </form>
  );
}

function couponDiscount(coupon: CouponFieldsFragment): string {
  return coupon.kind === 'PERCENT'
    ? `${coupon.percentOff ?? 0} % off`
    : `${coupon.amountOff?.formatted ?? ''} off`;
}

function CouponList({ coupons }: { coupons: CouponFieldsFragment[] }) {
  const [deactivate, deactivating] = useMutation(CouponDeactivateMutation);
  const userError = deactivating.data?.couponDeactivate.userErrors[0];
  return (
    <>
      <table className="data-table">
        <caption>Your coupons</caption>
        <TableHead columns={['Code', 'Discount', 'Courses', 'Redeemed', 'Valid until', 'Status']} />
        <tbody>
          {coupons.map((coupon) => (
            <tr key={coupon.id}>
              <th scope="row">{coupon.code}</th>
              <td>{couponDiscount(coupon)}</td>
              <td>
                {coupon.courses.length > 0 ? coupon.courses.map((course) => course.title).join(', ') : 'All'}
              </td>
              <td>
                {coupon.redemptionCount}
                {coupon.maxRedemptions !== null && ` / ${coupon.maxRedemptions}`}
              </td>
              <td>{coupon.validUntil ? formatDate(coupon.validUntil) : 'No end'}</td>
              <td>
                {coupon.active ? (
                  <button
                    type="button"
                    className="link-button"
                    disabled={deactivating.loading}
                    aria-label={`Deactivate ${coupon.code}`}
                    onClick={() =>
                      void deactivate({ variables: { input: { couponId: coupon.id } } }).catch(
                        () => undefined,
                      )
                    }
                  >
                    Deactivate
                  </button>
                ) : (
                  'Inactive'
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {(userError || deactivating.error) && (
        <p className="form-error" role="alert">
          {userError?.message ?? 'Deactivating failed. Please try again.'}
        </p>
      )}
    </>
  );
}
