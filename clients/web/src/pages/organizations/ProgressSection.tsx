/**
 * Members' progress: the organization's enrollments (member, course, progress, completion, last
 * change), filtered by course and `updatedSince`, a page at a time; "Export CSV" fetches every page
 * of the current filter and downloads them as one CSV file.
 */
import { useApolloClient, useQuery, type ApolloClient } from '@apollo/client';
import { useRef, useState, type FormEvent } from 'react';
import { ErrorState } from '../../components/ErrorState';
import { LoadMore } from '../../components/LoadMore';
import { PageSkeleton } from '../../components/Skeleton';
import { TableHead } from '../../components/TableHead';
import type {
  OrganizationEnrollmentFieldsFragment,
  OrganizationEnrollmentFilter,
  OrganizationEnrollmentsQueryVariables,
} from '@learncraft/operations/types';
import { OrganizationEnrollmentsQuery } from '@learncraft/operations';
import { formatDate } from '@learncraft/operations/format';
import { progressCsv } from '../../lib/organizations';
import { FieldMessage, formText } from '../authForm';

const PAGE_SIZE = 50;
/** The API's largest page, for the export. */
const EXPORT_PAGE_SIZE = 100;

/** Every enrollment matching the filter, page after page, from the network. */
export async function fetchAllEnrollments(
  client: ApolloClient<unknown>,
  organizationId: string,
  filterBy: OrganizationEnrollmentFilter,
): Promise<OrganizationEnrollmentFieldsFragment[]> {
  const rows: OrganizationEnrollmentFieldsFragment[] = [];
  let after: string | null = null;
  for (;;) {
    const variables: OrganizationEnrollmentsQueryVariables = {
      id: organizationId,
      first: EXPORT_PAGE_SIZE,
      after,
      filterBy,
    };
    const { data } = await client.query({
      query: OrganizationEnrollmentsQuery,
      variables,
      fetchPolicy: 'network-only',
    });
    const page = data.organization?.enrollments;
    if (!page) return rows;
    rows.push(...page.edges.map((edge) => edge.node));
    if (!page.pageInfo.hasNextPage || !page.pageInfo.endCursor) return rows;
    after = page.pageInfo.endCursor;
  }
}

function download(filename: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/csv;charset=utf-8' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
  URL.revokeObjectURL(url);
}

export function ProgressSection({ organizationId }: { organizationId: string }) {
  const client = useApolloClient();
  const [filterBy, setFilterBy] = useState<OrganizationEnrollmentFilter>({});
  const [sinceError, setSinceError] = useState<string | undefined>();
  const { data, loading, error, refetch, fetchMore } = useQuery(OrganizationEnrollmentsQuery, {
    variables: { id: organizationId, first: PAGE_SIZE, filterBy },
    fetchPolicy: 'cache-and-network',
  });
  const [loadingMore, setLoadingMore] = useState(false);
  const [exporting, setExporting] = useState(false);
  const [exportResult, setExportResult] = useState<string | null>(null);
  // The course filter offers every course seen so far, so choosing one keeps the others offered.
  const courses = useRef(new Map<string, string>());
  const connection = data?.organization?.enrollments;
  for (const edge of connection?.edges ?? [])
    courses.current.set(edge.node.course.id, edge.node.course.title);

  const onFilter = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const courseId = formText(form, 'courseId');
    const since = formText(form, 'updatedSince');
    if (since && !/^\d{4}-\d{2}-\d{2}$/.test(since)) return setSinceError('Enter a date, e.g. 2026-12-01.');
    setSinceError(undefined);
    setFilterBy({
      ...(courseId ? { courseId } : {}),
      ...(since ? { updatedSince: `${since}T00:00:00.000Z` } : {}),
    });
  };

  const loadMore = async () => {
    if (!connection?.pageInfo.hasNextPage) return;
    setLoadingMore(true);
    try {
      await fetchMore({
        variables: { after: connection.pageInfo.endCursor },
        updateQuery: (previous, { fetchMoreResult }) => {
          const before = previous.organization?.enrollments;
          const next = fetchMoreResult.organization;
          if (!before || !next) return previous;
          return {
            organization: {
              ...next,
              enrollments: { ...next.enrollments, edges: [...before.edges, ...next.enrollments.edges] },
            },
          };
        },
      });
    } finally {
      setLoadingMore(false);
    }
  };

  const exportCsv = async () => {
    setExporting(true);
    setExportResult(null);
    try {
      const rows = await fetchAllEnrollments(client, organizationId, filterBy);
      download(`progress-${organizationId}.csv`, progressCsv(rows));
      setExportResult(`Exported ${rows.length} ${rows.length === 1 ? 'enrollment' : 'enrollments'}.`);
    } catch {
      setExportResult('The export failed. Please try again.');
    } finally {
      setExporting(false);
    }
  };

  return (
    <section aria-labelledby="progress-heading">
      <h2 id="progress-heading">Progress</h2>
      <form className="inline-form progress-filter" onSubmit={onFilter} noValidate>
        <label className="field">
          <span>Course</span>
          <select name="courseId" defaultValue="">
            <option value="">All courses</option>
            {[...courses.current].map(([id, title]) => (
              <option key={id} value={id}>
                {title}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>Updated since</span>
          <input
            name="updatedSince"
            type="date"
            aria-invalid={sinceError ? true : undefined}
            aria-describedby={sinceError ? 'updatedSince-error' : undefined}
          />
          <FieldMessage id="updatedSince-error" message={sinceError} />
        </label>
        <button type="submit" className="button secondary">
          Apply filters
        </button>
        <button type="button" className="button" disabled={exporting} onClick={() => void exportCsv()}>
          {exporting ? 'Exporting…' : 'Export CSV'}
        </button>
        <p role="status">{exportResult}</p>
      </form>
      {loading && !data ? (
        <PageSkeleton />
      ) : error && !connection ? (
        <ErrorState error={error} onRetry={() => refetch()} title="The progress could not be loaded" />
      ) : !connection || connection.edges.length === 0 ? (
        <p>No enrollments match.</p>
      ) : (
        <>
          <table className="data-table progress-table">
            <caption>
              {connection.totalCount} {connection.totalCount === 1 ? 'enrollment' : 'enrollments'}
            </caption>
            <TableHead columns={['Member', 'Course', 'Progress', 'Completed', 'Updated']} />
            <tbody>
              {connection.edges.map(({ node }) => (
                <tr key={node.id}>
                  <td>{node.user.displayName}</td>
                  <td>{node.course.title}</td>
                  <td>{node.progressPercent} %</td>
                  <td>{node.completedAt ? formatDate(node.completedAt) : '—'}</td>
                  <td>{formatDate(node.updatedAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {connection.pageInfo.hasNextPage && <LoadMore onLoadMore={loadMore} loading={loadingMore} />}
        </>
      )}
    </section>
  );
}
