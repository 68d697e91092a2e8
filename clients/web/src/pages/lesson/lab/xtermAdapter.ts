/**
 * xterm.js behind the TerminalAdapter interface: the only module that touches the emulator (and
 * its stylesheet), so everything else runs under jsdom and the emulator lands in the terminal's
 * own lazily loaded chunk.
 */
import { FitAddon } from '@xterm/addon-fit';
import { Terminal } from '@xterm/xterm';
import '@xterm/xterm/css/xterm.css';
import { createFocusEscape } from './focusEscape';
import type { TerminalAdapter } from '@learncraft/operations/terminal';

export interface MountedTerminal extends TerminalAdapter {
  dispose(): void;
}

export function mountTerminal(container: HTMLElement): MountedTerminal {
  const terminal = new Terminal({
    // Output is mirrored into an accessibility tree screen readers can read and navigate.
    screenReaderMode: true,
    cursorBlink: true,
    fontSize: 14,
    fontFamily: 'ui-monospace, SFMono-Regular, Menlo, Consolas, monospace',
    scrollback: 5_000,
  });
  const fit = new FitAddon();
  terminal.loadAddon(fit);
  terminal.attachCustomKeyEventHandler(createFocusEscape());
  terminal.open(container);
  fit.fit();
  // The container follows the page width (down to 360 px phones); the pseudo-terminal follows it.
  const observer = new ResizeObserver(() => fit.fit());
  observer.observe(container);

  return {
    write: (output) => terminal.write(output),
    onInput: (listener) => terminal.onData(listener),
    onResize: (listener) => terminal.onResize(listener),
    get size() {
      return { cols: terminal.cols, rows: terminal.rows };
    },
    dispose: () => {
      observer.disconnect();
      terminal.dispose();
    },
  };
}
