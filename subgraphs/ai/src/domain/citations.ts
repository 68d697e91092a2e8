/**
 * Which passages a reply cites. The model marks citations as [n] (also [1][2] or [1, 2]); the
 * service shows the cited passages as sources, and falls back to the top passages itself when a
 * reply cites none.
 */
import type { Passage } from '../providers/types';

const CITATION = /\[(\d+(?:\s*,\s*\d+)*)\]/g;

/**
 * The passages `answerText` cites, in the order they are first cited, each once. Refs that name
 * no passage (a model inventing [7] of five) are ignored.
 */
export function citedRefs(answerText: string, passages: Passage[]): Passage[] {
  const byRef = new Map(passages.map((p) => [p.ref, p]));
  const cited: Passage[] = [];
  const seen = new Set<number>();
  for (const match of answerText.matchAll(CITATION)) {
    for (const part of (match[1] ?? '').split(',')) {
      const ref = Number(part.trim());
      const passage = byRef.get(ref);
      if (passage && !seen.has(ref)) {
        seen.add(ref);
        cited.push(passage);
      }
    }
  }
  return cited;
}
