/**
 * CSV text (RFC 4180) from rows of cells: comma-separated, CRLF line ends, a cell quoted when it
 * holds a comma, a quote or a line break (its quotes doubled). A text cell that a spreadsheet would
 * run as a formula (starting with =, +, -, @, a tab or a carriage return) is prefixed with `'`,
 * so a member's name cannot become a formula in the report's reader.
 */
export type CsvCell = string | number | boolean | null | undefined;

const FORMULA_START = /^[=+\-@\t\r]/;

export function csvCell(value: CsvCell): string {
  if (value === null || value === undefined) return '';
  let text = String(value);
  if (typeof value === 'string' && FORMULA_START.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function toCsv(header: readonly string[], rows: readonly (readonly CsvCell[])[]): string {
  return [header, ...rows].map((row) => row.map(csvCell).join(',')).join('\r\n') + '\r\n';
}
