/**
 * @jest-environment jsdom
 *
 * Author Markdown rendered safely: headings, lists and highlighted code blocks survive; scripts,
 * inline event handlers and `javascript:` URLs never reach the DOM.
 */
import { render } from '@testing-library/react';
import { Markdown, renderMarkdown } from '../../src/components/Markdown';

function rendered(source: string) {
  return render(<Markdown source={source} className="reading" />).container.firstElementChild as HTMLElement;
}

/** Every attribute name anywhere in the rendered tree. */
const attributeNames = (root: Element) =>
  [root, ...root.querySelectorAll('*')].flatMap((element) => element.getAttributeNames());

describe('Markdown', () => {
  it('renders headings, emphasis and lists inside a wrapper with the given class', () => {
    const root = rendered('# Pods\n\n## Why pods\n\nA *pod* runs **containers**.\n\n- one\n- two\n');
    expect(root.className).toBe('markdown reading');
    expect(root.querySelector('h1')!.textContent).toBe('Pods');
    expect(root.querySelector('h2')!.textContent).toBe('Why pods');
    expect(root.querySelector('em')!.textContent).toBe('pod');
    expect(root.querySelector('strong')!.textContent).toBe('containers');
    expect([...root.querySelectorAll('li')].map((item) => item.textContent)).toEqual(['one', 'two']);
  });

  it('highlights fenced code in a known language, through aliases too', () => {
    const root = rendered('```sh\necho $HOME && ls\n```\n');
    const code = root.querySelector('pre > code')!;
    expect(code.className).toBe('hljs language-sh');
    expect(code.textContent).toBe('echo $HOME && ls');
    expect([...code.querySelectorAll('span')].map((span) => [span.className, span.textContent])).toEqual([
      ['hljs-built_in', 'echo'],
      ['hljs-variable', '$HOME'],
      ['hljs-built_in', 'ls'],
    ]);
  });

  it('shows code in an unknown language as escaped plain text', () => {
    const root = rendered('```brainfuck\n<script>alert(1)</script> & more\n```\n');
    const code = root.querySelector('pre > code')!;
    expect(code.className).toBe('hljs');
    expect(code.textContent).toBe('<script>alert(1)</script> & more');
    expect(root.querySelector('script')).toBeNull();
  });

  it('removes inline event handlers such as an image onerror', () => {
    const root = rendered(
      '<img src=x onerror=alert(1)>\n\n<p onclick="alert(2)" onmouseover="alert(3)">hover</p>',
    );
    expect(root.querySelector('img')!.getAttribute('src')).toBe('x');
    expect(attributeNames(root).filter((name) => name.startsWith('on'))).toEqual([]);
    expect(root.querySelector('p')!.textContent).toBe('hover');
  });

  it('removes script, iframe and style elements with their contents', () => {
    const html = renderMarkdown(
      'Before\n\n<script>alert(1)</script>\n\n<iframe src="https://evil.example"></iframe>\n\n<svg><script>alert(2)</script></svg>\n\nAfter',
    );
    expect(html).not.toMatch(/<script|<iframe|alert/);
    expect(html).toContain('<p>Before</p>');
    expect(html).toContain('<p>After</p>');
  });

  it('drops javascript: links, in Markdown and in HTML, whatever their case', () => {
    const root = rendered(
      '[click](javascript:alert(1)) <a href="JaVaScRiPt:alert(2)">html</a> <a href=" javascript:alert(3)">spaced</a>',
    );
    const links = [...root.querySelectorAll('a')];
    expect(links.map((link) => link.getAttribute('href'))).toEqual([null, null, null]);
    expect(root.textContent).toContain('click');
  });

  it('opens links to other sites in a new tab without access to this one, and keeps relative links as they are', () => {
    const root = rendered('[docs](https://kubernetes.io/docs/) and [next lesson](/courses/k8s/lessons/2)');
    const [external, internal] = [...root.querySelectorAll('a')];
    expect([
      external!.getAttribute('href'),
      external!.getAttribute('target'),
      external!.getAttribute('rel'),
    ]).toEqual(['https://kubernetes.io/docs/', '_blank', 'noopener noreferrer']);
    expect([
      internal!.getAttribute('href'),
      internal!.getAttribute('target'),
      internal!.getAttribute('rel'),
    ]).toEqual(['/courses/k8s/lessons/2', null, null]);
  });
});
