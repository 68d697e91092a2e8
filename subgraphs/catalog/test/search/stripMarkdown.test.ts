/** Markdown reduced to the words a reader sees, before a course description is indexed. */
import { stripMarkdown } from '../../src/search';

describe('stripMarkdown', () => {
  test('headings, emphasis, strike-through and inline code keep only their words', () => {
    expect(stripMarkdown('## Getting *started* with **`kubectl`** and ~~Swarm~~ ##')).toBe(
      'Getting started with kubectl and Swarm',
    );
  });

  test('links and images keep their text and lose their targets', () => {
    expect(
      stripMarkdown(
        'Read [the docs](https://example.com/docs "Docs") and ![a diagram](img/arch.png) or [this][ref].\n\n[ref]: https://example.com/ref',
      ),
    ).toBe('Read the docs and a diagram or this.');
  });

  test('autolinks, HTML tags and comments disappear', () => {
    expect(stripMarkdown('See <https://example.com> <b>now</b><!-- hidden note --> <br/>')).toBe('See now');
  });

  test('code fences go but the code inside stays searchable', () => {
    expect(stripMarkdown('Run:\n\n```bash\nkubectl get pods\n```\n\nDone.')).toBe(
      'Run:\nkubectl get pods\nDone.',
    );
  });

  test('list markers, task boxes, quotes, rules and table syntax are removed', () => {
    const markdown = [
      '- first item',
      '* [x] done task',
      '1. numbered',
      '> quoted line',
      '---',
      '| Tool | Use |',
      '| :--- | --- |',
      '| helm | charts |',
    ].join('\n');
    expect(stripMarkdown(markdown)).toBe(
      'first item\ndone task\nnumbered\nquoted line\nTool Use\nhelm charts',
    );
  });

  test('identifiers with underscores, C# and escaped characters survive', () => {
    expect(stripMarkdown('Set max_connections in C# \\*literally\\*')).toBe(
      'Set max_connections in C# *literally*',
    );
  });

  test('plain text passes through unchanged', () => {
    expect(stripMarkdown('Linux networking for engineers')).toBe('Linux networking for engineers');
  });
});
