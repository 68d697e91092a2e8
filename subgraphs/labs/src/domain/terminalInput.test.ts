import { InputTranscript, MAX_INPUT_CHARS, MAX_INPUT_LINES } from './terminalInput';

const typed = (...frames: string[]) => {
  const transcript = new InputTranscript();
  for (const frame of frames) transcript.feed(frame);
  return transcript.text();
};

describe('InputTranscript', () => {
  it('splits typed input into lines on Enter (CR, LF or CRLF) and keeps the line being typed', () => {
    expect(typed('ls -la\r', 'cat hello.txt\n', 'echo a\r\necho b\r\n', 'vim no')).toBe(
      'ls -la\ncat hello.txt\necho a\necho b\nvim no',
    );
  });

  it('applies backspace (DEL and BS) and discards the line on Ctrl-C or Ctrl-U', () => {
    expect(typed('echo hii\u007f\u007fi\r', 'rm -rf /\u0003', 'touch x\u0015touch hellp\bo.txt\r')).toBe(
      'echo hi\ntouch hello.txt',
    );
  });

  it('drops escape sequences (arrows, colours, titles) even when split between frames', () => {
    expect(
      typed('\u001b[A\u001bOBgit st\u001b[1', ';5Catus\r', '\u001b]0;title\u0007ok\u001b]2;x\u001b\\\r'),
    ).toBe('git status\nok');
  });

  it('drops other control characters, turns tabs into spaces and keeps non-ASCII text', () => {
    expect(typed('ca\u0000t\u0004 f\tü\u0085.txt\r')).toBe('cat f ü.txt');
  });

  it('keeps only the last 40 lines and at most 4 KiB', () => {
    const many = Array.from({ length: 45 }, (_, n) => `echo ${n}\r`).join('');
    const lines = typed(many).split('\n');
    expect(lines).toHaveLength(MAX_INPUT_LINES);
    expect(lines[0]).toBe('echo 5');
    const long = typed(`${'a'.repeat(3000)}\r`, `${'b'.repeat(3000)}\r`, 'c');
    expect(long).toBe(`${'b'.repeat(3000)}\nc`);
    expect(typed('x'.repeat(MAX_INPUT_CHARS + 10))).toBe('x'.repeat(MAX_INPUT_CHARS));
  });
});
