/**
 * @jest-environment jsdom
 *
 * The console's progress report: the members' enrollments as a table, filtered by course and
 * `updatedSince` (sent as the API's filterBy), more on request, and "Export CSV", which fetches
 * every page of the current filter and downloads exactly those rows as CSV.
 */
import { fireEvent, screen } from '@testing-library/react';
import type { OrganizationEnrollmentFilter } from '@learncraft/operations/types';
import { OrganizationEnrollmentsQuery } from '@learncraft/operations';
import { MEMBER, ORG_ID, organizationMock, OWNER, pageInfo, renderConsole } from './organizationFixtures';

const SQL = { __typename: 'Course', id: 'course-sql', slug: 'sql', title: 'SQL, from "zero"' };
const GIT = { __typename: 'Course', id: 'course-git', slug: 'git', title: 'Git basics' };

function enrollment(id: string, user: typeof OWNER | typeof MEMBER, course: typeof SQL, percent: number) {
  return {
    __typename: 'Enrollment',
    id,
    progressPercent: percent,
    completedAt: percent === 100 ? '2030-01-10T08:00:00.000Z' : null,
    updatedAt: '2030-01-10T08:00:00.000Z',
    user,
    course,
  };
}

function enrollmentsMock(
  variables: { first: number; after?: string | null; filterBy: OrganizationEnrollmentFilter },
  nodes: ReturnType<typeof enrollment>[],
  next: string | null,
  totalCount = nodes.length,
) {
  return {
    request: { query: OrganizationEnrollmentsQuery, variables: { id: ORG_ID, ...variables } },
    result: {
      data: {
        organization: {
          __typename: 'Organization',
          id: ORG_ID,
          enrollments: {
            __typename: 'EnrollmentConnection',
            totalCount,
            pageInfo: pageInfo(next !== null, next ?? nodes.at(-1)?.id ?? null),
            edges: nodes.map((node) => ({ __typename: 'EnrollmentEdge', cursor: node.id, node })),
          },
        },
      },
    },
  };
}

const e1 = enrollment('e1', MEMBER, SQL, 100);
const e2 = enrollment('e2', OWNER, GIT, 40);
const e3 = enrollment('e3', { ...MEMBER, id: 'member-2', displayName: '=Mallory' }, SQL, 0);

/** A Blob's text (jsdom's Blob has no text()). */
function blobText(blob: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(reader.result as string);
    reader.onerror = () => reject(reader.error ?? new Error('unreadable'));
    reader.readAsText(blob);
  });
}

const tableRows = () =>
  Array.from(document.querySelectorAll('.progress-table tbody tr')).map((row) =>
    Array.from(row.querySelectorAll('td')).map((cell) => cell.textContent),
  );

describe('the progress report', () => {
  it('lists enrollments, loads more, and filters by course and updatedSince', async () => {
    renderConsole(
      [
        organizationMock('MANAGER'),
        enrollmentsMock({ first: 50, filterBy: {} }, [e1, e2], 'e2', 3),
        enrollmentsMock({ first: 50, after: 'e2', filterBy: {} }, [e3], null, 3),
        enrollmentsMock(
          { first: 50, filterBy: { courseId: 'course-sql', updatedSince: '2030-01-09T00:00:00.000Z' } },
          [e1],
          null,
        ),
      ],
      'progress',
    );
    await screen.findByRole('table');
    expect(document.querySelector('.progress-table caption')!.textContent).toBe('3 enrollments');
    expect(tableRows()).toEqual([
      ['Max Member', 'SQL, from "zero"', '100 %', 'Jan 10, 2030', 'Jan 10, 2030'],
      ['Olive Owner', 'Git basics', '40 %', '—', 'Jan 10, 2030'],
    ]);
    fireEvent.click(screen.getByRole('button', { name: 'Show more' }));
    await screen.findByText('=Mallory');
    expect(tableRows()).toHaveLength(3);
    expect(screen.queryByRole('button', { name: 'Show more' })).toBeNull();

    const courses = Array.from(screen.getByLabelText<HTMLSelectElement>('Course').options);
    expect(courses.map((option) => option.textContent)).toEqual([
      'All courses',
      'SQL, from "zero"',
      'Git basics',
    ]);
    fireEvent.change(screen.getByLabelText('Course'), { target: { value: 'course-sql' } });
    fireEvent.change(screen.getByLabelText('Updated since'), { target: { value: '2030-01-09' } });
    fireEvent.click(screen.getByRole('button', { name: 'Apply filters' }));
    await screen.findByText('1 enrollment');
    expect(tableRows()).toEqual([
      ['Max Member', 'SQL, from "zero"', '100 %', 'Jan 10, 2030', 'Jan 10, 2030'],
    ]);
  });

  it('exports every page of the report as CSV, escaped', async () => {
    const files: Blob[] = [];
    const names: string[] = [];
    URL.createObjectURL = jest.fn((blob: Blob) => {
      files.push(blob);
      return 'blob:progress';
    });
    URL.revokeObjectURL = jest.fn();
    const click = jest.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (
      this: HTMLAnchorElement,
    ) {
      names.push(this.download);
    });
    renderConsole(
      [
        organizationMock('OWNER'),
        enrollmentsMock({ first: 50, filterBy: {} }, [e1], 'e1', 3),
        enrollmentsMock({ first: 100, after: null, filterBy: {} }, [e1, e2], 'e2', 3),
        enrollmentsMock({ first: 100, after: 'e2', filterBy: {} }, [e3], null, 3),
      ],
      'progress',
    );
    await screen.findByRole('table');
    fireEvent.click(screen.getByRole('button', { name: 'Export CSV' }));
    await screen.findByText('Exported 3 enrollments.');
    expect(names).toEqual([`progress-${ORG_ID}.csv`]);
    expect(files).toHaveLength(1);
    expect(files[0]!.type).toBe('text/csv;charset=utf-8');
    expect(await blobText(files[0]!)).toBe(
      'Member,Email,Course,Progress (%),Completed at,Updated at\r\n' +
        'Max Member,,"SQL, from ""zero""",100,2030-01-10T08:00:00.000Z,2030-01-10T08:00:00.000Z\r\n' +
        'Olive Owner,olive@example.com,Git basics,40,,2030-01-10T08:00:00.000Z\r\n' +
        '\'=Mallory,,"SQL, from ""zero""",0,,2030-01-10T08:00:00.000Z\r\n',
    );
    click.mockRestore();
  });

  it('says so when the export fails, and downloads nothing', async () => {
    const createObjectURL = jest.fn(() => 'blob:progress');
    URL.createObjectURL = createObjectURL;
    renderConsole(
      [
        organizationMock('OWNER'),
        enrollmentsMock({ first: 50, filterBy: {} }, [e1], null),
        {
          request: {
            query: OrganizationEnrollmentsQuery,
            variables: { id: ORG_ID, first: 100, after: null, filterBy: {} },
          },
          error: new Error('network down'),
        },
      ],
      'progress',
    );
    await screen.findByRole('table');
    fireEvent.click(screen.getByRole('button', { name: 'Export CSV' }));
    await screen.findByText('The export failed. Please try again.');
    expect(createObjectURL).not.toHaveBeenCalled();
  });
});
