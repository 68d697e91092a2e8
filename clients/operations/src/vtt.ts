/** A small WebVTT reader: enough to show captions as a transcript with start times. */
export interface Cue {
  start: number;
  end: number;
  text: string;
}

/** `mm:ss.ttt` or `hh:mm:ss.ttt`; minutes and seconds run from 00 to 59. */
const TIMESTAMP = /^(?:(\d+):)?([0-5]\d):([0-5]\d)\.(\d{3})$/;

/** Cue text escapes these characters; the transcript is rendered as text, so they are decoded. */
const ENTITIES: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: '\u00a0',
  lrm: '\u200e',
  rlm: '\u200f',
};

function seconds(stamp: string): number | null {
  const match = TIMESTAMP.exec(stamp.trim());
  if (!match) return null;
  const [, h = '0', m = '0', s = '0', ms = '0'] = match;
  return Number(h) * 3600 + Number(m) * 60 + Number(s) + Number(ms) / 1000;
}

function plainText(lines: string[]): string {
  return lines
    .join(' ')
    .replace(/<[^>]*>/g, '')
    .replace(/&(amp|lt|gt|quot|apos|nbsp|lrm|rlm);/g, (_entity, name: string) => ENTITIES[name]!)
    .trim();
}

export function parseVtt(document: string): Cue[] {
  const cues: Cue[] = [];
  for (const block of document.replace(/\r\n?/g, '\n').split(/\n(?:[ \t]*\n)+/)) {
    const lines = block.split('\n');
    const timing = lines.findIndex((line) => line.includes('-->'));
    if (timing < 0) continue;
    const [from = '', rest = ''] = lines[timing]!.split('-->');
    const start = seconds(from);
    const end = seconds(rest.trim().split(/\s+/)[0] ?? '');
    const text = plainText(lines.slice(timing + 1));
    // A cue that ends before it starts is malformed: it could never be shown or chosen.
    if (start !== null && end !== null && end >= start && text) cues.push({ start, end, text });
  }
  return cues;
}
