/** Leaving the terminal by keyboard: Escape, then Tab, goes to the browser; any other Tab stays in the shell. */
import { createFocusEscape } from '../../src/pages/lesson/lab/focusEscape';

const down = (key: string) => ({ type: 'keydown', key });

describe('createFocusEscape', () => {
  it('keeps Tab in the terminal for completion', () => {
    const handle = createFocusEscape();
    expect(handle(down('Tab'))).toBe(true);
    expect(handle(down('a'))).toBe(true);
    expect(handle(down('Tab'))).toBe(true);
  });

  it('lets the browser have the Tab that follows Escape, once', () => {
    const handle = createFocusEscape();
    expect(handle(down('Escape'))).toBe(true);
    expect(handle(down('Tab'))).toBe(false);
    expect(handle(down('Tab'))).toBe(true);
  });

  it('lets Shift+Tab after Escape move focus back as well', () => {
    const handle = createFocusEscape();
    handle(down('Escape'));
    expect(handle(down('Shift'))).toBe(true);
    expect(handle(down('Tab'))).toBe(false);
  });

  it('forgets the Escape once another key is typed', () => {
    const handle = createFocusEscape();
    handle(down('Escape'));
    handle(down('x'));
    expect(handle(down('Tab'))).toBe(true);
  });

  it('passes key-up and key-press events to the terminal untouched', () => {
    const handle = createFocusEscape();
    handle(down('Escape'));
    expect(handle({ type: 'keyup', key: 'Escape' })).toBe(true);
    expect(handle(down('Tab'))).toBe(false);
  });
});
