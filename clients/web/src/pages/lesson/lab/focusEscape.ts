/**
 * A way out of the terminal for keyboard users. The shell needs Tab (completion), so xterm.js keeps
 * it and focus would be trapped there; after Escape, the next Tab (or Shift+Tab) is left to the
 * browser and moves focus on. Escape itself still reaches the shell, where it is harmless.
 */

/** What the handler reads of a keyboard event (a DOM KeyboardEvent in the app). */
export interface KeyPress {
  type: string;
  key: string;
}

/** An xterm.js custom key handler: false lets the browser handle the key instead of the terminal. */
export function createFocusEscape(): (event: KeyPress) => boolean {
  let escaped = false;
  return (event) => {
    if (event.type !== 'keydown') return true;
    if (event.key === 'Tab' && escaped) {
      escaped = false;
      return false;
    }
    // Modifier keys alone do not end the escape: Shift is how Shift+Tab is typed.
    if (!['Shift', 'Control', 'Alt', 'Meta'].includes(event.key)) escaped = event.key === 'Escape';
    return true;
  };
}
