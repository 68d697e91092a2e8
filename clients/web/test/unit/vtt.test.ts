/** The WebVTT reader behind the video transcript: timings, tags, entities and malformed cues. */
import { parseVtt } from '@learncraft/operations/vtt';

describe('parseVtt', () => {
  it('reads each cue with its start, end and text, skipping the header and cue identifiers', () => {
    const vtt = [
      'WEBVTT',
      '',
      '1',
      '00:00.000 --> 00:04.500',
      'Welcome to the course.',
      '',
      'intro-2',
      '00:04.500 --> 01:02:03.250',
      'Pods run containers.',
    ].join('\n');
    expect(parseVtt(vtt)).toEqual([
      { start: 0, end: 4.5, text: 'Welcome to the course.' },
      { start: 4.5, end: 3723.25, text: 'Pods run containers.' },
    ]);
  });

  it('joins multi-line cue text with spaces and ignores cue settings after the end time', () => {
    const vtt = 'WEBVTT\n\n00:01.000 --> 00:02.000 align:start position:10%\nFirst line\nsecond line\n';
    expect(parseVtt(vtt)).toEqual([{ start: 1, end: 2, text: 'First line second line' }]);
  });

  it('accepts Windows and old Mac line endings and blank lines that contain spaces', () => {
    const vtt = 'WEBVTT\r\n\r\n00:01.000 --> 00:02.000\r\nOne\r\n  \r\n00:03.000 --> 00:04.000\rTwo';
    expect(parseVtt(vtt)).toEqual([
      { start: 1, end: 2, text: 'One' },
      { start: 3, end: 4, text: 'Two' },
    ]);
  });

  it('removes voice and styling tags and decodes escaped characters', () => {
    const vtt =
      'WEBVTT\n\n00:00.000 --> 00:01.000\n<v Ana>Use <b>kubectl</b> &amp; read &lt;pod&gt; names</v>';
    expect(parseVtt(vtt)).toEqual([{ start: 0, end: 1, text: 'Use kubectl & read <pod> names' }]);
  });

  it('drops malformed cues: bad timestamps, out-of-range minutes or seconds, a missing end, no text, or an end before the start', () => {
    const vtt = [
      'WEBVTT',
      '',
      '0:01.000 --> 00:02.000',
      'one-digit minutes',
      '',
      '00:01 --> 00:02.000',
      'no milliseconds',
      '',
      '00:75.000 --> 00:76.000',
      'seconds past 59',
      '',
      '00:60:00.000 --> 00:61:00.000',
      'minutes past 59',
      '',
      '00:05.000 -->',
      'no end',
      '',
      '00:06.000 --> 00:07.000',
      '',
      '00:09.000 --> 00:08.000',
      'ends before it starts',
      '',
      'NOTE a comment block without timing',
      '',
      '00:10.000 --> 00:11.000',
      'The one good cue.',
    ].join('\n');
    expect(parseVtt(vtt)).toEqual([{ start: 10, end: 11, text: 'The one good cue.' }]);
  });

  it('returns no cues for an empty or non-VTT document', () => {
    expect(parseVtt('')).toEqual([]);
    expect(parseVtt('just some words\n\nand more')).toEqual([]);
  });
});
