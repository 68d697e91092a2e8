import { act, fireEvent, render, screen } from '@testing-library/react-native';
import { ScrollbackTerminal, Terminal } from '../../src/components/Terminal';
import { TerminalScreen } from '../../src/components/learning/terminalScreen';

/** The scrollback the learner sees: the text of the terminal's log. */
function scrollback(): string {
  return screen.getByRole('log').props.children as string;
}

test('the terminal overwrites a line after \\r, drops ANSI colours, titles and cursor codes, and shows the text', async () => {
  const terminal = new ScrollbackTerminal();
  await render(<Terminal terminal={terminal} />);
  await act(() => {
    terminal.write('Downloading 10%\rDownloading 100%\r\n');
    terminal.write('\x1b[1;32mok\x1b[0m \x1b]0;title\x07done\x1b[?25h\r\n$ ');
  });
  expect(scrollback()).toBe('Downloading 100%\nok done\n$ ');
});

test('a clear screen empties the scrollback, and \\b steps back over the last character', async () => {
  const terminal = new ScrollbackTerminal();
  await render(<Terminal terminal={terminal} />);
  await act(() => {
    terminal.write('old output\r\n');
    terminal.write('\x1b[H\x1b[2J$ lx\bs');
  });
  expect(scrollback()).toBe('$ ls');
});

test('an escape sequence split between two writes is still recognised', () => {
  const model = new TerminalScreen();
  model.write('a\x1b[3');
  model.write('1mred\x1b[0m');
  expect(model.text).toBe('ared');
});

test('erase-in-line after \\r clears the rest of the line', () => {
  const model = new TerminalScreen();
  model.write('progress 99%\r\x1b[Kdone');
  expect(model.text).toBe('done');
});

test('Ctrl-C sends \\x03, a submitted line is sent with a carriage return, and Tab sends \\t', async () => {
  const terminal = new ScrollbackTerminal();
  const sent: string[] = [];
  terminal.onInput((data) => sent.push(data));
  await render(<Terminal terminal={terminal} />);
  await fireEvent.press(screen.getByRole('button', { name: 'Control C, interrupt' }));
  const input = screen.getByLabelText('Terminal input');
  await fireEvent.changeText(input, 'ls -la');
  await fireEvent(input, 'submitEditing');
  await fireEvent.press(screen.getByRole('button', { name: 'Tab' }));
  expect(sent).toEqual(['\x03', 'ls -la\r', '\t']);
  expect(screen.getByLabelText('Terminal output')).toBeOnTheScreen();
});
