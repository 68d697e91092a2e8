/**
 * The partner docs page's HTML shell: a skip link, a banner, a contents index with a filter, and
 * the guides and reference in the main landmark. Its one style sheet and one script are inline and
 * allowed by hash in the Content-Security-Policy, so the page needs nothing else and runs nothing
 * else. The layout is one column on a phone and a sticky index beside the content on wider screens.
 */
import { createHash } from 'node:crypto';
import { escapeHtml } from './markdown';
import type { IndexGroup } from './reference';

export interface Guide {
  id: string;
  title: string;
  html: string;
}

const STYLE = `
:root { color-scheme: light dark; --fg: #1b1f24; --muted: #57606a; --bg: #ffffff; --panel: #f6f8fa; --line: #d0d7de; --link: #0550ae; --warn: #9a3b00; }
@media (prefers-color-scheme: dark) { :root { --fg: #e6edf3; --muted: #9da7b3; --bg: #0d1117; --panel: #161b22; --line: #30363d; --link: #6cb6ff; --warn: #f0883e; } }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: var(--bg); }
a { color: var(--link); }
code, pre { font: 0.9em/1.45 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
pre { background: var(--panel); border: 1px solid var(--line); border-radius: 6px; padding: 0.75rem; overflow-x: auto; }
:not(pre) > code { background: var(--panel); border-radius: 4px; padding: 0 0.25em; overflow-wrap: anywhere; }
.skip { position: absolute; left: -9999px; } .skip:focus { left: 0.5rem; top: 0.5rem; background: var(--bg); padding: 0.5rem; z-index: 2; }
header { border-bottom: 1px solid var(--line); padding: 0.75rem 1rem; }
header h1 { margin: 0; font-size: 1.4rem; }
header p { margin: 0.25rem 0 0; color: var(--muted); }
.layout { display: grid; grid-template-columns: 1fr; }
nav { border-bottom: 1px solid var(--line); padding: 0.75rem 1rem; max-height: 45vh; overflow-y: auto; }
nav label { display: block; font-weight: 600; margin-bottom: 0.25rem; }
nav input { width: 100%; font: inherit; padding: 0.4rem 0.5rem; border: 1px solid var(--line); border-radius: 6px; background: var(--bg); color: var(--fg); }
nav ul { list-style: none; margin: 0.25rem 0 0.5rem; padding: 0 0 0 0.5rem; }
nav li { margin: 0.15rem 0; overflow-wrap: anywhere; }
nav summary { cursor: pointer; font-weight: 600; margin-top: 0.5rem; }
#filter-status { color: var(--muted); font-size: 0.9rem; margin: 0.25rem 0; }
main { padding: 0 1rem 3rem; min-width: 0; }
main > section > h2 { border-bottom: 1px solid var(--line); padding-bottom: 0.25rem; margin-top: 2rem; }
.item { border-top: 1px solid var(--line); padding-top: 0.5rem; margin-top: 1.25rem; }
.item h4 { margin: 0.25rem 0; font-size: 1.1rem; overflow-wrap: anywhere; }
.item h5 { margin: 0.75rem 0 0.25rem; font-size: 0.95rem; color: var(--muted); }
.kind { font: 600 0.75rem system-ui, sans-serif; text-transform: uppercase; color: var(--muted); border: 1px solid var(--line); border-radius: 999px; padding: 0 0.5em; vertical-align: middle; }
dl { margin: 0; } dt { margin-top: 0.5rem; overflow-wrap: anywhere; } dd { margin: 0 0 0 1rem; } dd p { margin: 0.15rem 0; }
dl.arguments { border-left: 3px solid var(--line); padding-left: 0.5rem; }
.deprecated { color: var(--warn); }
.table { overflow-x: auto; } table { border-collapse: collapse; } th, td { border: 1px solid var(--line); padding: 0.3rem 0.5rem; vertical-align: top; text-align: left; }
blockquote { margin: 1rem 0; padding: 0.25rem 1rem; border-left: 4px solid var(--link); background: var(--panel); }
:target { scroll-margin-top: 1rem; outline: 2px solid var(--link); outline-offset: 2px; }
@media (min-width: 900px) {
  .layout { grid-template-columns: 18rem 1fr; }
  nav { border-bottom: 0; border-right: 1px solid var(--line); position: sticky; top: 0; height: 100vh; max-height: none; }
  main { padding: 0 2rem 3rem; max-width: 60rem; }
}
`;

/** Filters the index as the reader types: entries that do not match hide, as do empty groups. */
const SCRIPT = `
(() => {
  const input = document.getElementById('filter');
  const status = document.getElementById('filter-status');
  const groups = [...document.querySelectorAll('nav details')];
  input.addEventListener('input', () => {
    const query = input.value.trim().toLowerCase();
    let shown = 0;
    for (const group of groups) {
      let inGroup = 0;
      for (const item of group.querySelectorAll('li')) {
        const match = query === '' || item.textContent.toLowerCase().includes(query);
        item.hidden = !match;
        if (match) inGroup += 1;
      }
      group.hidden = inGroup === 0;
      if (query !== '' && inGroup > 0) group.open = true;
      shown += inGroup;
    }
    status.textContent = query === '' ? '' : shown === 1 ? '1 match' : shown + ' matches';
  });
})();
`;

const hash = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;

/** The page's Content-Security-Policy: only its own inline style and script, nothing loaded. */
export const DOCS_CSP = [
  "default-src 'none'",
  `style-src ${hash(STYLE)}`,
  `script-src ${hash(SCRIPT)}`,
  "img-src 'self' data:",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

function index(groups: readonly IndexGroup[]): string {
  return groups
    .map(
      (group, position) =>
        `<details${position === 0 ? ' open' : ''}><summary>${escapeHtml(group.title)}</summary><ul>` +
        group.entries
          .map((entry) => `<li><a href="#${escapeHtml(entry.id)}">${escapeHtml(entry.label)}</a></li>`)
          .join('') +
        `</ul></details>`,
    )
    .join('\n');
}

export function renderPage(
  guides: readonly Guide[],
  reference: { html: string; groups: IndexGroup[] },
): string {
  const groups: IndexGroup[] = [
    { title: 'Guides', entries: guides.map((guide) => ({ id: guide.id, label: guide.title })) },
    ...reference.groups,
  ];
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>LearnCraft partner API</title>
<link rel="icon" href="data:,">
<style>${STYLE}</style>
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header>
<h1>LearnCraft partner API</h1>
<p>One GraphQL endpoint, <code>POST /graphql</code>. Guides, then the reference of every type and field. <a href="/docs/schema.graphql" download="learncraft-api.graphql">Download the schema (SDL)</a>.</p>
</header>
<div class="layout">
<nav aria-label="Contents">
<label for="filter">Filter the contents</label>
<input id="filter" type="search" placeholder="e.g. courses, Enrollment" autocomplete="off">
<p id="filter-status" role="status" aria-live="polite"></p>
${index(groups)}
</nav>
<main id="main" tabindex="-1">
<section aria-labelledby="guides"><h2 id="guides">Guides</h2>
${guides.map((guide) => `<article class="guide" aria-labelledby="${escapeHtml(guide.id)}">${guide.html}</article>`).join('\n')}
</section>
<section aria-labelledby="reference"><h2 id="reference">API reference</h2>
<p>Generated from the schema partners integrate against (<a href="/docs/schema.graphql">schema.graphql</a>). Types are linked; <code>!</code> means never null.</p>
${reference.html}
</section>
</main>
</div>
<script>${SCRIPT}</script>
</body>
</html>
`;
}
