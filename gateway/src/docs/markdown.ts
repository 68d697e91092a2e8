/**
 * Markdown for the partner docs (the guides and the schema's descriptions), rendered by marked.
 * Raw HTML in the source is shown as text, never passed through, so a description can never
 * inject markup into the page; headings get ids so the index and other guides can link to them.
 */
import { Marked, type Tokens } from 'marked';

export const escapeHtml = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export const slugify = (text: string): string =>
  text
    .toLowerCase()
    .replace(/<[^>]*>/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');

export interface HeadingOptions {
  /** Added to every heading's depth: a guide's `#` becomes the page's `<h2>`. */
  shift: number;
  /** The id of a depth-1 heading; deeper ones get `<idPrefix>-<slug>`. */
  idPrefix: string;
}

export interface RenderedMarkdown {
  html: string;
  /** The first depth-1 heading's text. */
  title: string | null;
}

/**
 * Wide tables scroll inside their own box on a phone instead of widening the page; those boxes and
 * code blocks are focusable so keyboard users can scroll them too.
 */
const scrollableBoxes = (html: string) =>
  html
    .replace(/<table>/g, '<div class="table" tabindex="0"><table>')
    .replace(/<\/table>/g, '</table></div>')
    .replace(/<pre>/g, '<pre tabindex="0">');

/** Descriptions in the schema: Markdown without headings of their own. */
const descriptions = new Marked({ gfm: true, renderer: { html: ({ text }) => escapeHtml(text) } });

export const renderDescription = (source: string): string =>
  scrollableBoxes(descriptions.parse(source, { async: false }));

/** A guide: its `#` title becomes a page heading with the guide's id. */
export function renderMarkdown(source: string, headings: HeadingOptions): RenderedMarkdown {
  let title: string | null = null;
  const marked = new Marked({
    gfm: true,
    renderer: {
      html: ({ text }: Tokens.HTML | Tokens.Tag) => escapeHtml(text),
      heading({ tokens, depth, text }: Tokens.Heading) {
        const level = Math.min(6, depth + headings.shift);
        if (depth === 1 && title === null) title = text;
        const id = depth === 1 ? headings.idPrefix : `${headings.idPrefix}-${slugify(text)}`;
        return `<h${level} id="${escapeHtml(id)}">${this.parser.parseInline(tokens)}</h${level}>\n`;
      },
    },
  });
  return { html: scrollableBoxes(marked.parse(source, { async: false })), title };
}
