/**
 * Human-readable order and receipt numbers from a database sequence: "LC-000042", "LC-R-000042".
 * Six digits at least; the number simply grows longer after 999 999.
 */
function padded(sequence: number): string {
  if (!Number.isSafeInteger(sequence) || sequence < 1) {
    throw new RangeError(`A sequence number is a positive integer, not ${sequence}.`);
  }
  return String(sequence).padStart(6, '0');
}

export function orderNumber(sequence: number): string {
  return `LC-${padded(sequence)}`;
}

export function receiptNumber(sequence: number): string {
  return `LC-R-${padded(sequence)}`;
}
