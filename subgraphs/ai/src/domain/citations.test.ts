import type { Passage } from '../providers/types';
import { citedRefs } from './citations';

const passage = (ref: number): Passage => ({
  ref,
  lessonId: `lesson-${ref}`,
  lessonTitle: `Lesson ${ref}`,
  source: 'READING',
  heading: null,
  text: `Passage ${ref}.`,
  startSeconds: null,
});
const passages = [passage(1), passage(2), passage(3)];

describe('citedRefs', () => {
  it('returns the cited passages in first-cited order, each once', () => {
    const refs = citedRefs('Pods share a network [2]. They are ephemeral [1][2]. See also [2].', passages);
    expect(refs.map((p) => p.ref)).toEqual([2, 1]);
  });

  it('reads comma-separated refs inside one pair of brackets', () => {
    expect(citedRefs('Both hold [3, 1].', passages).map((p) => p.ref)).toEqual([3, 1]);
  });

  it('ignores refs that name no passage', () => {
    expect(citedRefs('Invented [7], real [3], zero [0].', passages).map((p) => p.ref)).toEqual([3]);
  });

  it('returns nothing for an answer without citations, so the service can fall back', () => {
    expect(citedRefs('No markers here, and [not a ref] either.', passages)).toEqual([]);
  });
});
