/**
 * Payouts, for admins: what every instructor is owed for a window of whole months (UTC), with the
 * window's gross sales and the platform's share.
 */
import { useQuery } from '@apollo/client';
import { useState, type FormEvent } from 'react';
import { ErrorState } from '../components/ErrorState';
import { PageSkeleton } from '../components/Skeleton';
import { TableHead } from '../components/TableHead';
import type { MoneyFieldsFragment } from '@learncraft/operations/types';
import { PayoutsReportQuery } from '@learncraft/operations';
import { useTitle } from '../lib/useTitle';
import { formText } from './authForm';

/** "2026-03" → the first instant of that month in UTC; `offset` months later. */
function monthStart(month: string, offset = 0): string {
  const [year = 1970, index = 1] = month.split('-').map(Number);
  return new Date(Date.UTC(year, index - 1 + offset, 1)).toISOString();
}

function thisMonth(): string {
  return new Date().toISOString().slice(0, 7);
}

const amounts = (list: readonly MoneyFieldsFragment[]) =>
  list.length > 0 ? list.map((money) => money.formatted).join(' + ') : '—';

export default function PayoutsPage() {
  useTitle('Payouts');
  const [range, setRange] = useState(() => ({ from: thisMonth(), to: thisMonth() }));
  const [problem, setProblem] = useState<string | null>(null);
  const { data, loading, error, refetch } = useQuery(PayoutsReportQuery, {
    variables: { from: monthStart(range.from), to: monthStart(range.to, 1) },
  });
  const report = data?.payoutsReport;

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const from = formText(form, 'from');
    const to = formText(form, 'to');
    if (!/^\d{4}-\d{2}$/.test(from) || !/^\d{4}-\d{2}$/.test(to)) return setProblem('Choose two months.');
    if (to < from) return setProblem('The last month cannot be before the first.');
    setProblem(null);
    setRange({ from, to });
  };

  return (
    <div className="page">
      <h1>Payouts</h1>
      <form className="search-form" onSubmit={onSubmit}>
        <label className="field">
          <span>From (month)</span>
          <input name="from" type="month" defaultValue={range.from} required />
        </label>
        <label className="field">
          <span>To (month, inclusive)</span>
          <input name="to" type="month" defaultValue={range.to} required />
        </label>
        <button type="submit" className="button">
          Show report
        </button>
        {problem && (
          <p className="form-error" role="alert">
            {problem}
          </p>
        )}
      </form>
      {loading && !data ? (
        <PageSkeleton />
      ) : error && !data ? (
        <ErrorState error={error} onRetry={() => refetch()} title="The report could not be loaded" />
      ) : report ? (
        <section aria-live="polite">
          <p className="lead">
            Gross sales {amounts(report.grossSales)} · platform share {amounts(report.platformShare)}
          </p>
          {report.payouts.length === 0 ? (
            <p>No sales in this window.</p>
          ) : (
            <table className="data-table">
              <caption>What each instructor is owed</caption>
              <TableHead columns={['Instructor', 'Email', 'Sales', 'Refunds', 'Amount']} />
              <tbody>
                {report.payouts.map((payout) => (
                  <tr key={`${payout.instructor.id}-${payout.amount.currency}`}>
                    <th scope="row">{payout.instructor.displayName}</th>
                    <td>{payout.instructor.email ?? '—'}</td>
                    <td>{payout.salesCount}</td>
                    <td>{payout.refundCount}</td>
                    <td>{payout.amount.formatted}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
      ) : null}
    </div>
  );
}
