/**
 * Text preparation shared by the search adapters: Markdown reduced to the words a reader sees, and
 * the English stop words Elasticsearch's `english` analyzer drops, so the in-process index treats
 * "introduction to linux" the way Elasticsearch does.
 */
import type { CourseSearchDocument } from './types';

/** What every adapter stores for a course: the document minus `published`, description as text. */
export interface IndexedCourse {
  id: string;
  title: string;
  summary: string;
  description: string;
  lessonTitles: string[];
  categorySlug: string;
  level: string;
  language: string;
}

export function toIndexedCourse(doc: CourseSearchDocument): IndexedCourse {
  return {
    id: doc.id,
    title: doc.title,
    summary: doc.summary,
    description: stripMarkdown(doc.description),
    lessonTitles: [...doc.lessonTitles],
    categorySlug: doc.categorySlug,
    level: doc.level,
    language: doc.language,
  };
}

/** Lucene's English stop set (EnglishAnalyzer.ENGLISH_STOP_WORDS_SET), which ES `english` uses. */
export const ENGLISH_STOP_WORDS: ReadonlySet<string> = new Set([
  'a',
  'an',
  'and',
  'are',
  'as',
  'at',
  'be',
  'but',
  'by',
  'for',
  'if',
  'in',
  'into',
  'is',
  'it',
  'no',
  'not',
  'of',
  'on',
  'or',
  'such',
  'that',
  'the',
  'their',
  'then',
  'there',
  'these',
  'they',
  'this',
  'to',
  'was',
  'will',
  'with',
]);

/** Start of a private-use block standing in for backslash-escaped ASCII while rules run. */
const ESCAPED = 0xe000;

/**
 * Plain text from Markdown: keeps link and image text, code (commands are worth finding), list
 * items and table cells; drops URLs, HTML tags, fences and the punctuation of emphasis, headings,
 * quotes and tables. Not a full CommonMark parser: it only has to stop syntax becoming search terms.
 */
export function stripMarkdown(markdown: string): string {
  return (
    markdown
      .replace(/\r\n?/g, '\n')
      // Escaped characters are literal text: park them where no rule below can see them.
      .replace(/\\([\\`*_{}[\]()#+\-.!|>~])/g, (_match, char: string) =>
        String.fromCharCode(ESCAPED + char.charCodeAt(0)),
      )
      // Fence lines go; the code between them stays.
      .replace(/^ {0,3}(?:`{3,}|~{3,}).*$/gm, '')
      .replace(/<!--[\s\S]*?-->/g, ' ')
      .replace(/<(?:https?|mailto|ftp):[^>\s]*>/gi, ' ')
      .replace(/<\/?[a-zA-Z][\w-]*(?:\s[^<>]*)?\/?>/g, ' ')
      .replace(/!\[([^\]]*)\]\([^)]*\)/g, '$1')
      .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
      .replace(/\[([^\]]*)\]\[[^\]]*\]/g, '$1')
      .replace(/^ {0,3}\[[^\]]+\]:\s*\S+.*$/gm, '')
      // Table delimiter rows and horizontal rules carry no words.
      .replace(/^\s*\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?\s*$/gm, '')
      .replace(/^ {0,3}([-*_])(?: *\1){2,} *$/gm, '')
      .replace(/^ {0,3}=+ *$/gm, '')
      .replace(/^ {0,3}#{1,6}[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$/gm, '$1')
      .replace(/^ {0,3}#{1,6}[ \t]*$/gm, '')
      .replace(/^(?: {0,3}> ?)+/gm, '')
      .replace(/^\s*(?:[-*+]|\d{1,9}[.)])\s+(?:\[[ xX]\]\s+)?/gm, '')
      .replace(/`+([^`\n]*?)`+/g, '$1')
      // Emphasis only at word edges, so snake_case identifiers keep their underscores.
      .replace(/(^|[^\w*])(\*\*|__)(?=\S)([^\n]*?\S)\2(?=[^\w*]|$)/g, '$1$3')
      .replace(/(^|[^\w*])([*_])(?=\S)([^\n]*?\S)\2(?=[^\w*]|$)/g, '$1$3')
      .replace(/~~([^\n]*?)~~/g, '$1')
      .replace(/\|/g, ' ')
      .replace(/[\uE000-\uE07F]/g, (char) => String.fromCharCode(char.charCodeAt(0) - ESCAPED))
      .replace(/[ \t]+/g, ' ')
      .replace(/ *\n[\s]*/g, '\n')
      .trim()
  );
}
