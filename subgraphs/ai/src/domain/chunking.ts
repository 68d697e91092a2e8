/**
 * Course content cut into passages for retrieval. Each lesson kind has its own natural unit:
 * readings split under their headings (long sections again at paragraph boundaries), video
 * transcripts into windows of consecutive cues, labs into the overall instructions and one passage
 * per step, quizzes into one passage per question. Passages are plain text: the tutor quotes them
 * and the embedder should not see Markdown punctuation. Chunk ids are `<lessonId>:<ordinal>`, so
 * re-chunking unchanged content yields the same ids (the vector store overwrites in place).
 */
import type { Chunk, ChunkSource } from './chunks';
import type { CourseContent, LessonContent } from './content';

/** Longest passage we aim for; long enough for a thought, short enough to quote. */
export const MAX_CHUNK_CHARS = 800;
/** Overlap carried into the next passage of a split section, so a sentence is never orphaned. */
const OVERLAP_CHARS = 160;
/** Transcript windows: close a window once it spans this long or holds this much text. */
const WINDOW_MAX_SECONDS = 60;
const WINDOW_MAX_CHARS = 600;

/** Every lesson of the course as passages, in syllabus order. */
export function chunkCourse(course: CourseContent): Chunk[] {
  return course.lessons.flatMap((lesson) => chunkLesson(course.id, lesson));
}

type Draft = Pick<Chunk, 'source' | 'heading' | 'text'> &
  Partial<Pick<Chunk, 'startSeconds' | 'quizQuestionId' | 'labStepId'>>;

export function chunkLesson(courseId: string, lesson: LessonContent): Chunk[] {
  const drafts: Draft[] = [];
  switch (lesson.kind) {
    case 'READING':
      if (lesson.markdown) drafts.push(...markdownDrafts(lesson.markdown, 'READING'));
      break;
    case 'VIDEO':
      if (lesson.transcriptVtt) drafts.push(...transcriptDrafts(lesson.transcriptVtt));
      break;
    case 'LAB':
      if (lesson.lab) {
        drafts.push(...markdownDrafts(lesson.lab.instructions, 'LAB'));
        for (const step of lesson.lab.steps) {
          const body = markdownToPlainText(step.instructions);
          if (!body) continue;
          for (const text of splitParagraphs(paragraphsOf(body))) {
            drafts.push({ source: 'LAB', heading: step.title.trim(), text, labStepId: step.id });
          }
        }
      }
      break;
    case 'QUIZ':
      lesson.quiz?.questions.forEach((question, index) => {
        const lines = [collapse(question.prompt), ...question.options.map((o) => `- ${collapse(o.label)}`)];
        if (question.explanation?.trim()) lines.push(`Explanation: ${collapse(question.explanation)}`);
        drafts.push({
          source: 'QUIZ',
          heading: `Question ${index + 1}`,
          text: lines.join('\n'),
          quizQuestionId: question.id,
        });
      });
      break;
  }
  return drafts
    .filter((draft) => draft.text.trim().length > 0)
    .map((draft, ordinal) => ({
      id: `${lesson.id}:${ordinal}`,
      courseId,
      lessonId: lesson.id,
      lessonTitle: lesson.title,
      lessonKind: lesson.kind,
      source: draft.source,
      heading: draft.heading,
      text: draft.text,
      startSeconds: draft.startSeconds ?? null,
      quizQuestionId: draft.quizQuestionId ?? null,
      labStepId: draft.labStepId ?? null,
    }));
}

// ---------------------------------------------------------------------------------------------
// Markdown

interface Section {
  headingPath: string[];
  /** Plain-text paragraphs; code blocks are one paragraph each, line breaks kept. */
  paragraphs: string[];
}

