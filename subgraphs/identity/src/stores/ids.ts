/** Ids in identity are UUIDs; anything else matches nothing (and never reaches a uuid column). */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(id: string): boolean {
  return UUID.test(id);
}

export function uuidsOf(ids: readonly string[]): string[] {
  return [...new Set(ids.filter(isUuid))];
}
