/**
 * The CSV builder of the progress export: RFC 4180 quoting (commas, quotes, line breaks), CRLF
 * line ends, empty cells for missing values, and a formula-looking text cell defused with `'`.
 */
import { csvCell, toCsv } from '../../src/lib/csv';
import { progressCsv } from '../../src/lib/organizations';

describe('the CSV builder', () => {
  it('quotes a cell with a comma, a quote or a line break, doubling its quotes', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('Doe, Jane')).toBe('"Doe, Jane"');
    expect(csvCell('The "best" course')).toBe('"The ""best"" course"');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell('carriage\rreturn')).toBe('"carriage\rreturn"');
  });

  it('writes numbers as they are and null or undefined as an empty cell', () => {
    expect(csvCell(42)).toBe('42');
    expect(csvCell(-1)).toBe('-1');
    expect(csvCell(null)).toBe('');
    expect(csvCell(undefined)).toBe('');
  });

  it('prefixes text a spreadsheet would run as a formula with an apostrophe', () => {
    expect(csvCell('=HYPERLINK("http://evil.example")')).toBe(`"'=HYPERLINK(""http://evil.example"")"`);
    expect(csvCell('+1')).toBe("'+1");
    expect(csvCell('-2')).toBe("'-2");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
  });

  it('joins cells with commas and rows with CRLF, ending with a line break', () => {
    expect(
      toCsv(
        ['a', 'b'],
        [
          ['1', 2],
          [null, 'x,y'],
        ],
      ),
    ).toBe('a,b\r\n1,2\r\n,"x,y"\r\n');
    expect(toCsv(['only'], [])).toBe('only\r\n');
  });

  it('writes the progress report with its header and one row per enrollment', () => {
    const user = (displayName: string, email: string | null) => ({
      id: displayName,
      displayName,
      email,
    });
    const course = { id: 'c1', slug: 'sql', title: 'SQL, from "zero"' };
    expect(
      progressCsv([
        {
          id: 'e1',
          progressPercent: 100,
          completedAt: '2030-01-10T08:00:00.000Z',
          updatedAt: '2030-01-10T08:00:00.000Z',
          user: user('Max Member', 'max@example.com'),
          course,
        },
        {
          id: 'e2',
          progressPercent: 0,
          completedAt: null,
          updatedAt: '2030-01-11T09:30:00.000Z',
          user: user('=cmd', null),
          course,
        },
      ]),
    ).toBe(
      'Member,Email,Course,Progress (%),Completed at,Updated at\r\n' +
        'Max Member,max@example.com,"SQL, from ""zero""",100,2030-01-10T08:00:00.000Z,2030-01-10T08:00:00.000Z\r\n' +
        '\'=cmd,,"SQL, from ""zero""",0,,2030-01-11T09:30:00.000Z\r\n',
    );
  });
});