const HEADING = /^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$/;
const FENCE = /^\s{0,3}(`{3,}|~{3,})/;

function markdownDrafts(markdown: string, source: ChunkSource): Draft[] {
  const drafts: Draft[] = [];
  for (const section of markdownSections(markdown)) {
    const heading = section.headingPath.length > 0 ? section.headingPath.join(' › ') : null;
    for (const text of splitParagraphs(section.paragraphs)) drafts.push({ source, heading, text });
  }
  return drafts;
}

/** Sections under their heading path. A document's single top-level title is not repeated in every path. */
export function markdownSections(markdown: string): Section[] {
  const lines = markdown.replace(/\r\n?/g, '\n').split('\n');
  const topLevel = countTopLevelHeadings(lines);
  const sections: Section[] = [];
  const stack: { level: number; text: string }[] = [];
  let current: Section = { headingPath: [], paragraphs: [] };
  let block: string[] = [];
  let fence: string | null = null;

  const flushBlock = () => {
    const text = blockToText(block);
    if (text) current.paragraphs.push(text);
    block = [];
  };
  const flushSection = () => {
    flushBlock();
    if (current.paragraphs.length > 0) sections.push(current);
  };

  for (const line of lines) {
    if (fence !== null) {
      if (line.trim().startsWith(fence)) {
        current.paragraphs.push(block.join('\n').replace(/^\n+|\s+$/g, ''));
        current.paragraphs = current.paragraphs.filter(Boolean);
        block = [];
        fence = null;
      } else {
        block.push(line);
      }
      continue;
    }
    const fenceOpen = FENCE.exec(line);
    if (fenceOpen?.[1]) {
      flushBlock();
      fence = fenceOpen[1].slice(0, 3);
      continue;
    }
    const heading = HEADING.exec(line);
    if (heading?.[1] && heading[2] !== undefined) {
      flushSection();
      const level = heading[1].length;
      while (stack.length > 0 && (stack[stack.length - 1]?.level ?? 0) >= level) stack.pop();
      stack.push({ level, text: inlineToText(heading[2]) });
      const path = stack.filter((h) => !(h.level === 1 && topLevel === 1 && stack.length > 1));
      current = { headingPath: path.map((h) => h.text).filter(Boolean), paragraphs: [] };
      continue;
    }
    if (line.trim() === '') flushBlock();
    else block.push(line);
  }
  // An unclosed fence still holds text the author wrote.
  if (fence !== null) current.paragraphs.push(block.join('\n').trim());
  block = fence !== null ? [] : block;
  flushSection();
  return sections.map((s) => ({ ...s, paragraphs: s.paragraphs.filter((p) => p.trim()) }));
}

function countTopLevelHeadings(lines: string[]): number {
  let fence = false;
  let count = 0;
  for (const line of lines) {
    if (FENCE.test(line)) fence = !fence;
    else if (!fence && /^\s{0,3}#\s/.test(line)) count++;
  }
  return count;
}

const TABLE_RULE = /^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)+\|?\s*$|^\s*\|\s*:?-{3,}:?\s*\|?\s*$/;

/** One Markdown block (lines between blank lines) as plain text: list items and table rows on their own lines. */
function blockToText(lines: string[]): string {
  const out: string[] = [];
  // A table has a rule line under its header; a lone `|` in prose is just a character.
  const isTable = lines.some((line) => TABLE_RULE.test(line));
  for (const raw of lines) {
    let line = raw.replace(/^\s{0,3}>\s?/, '');
    if (isTable && TABLE_RULE.test(line)) continue;
    if (/^\s*([-*_])(\s*\1){2,}\s*$/.test(line)) continue; // thematic break
    const item = /^\s*(?:[-*+]|\d+[.)])\s+(.*)$/.exec(line);
    if (item?.[1] !== undefined) {
      out.push(`- ${inlineToText(item[1])}`);
      continue;
    }
    if (isTable && line.includes('|')) {
      line = line
        .replace(/^\s*\||\|\s*$/g, '')
        .split('|')
        .map((cell) => inlineToText(cell))
        .filter(Boolean)
        .join(' · ');
      out.push(line);
      continue;
    }
    const text = inlineToText(line);
    if (!text) continue;
    // A continuation line belongs to the item or sentence above it.
    if (out.length > 0 && !/^\s/.test(raw.charAt(0)) && !out[out.length - 1]?.startsWith('- ')) {
      out[out.length - 1] = `${out[out.length - 1]} ${text}`;
    } else if (out.length > 0 && /^\s+\S/.test(raw) && out[out.length - 1]?.startsWith('- ')) {
      out[out.length - 1] = `${out[out.length - 1]} ${text}`;
    } else {
      out.push(text);
    }
  }
  return out.join('\n').trim();
}

/** Inline Markdown to the words a reader sees: code spans keep their content, links keep their text. */
export function inlineToText(text: string): string {
  return collapse(
    text
      .replace(/!\[([^\]]*)\]\([^)]*\)/g, '$1')
      .replace(/\[([^\]]+)\]\([^)]*\)/g, '$1')
      .replace(/\[([^\]]+)\]\[[^\]]*\]/g, '$1')
      .replace(/<\/?[a-zA-Z][^>]*>/g, ' ')
      .replace(/`+([^`]+?)`+/g, '$1')
      .replace(/(\*\*|__)(?=\S)(.+?)(?<=\S)\1/g, '$2')
      .replace(/(^|[^\w*])\*(?=\S)([^*]+?)(?<=\S)\*(?!\w)/g, '$1$2')
      .replace(/(^|[^\w])_(?=\S)([^_]+?)(?<=\S)_(?!\w)/g, '$1$2')
      .replace(/~~(.+?)~~/g, '$1')
      .replace(/\\([\\`*_{}[\]()#+\-.!|>~])/g, '$1'),
  );
}

/** Markdown as plain paragraphs separated by blank lines (headings kept as their own lines). */
export function markdownToPlainText(markdown: string): string {
  return markdownSections(markdown)
    .map((s) => [s.headingPath[s.headingPath.length - 1], ...s.paragraphs].filter(Boolean).join('\n\n'))
    .join('\n\n')
    .trim();
}

function paragraphsOf(text: string): string[] {
  return text.split(/\n{2,}/).filter((p) => p.trim());
}

/**
 * Packs paragraphs into passages of at most MAX_CHUNK_CHARS. A passage that follows a split
 * starts with the tail sentence of the one before (up to OVERLAP_CHARS). A paragraph longer than
 * the limit is cut at sentence, then line, then word boundaries.
 */
export function splitParagraphs(paragraphs: string[]): string[] {
  const pieces = paragraphs.flatMap((p) => (p.length <= MAX_CHUNK_CHARS ? [p] : cutLong(p)));
  const passages: string[] = [];
  let current = '';
  for (const piece of pieces) {
    if (!current) {
      current = piece;
    } else if (current.length + 2 + piece.length <= MAX_CHUNK_CHARS) {
      current = `${current}\n\n${piece}`;
    } else {
      passages.push(current);
      const overlap = tailSentence(current);
      current =
        overlap && overlap.length + 2 + piece.length <= MAX_CHUNK_CHARS ? `${overlap}\n\n${piece}` : piece;
    }
  }
  if (current) passages.push(current);
  return passages;
}

function tailSentence(text: string): string | null {
  // Only prose ends in a sentence; the last line of code or a table would be noise.
  const lastLine = text.slice(text.lastIndexOf('\n') + 1).replace(/^- /, '');
  if (!/[.!?]$/.test(lastLine)) return null;
  const sentences = lastLine.match(/[^.!?]+[.!?]+(?=\s|$)/g);
  const last = sentences?.[sentences.length - 1]?.trim();
  return last && last.length <= OVERLAP_CHARS && last.length < text.length ? last : null;
}

function cutLong(paragraph: string): string[] {
  const units = paragraph.includes('\n')
    ? paragraph.split('\n')
    : (paragraph.match(/[^.!?]+(?:[.!?]+|$)\s*/g) ?? [paragraph]);
  const out: string[] = [];
  let current = '';
  const separator = paragraph.includes('\n') ? '\n' : ' ';
  for (const raw of units) {
    const unit = separator === ' ' ? raw.trim() : raw;
    for (const part of unit.length > MAX_CHUNK_CHARS ? cutWords(unit) : [unit]) {
      if (current && current.length + 1 + part.length > MAX_CHUNK_CHARS) {
        out.push(current.trimEnd());
        current = part;
      } else {
        current = current ? `${current}${separator}${part}` : part;
      }
    }
  }
  if (current.trim()) out.push(current.trimEnd());
  return out;
}

function cutWords(text: string): string[] {
  const out: string[] = [];
  let current = '';
  for (const word of text.split(/\s+/)) {
    for (let i = 0; i < word.length; i += MAX_CHUNK_CHARS) {
      const part = word.slice(i, i + MAX_CHUNK_CHARS);
      if (current && current.length + 1 + part.length > MAX_CHUNK_CHARS) {
        out.push(current);
        current = part;
      } else {
        current = current ? `${current} ${part}` : part;
      }
    }
  }
  if (current) out.push(current);
  return out;
}

function collapse(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

// ---------------------------------------------------------------------------------------------
// WebVTT

export interface Cue {
  startSeconds: number;
  endSeconds: number;
  text: string;
}

const TIMING =
  /^\s*((?:\d+:)?\d{1,2}:\d{2}(?:[.,]\d{1,3})?)\s*-->\s*((?:\d+:)?\d{1,2}:\d{2}(?:[.,]\d{1,3})?)/;

/**
 * The cues of a WebVTT transcript, tolerant of what real files contain: a BOM, CRLF, cue
 * identifiers, `mm:ss.mmm` and `hh:mm:ss.mmm` times (and a comma instead of the dot), cue settings
 * after the timing, multi-line cues, NOTE/STYLE/REGION blocks, voice and styling tags, entities.
 * Blocks that are not cues are skipped rather than failing the whole transcript.
 */
export function parseWebVtt(vtt: string): Cue[] {
  const blocks = vtt
    .replace(/^\uFEFF/, '')
    .replace(/\r\n?/g, '\n')
    .split(/\n[ \t]*\n/);
  const cues: Cue[] = [];
  for (const block of blocks) {
    const lines = block.split('\n').filter((line) => line.trim() !== '');
    if (lines.length === 0) continue;
    const first = lines[0]?.trim() ?? '';
    if (/^(WEBVTT|NOTE|STYLE|REGION)(\s|$)/.test(first)) continue;
    const timingIndex = lines.findIndex((line) => line.includes('-->'));
    if (timingIndex < 0) continue;
    const timing = TIMING.exec(lines[timingIndex] ?? '');
    if (!timing?.[1] || !timing[2]) continue;
    const text = collapse(
      lines
        .slice(timingIndex + 1)
        .join(' ')
        .replace(/<[^>]*>/g, '')
        .replace(/&nbsp;/g, ' ')
        .replace(/&lt;/g, '<')
        .replace(/&gt;/g, '>')
        .replace(/&quot;/g, '"')
        .replace(/&#39;|&apos;/g, "'")
        .replace(/&amp;/g, '&'),
    );
    if (!text) continue;
    cues.push({ startSeconds: parseTimestamp(timing[1]), endSeconds: parseTimestamp(timing[2]), text });
  }
  return cues;
}

function parseTimestamp(stamp: string): number {
  const [clock = '0', fraction = '0'] = stamp.split(/[.,]/);
  const parts = clock.split(':').map(Number);
  const seconds = parts.reduce((total, part) => total * 60 + part, 0);
  return seconds + Number(`0.${fraction}`);
}

function transcriptDrafts(vtt: string): Draft[] {
  const drafts: Draft[] = [];
  let window: Cue[] = [];
  let chars = 0;
  const flush = () => {
    const start = window[0];
    if (start) {
      drafts.push({
        source: 'TRANSCRIPT',
        heading: null,
        text: window.map((cue) => cue.text).join(' '),
        startSeconds: Math.floor(start.startSeconds),
      });
    }
    window = [];
    chars = 0;
  };
  for (const cue of parseWebVtt(vtt)) {
    const start = window[0];
    if (
      start &&
      (cue.endSeconds - start.startSeconds > WINDOW_MAX_SECONDS ||
        chars + 1 + cue.text.length > WINDOW_MAX_CHARS)
    ) {
      flush();
    }
    window.push(cue);
    chars += cue.text.length + 1;
  }
  flush();
  return drafts;
}
