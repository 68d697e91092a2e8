/**
 * What a learner recently typed in a lab terminal, for the ai service's hints: the raw input
 * frames (keystrokes and pastes, with escape sequences for arrows and the like) reduced to lines as
 * a reader would see them. Escape sequences and control characters are dropped, backspace removes
 * the character before it, Ctrl-C and Ctrl-U discard the line being typed, Enter ends a line. Only
 * the last lines (MAX_LINES, MAX_CHARS in all) are kept. It is what was typed, not what the shell
 * ran: history recall and completion happen in the shell and are not seen here.
 */

export const MAX_INPUT_LINES = 40;
export const MAX_INPUT_CHARS = 4 * 1024;

const ESC = '\u001b';
const BEL = '\u0007';

type Mode = 'text' | 'escape' | 'csi' | 'osc' | 'oscEscape' | 'single';

export class InputTranscript {
  private readonly lines: string[] = [];
  private current = '';
  /** Parser state carried across frames: a sequence may be split between two of them. */
  private mode: Mode = 'text';

  constructor(
    private readonly maxLines = MAX_INPUT_LINES,
    private readonly maxChars = MAX_INPUT_CHARS,
  ) {}

  feed(input: string): void {
    for (const char of input) this.take(char);
    this.trim();
  }

  /** The kept lines, oldest first, then the line being typed (if any), joined by newlines. */
  text(): string {
    return [...this.lines, ...(this.current ? [this.current] : [])].join('\n');
  }

  private take(char: string): void {
    switch (this.mode) {
      case 'escape':
        // ESC [ is CSI, ESC ] is OSC; ESC O (SS3) and the charset selectors take one more byte.
        this.mode = char === '[' ? 'csi' : char === ']' ? 'osc' : 'O()*+'.includes(char) ? 'single' : 'text';
        return;
      case 'csi':
        if (char >= '@' && char <= '~') this.mode = 'text';
        return;
      case 'osc':
        if (char === BEL) this.mode = 'text';
        else if (char === ESC) this.mode = 'oscEscape';
        return;
      case 'oscEscape':
        this.mode = char === '\\' ? 'text' : 'osc';
        return;
      case 'single':
        this.mode = 'text';
        return;
      case 'text':
        break;
    }
    if (char === ESC) return void (this.mode = 'escape');
    if (char === '\r' || char === '\n') return this.endLine();
    if (char === '\u007f' || char === '\b')
      return void (this.current = [...this.current].slice(0, -1).join(''));
    if (char === '\u0003' || char === '\u0015') return void (this.current = '');
    if (char === '\t') return void (this.current += ' ');
    const code = char.codePointAt(0)!;
    if (code < 0x20 || (code >= 0x80 && code < 0xa0)) return;
    this.current += char;
    // A line longer than the whole budget (a huge paste) keeps only its end.
    if (this.current.length > this.maxChars) this.current = this.current.slice(-this.maxChars);
  }

  private endLine(): void {
    // "\r\n" from a paste ends one line, not two: empty lines carry nothing for a hint.
    if (this.current.trim() !== '') this.lines.push(this.current);
    this.current = '';
  }

  private trim(): void {
    while (this.lines.length > this.maxLines) this.lines.shift();
    let total = this.lines.reduce((sum, line) => sum + line.length + 1, this.current.length);
    while (total > this.maxChars && this.lines.length > 0) total -= this.lines.shift()!.length + 1;
  }
}
