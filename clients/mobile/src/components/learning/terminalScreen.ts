/**
 * The text a shell's output leaves on screen, for a terminal without an emulator: lines of plain
 * text. Escape sequences are interpreted only as far as a scrollback needs: colours, cursor moves
 * and titles are dropped, `\r` returns to the start of the line (so progress bars overwrite
 * themselves), `\b` steps back, erase-in-line truncates and a clear screen empties the
 * scrollback. Output arrives in arbitrary chunks, so an escape sequence cut between two writes is
 * kept until its end arrives.
 */

/** Lines kept; older ones scroll away, as in any terminal. */
export const SCROLLBACK_LINES = 2000;

const ESC = '\x1b';
const TAB_WIDTH = 8;

export class TerminalScreen {
  private lines: string[] = [''];
  private column = 0;
  /** An unfinished escape sequence from the end of the last write. */
  private pending = '';
  /** The cursor was sent home: an erase-below that follows clears the whole screen. */
  private homed = false;

  constructor(private readonly maxLines = SCROLLBACK_LINES) {}

  /** The scrollback as text, oldest line first. */
  get text(): string {
    return this.lines.join('\n');
  }

  write(output: string): void {
    const input = this.pending + output;
    this.pending = '';
    let index = 0;
    while (index < input.length) {
      const char = input[index]!;
      if (char === ESC) {
        const length = escapeLength(input, index);
        if (length === null) {
          this.pending = input.slice(index);
          return;
        }
        this.escape(input.slice(index, index + length));
        index += length;
        continue;
      }
      this.character(char);
      index += 1;
    }
  }

  clear(): void {
    this.lines = [''];
    this.column = 0;
  }

  private character(char: string): void {
    switch (char) {
      case '\r':
        this.column = 0;
        return;
      case '\n':
        this.lines.push('');
        this.column = 0;
        if (this.lines.length > this.maxLines) this.lines.splice(0, this.lines.length - this.maxLines);
        return;
      case '\b':
        this.column = Math.max(0, this.column - 1);
        return;
      case '\t':
        this.print(' '.repeat(TAB_WIDTH - (this.column % TAB_WIDTH)));
        return;
    }
    // Other control characters (the bell, shift in/out) leave nothing on screen.
    if (char < ' ' || char === '\x7f') return;
    this.print(char);
  }

  private print(text: string): void {
    this.homed = false;
    const last = this.lines.length - 1;
    const line = this.lines[last]!.padEnd(this.column, ' ');
    this.lines[last] = line.slice(0, this.column) + text + line.slice(this.column + text.length);
    this.column += text.length;
  }

  private escape(sequence: string): void {
    if (sequence[1] !== '[') return;
    const final = sequence[sequence.length - 1];
    const parameter = sequence.slice(2, -1);
    const last = this.lines.length - 1;
    switch (final) {
      case 'H':
      case 'f':
        // Cursor positioning is not followed; going home matters only as the start of a clear.
        this.homed = parameter === '' || parameter === '1;1';
        return;
      case 'J':
        if (parameter === '2' || parameter === '3' || ((parameter === '' || parameter === '0') && this.homed))
          this.clear();
        return;
      case 'K':
        if (parameter === '2') {
          this.lines[last] = '';
          this.column = 0;
        } else if (parameter === '' || parameter === '0')
          this.lines[last] = this.lines[last]!.slice(0, this.column);
        return;
    }
  }
}

/**
 * The length of the escape sequence at `start`, or null when it has not fully arrived: CSI
 * (`ESC [` … final byte), OSC (`ESC ]` … BEL or `ESC \`), charset selection (`ESC (` plus one) and
 * any other two-character escape.
 */
function escapeLength(input: string, start: number): number | null {
  const kind = input[start + 1];
  if (kind === undefined) return null;
  if (kind === '[') {
    for (let index = start + 2; index < input.length; index += 1) {
      const code = input.charCodeAt(index);
      if (code >= 0x40 && code <= 0x7e) return index - start + 1;
    }
    return null;
  }
  if (kind === ']') {
    for (let index = start + 2; index < input.length; index += 1) {
      if (input[index] === '\x07') return index - start + 1;
      if (input[index] === ESC) {
        if (index + 1 >= input.length) return null;
        if (input[index + 1] === '\\') return index - start + 2;
      }
    }
    return null;
  }
  if (kind === '(' || kind === ')') return start + 2 < input.length ? 3 : null;
  return 2;
}
