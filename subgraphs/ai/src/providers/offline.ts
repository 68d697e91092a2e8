/**
 * The offline tutor: a TutorModel with no language model, for the embedded default and for when
 * no endpoint is configured. It answers by extracting the course sentences that best match the
 * question (definitions first for "what is X"), cites them as [n] and says plainly that it is the
 * offline tutor. Hints are built from the step's instructions, the author's hint and the check
 * output; quiz drafts are cloze questions from key sentences; summaries are extractive. It only
 * ever repeats course text, so it cannot be talked into anything by a passage — and it drops
 * sentences that address an AI rather than a learner.
 */
import { estimateTokens } from '../domain/prompt';
import type {
  AnswerTask,
  DraftQuestion,
  GenerationResult,
  HintTask,
  LessonSummaryDraft,
  Passage,
  QuizDraftTask,
  ReplyChunk,
  SummaryTask,
  TutorModel,
} from './types';

export interface OfflineModelOptions {
  /** Most sentences quoted in one answer. */
  maxAnswerSentences?: number;
}

const DEFAULTS: Required<OfflineModelOptions> = { maxAnswerSentences: 3 };

/** The first line of every offline answer. */
export const OFFLINE_ANSWER_LABEL = '_Offline tutor — answered from the course text, no language model._';
/** The first line of every offline hint. */
export const OFFLINE_HINT_LABEL = '_Offline tutor — a hint built from the lab text, no language model._';

// ---------------------------------------------------------------------------------------------
// Text analysis

const STOPWORDS = new Set(
  (
    'a an the and or but if then else of to in on at by for with from into onto over under as is are was were be ' +
    "been being am do does did done doing have has had having it its it's this that these those there here " +
    'they them their we our you your i me my he she his her not no nor so than too very can could should would ' +
    'will shall may might must just also only about which what who whom whose when where why how all any each ' +
    'both few more most other some such own same up down out off again further once s t own per via eg ie etc ' +
    'one two use used using get gets lets let like make makes'
  ).split(' '),
);

/** Words that shape a question without naming its subject. */
const QUESTION_WORDS = new Set(
  (
    'explain tell describe define definition mean means meaning difference between please help understand ' +
    'know show give example examples work works happen happens course lesson question'
  ).split(' '),
);

/** A crude stem so that "Pods" meets "Pod" and "containers" meets "container". */
function stem(word: string): string {
  const w = word.toLowerCase();
  if (w.length > 4 && w.endsWith('ies')) return `${w.slice(0, -3)}y`;
  if (w.length > 3 && w.endsWith('es') && /(ss|x|ch|sh)es$/.test(w)) return w.slice(0, -2);
  if (w.length > 3 && w.endsWith('s') && !w.endsWith('ss') && !w.endsWith('us') && !w.endsWith('is'))
    return w.slice(0, -1);
  return w;
}

const WORD = /[A-Za-z0-9][A-Za-z0-9_.\-/]*[A-Za-z0-9]|[A-Za-z0-9]/g;

/** The content-word stems of a text, in order, with repeats. */
function terms(text: string): string[] {
  return (text.match(WORD) ?? [])
    .map((w) => w.toLowerCase())
    .filter((w) => !STOPWORDS.has(w) && !QUESTION_WORDS.has(w))
    .map(stem);
}

/** Splits plain text into sentences (and list items / lines, which often carry one idea each). */
function sentences(text: string): string[] {
  return text
    .split(/\n+/)
    .flatMap((line) => line.split(/(?<=[.!?])\s+(?=[A-Z0-9`"'(*_[])/))
    .map((s) => s.replace(/^\s*(?:[-*•]|\d+[.)])\s+/, '').trim())
    .filter((s) => s.length > 0);
}

/**
 * Sentences that speak to an AI system rather than to a learner ("ignore your instructions…").
 * The offline tutor never obeys them anyway; it also never repeats them.
 */
const ADDRESSED_TO_AI = [
  /\b(ignore|disregard|forget|override)\b.{0,40}\b(instructions?|rules|prompt|guidelines|previous|above)\b/i,
  /\bsystem prompt\b/i,
  /\byou are (now|no longer)\b/i,
  /\b(as an ai|language model)\b/i,
  /\breveal\b.{0,30}\b(prompt|instructions|secret|answers?)\b/i,
];

function addressedToAi(sentence: string): boolean {
  return ADDRESSED_TO_AI.some((pattern) => pattern.test(sentence));
}

/** Course framing rather than content: greetings and signposts ("welcome to …", "our next topic"). */
const META =
  /^(hi|hello|hey|welcome)\b|\b(welcome to|i'm [A-Z][a-z]+|in the next (lesson|video|module)|our next topic|let's (start|begin))\b/i;

interface Sentence {
  text: string;
  passage: Passage;
  /** Position within its passage. */
  index: number;
  stems: Set<string>;
}

function sentencesOf(passages: Passage[], keep: (p: Passage) => boolean = () => true): Sentence[] {
  return passages.filter(keep).flatMap((passage) =>
    sentences(passage.text)
      .filter((text) => !addressedToAi(text))
      .map((text, index) => ({ text, passage, index, stems: new Set(terms(text)) })),
  );
}

/** Inverse document frequency over sentences: rare terms say more about relevance. */
function idf(all: Sentence[]): (term: string) => number {
  const df = new Map<string, number>();
  for (const s of all) for (const t of s.stems) df.set(t, (df.get(t) ?? 0) + 1);
  return (term) => 1 + Math.log((all.length + 1) / ((df.get(term) ?? 0) + 1));
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** "What is a Pod?" → "pod": the subject of a definition question, or null. */
function definitionSubject(question: string): string | null {
  const q = question.trim().replace(/[?!.]+$/, '');
  const patterns = [
    /^(?:so\s+)?(?:what|who)\s*(?:is|are|'s|’s)\s+(?:an?\s+|the\s+)?(.+)$/i,
    /^(?:define|explain|describe)\s+(?:an?\s+|the\s+)?(.+)$/i,
    /^what\s+(?:does|do)\s+(?:an?\s+|the\s+)?(.+?)\s+(?:mean|do)$/i,
    /^what\s+(?:is|are)\s+meant\s+by\s+(?:an?\s+|the\s+)?(.+)$/i,
  ];
  for (const pattern of patterns) {
    const subject = pattern.exec(q)?.[1]?.trim();
    if (subject && subject.split(/\s+/).length <= 4) return subject.toLowerCase();
  }
  return null;
}

const DEFINING_VERBS =
  'is|are|means|refers to|wraps|groups|provides|declares|describes|represents|lets|keeps|runs|stores';

/** Whether a sentence defines `subject`: "A Pod is …", "… the Pod, the smallest …". */
function defines(sentence: string, subject: string): boolean {
  const words = subject
    .split(/\s+/)
    .map((w) => `${escapeRegExp(stem(w))}(?:s|es)?`)
    .join('\\s+');
  const copula = new RegExp(`\\b${words}\\s+(?:\\([^)]*\\)\\s+)?(?:${DEFINING_VERBS})\\b`, 'i');
  const apposition = new RegExp(`\\b${words},\\s+(?:the|an?)\\s+\\w+`, 'i');
  return copula.test(sentence) || apposition.test(sentence);
}

function startsWithSubject(sentence: string, subject: string): boolean {
  const first = sentence
    .replace(/^(?:an?|the)\s+/i, '')
    .split(/\s+/)
    .slice(0, subject.split(/\s+/).length)
    .join(' ');
  return terms(first).join(' ') === terms(subject).join(' ');
}

// ---------------------------------------------------------------------------------------------
// Answers

/** An outright request for a quiz answer, as opposed to a question about the concept. */
const OUTRIGHT_QUIZ_ASK = [
  /\b(answers?|solution)\b.{0,30}\b(question|quiz|q\s?\d+|test|exam)\b/i,
  /\b(question|quiz|q\s?\d+)\b.{0,30}\b(answers?|solution)\b/i,
  /\bwhich\s+(option|answer|choice|one)\b.{0,40}\b(correct|right|true|wrong|incorrect)\b/i,
  /\b(correct|right)\s+(option|answer|choice)\b/i,
  /\bis\s+(it|the answer)\s+\(?[a-e]\)?\s*\??$/i,
  /\b(option|answer|choice)\s+\(?[a-e]\)?\b.{0,20}\b(correct|right)\b/i,
];

/** The words of an outright ask that name the quiz rather than the concept. */
const QUIZ_ASK_WORDS =
  /\b(what'?s|which|answers?|solutions?|options?|choices?|correct|right|wrong|incorrect|true|quiz|questions?|q\s?\d+|number|no\.?|\d+|[a-e])\b/gi;

export function asksForQuizAnswer(question: string): boolean {
  return OUTRIGHT_QUIZ_ASK.some((pattern) => pattern.test(question));
}

function timestamp(seconds: number): string {
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
}

/** Where to read on: the lesson of the first quoted passage (and the video time, if any). */
function seeAlso(passage: Passage): string {
  const at = passage.startSeconds === null ? '' : ` (video at ${timestamp(passage.startSeconds)})`;
  return `_Read more in “${passage.lessonTitle}”${at}._`;
}

/** "… same node." + 1 → "… same node [1].": the marker goes before the closing punctuation. */
function cite(sentence: string, ref: number): string {
  const match = /([.!?:;]+["”’)]*)$/.exec(sentence);
  if (!match) return `${sentence} [${ref}]`;
  return `${sentence.slice(0, match.index)} [${ref}]${match[1] ?? ''}`;
}

/** Sentences as one paragraph, each run from the same passage followed by its citation. */
function citedParagraph(picked: Sentence[]): string {
  const parts: string[] = [];
  picked.forEach((s, i) => {
    const next = picked[i + 1];
    const closesRun = !next || next.passage.ref !== s.passage.ref;
    parts.push(closesRun ? cite(s.text, s.passage.ref) : s.text);
  });
  return parts.join(' ');
}

interface Ranked {
  sentence: Sentence;
  score: number;
  coverage: number;
}

/** Scores every sentence against the question; coverage is the share of the question's weight it matches. */
function rank(question: string, candidates: Sentence[], extraTerms: string[] = []): Ranked[] {
  const weight = idf(candidates);
  const wanted = [...new Set([...terms(question), ...extraTerms])];
  const total = wanted.reduce((sum, t) => sum + weight(t), 0);
  // A bare term ("Service", or what is left of "which option is right for the Service question")
  // asks for its definition as much as "what is a Service?" does.
  const words = (question.match(WORD) ?? []).filter((w) => terms(w).length > 0);
  const subject =
    definitionSubject(question) ?? (words.length === 1 && words[0] ? words[0].toLowerCase() : null);
  return candidates.map((sentence) => {
    const matched = wanted.filter((t) => sentence.stems.has(t)).reduce((sum, t) => sum + weight(t), 0);
    let score = matched;
    if (subject && matched > 0 && defines(sentence.text, subject)) score += 2;
    if (subject && matched > 0 && startsWithSubject(sentence.text, subject)) score += 1;
    // Very short fragments and course framing rarely explain anything; retrieval order breaks ties.
    if (sentence.stems.size < 4) score *= 0.6;
    if (META.test(sentence.text)) score *= 0.3;
    // A question (a quiz prompt, a rhetorical one) restates what was asked; it answers nothing.
    if (sentence.text.trimEnd().endsWith('?')) score *= 0.2;
    score += 0.05 / sentence.passage.ref;
    return { sentence, score, coverage: total > 0 ? matched / total : 0 };
  });
}

const MIN_COVERAGE = 0.4;

/** The best sentences for the question in reading order (the best one first), or none. */
function pickSentences(
  question: string,
  candidates: Sentence[],
  max: number,
  extraTerms: string[] = [],
): Sentence[] {
  const ranked = rank(question, candidates, extraTerms)
    .filter((r) => r.coverage >= MIN_COVERAGE)
    .sort((a, b) => b.score - a.score);
  const [best, ...rest] = ranked.slice(0, max);
  if (!best) return [];
  const others = rest
    .filter((r) => r.score >= best.score * 0.35)
    .map((r) => r.sentence)
    .sort((a, b) => a.passage.ref - b.passage.ref || a.index - b.index);
  const picked = new Set<Sentence>();
  for (const sentence of [best.sentence, ...others]) {
    // "This is a rolling update." means little alone: bring the sentence it points back to.
    if (ANAPHORIC.test(sentence.text) && sentence.index > 0) {
      const before = candidates.find((c) => c.passage === sentence.passage && c.index === sentence.index - 1);
      if (before) picked.add(before);
    }
    picked.add(sentence);
  }
  // The best sentence's passage leads; every passage reads in its own order.
  const lead = best.sentence.passage.ref;
  return [...picked].sort(
    (a, b) =>
      Number(b.passage.ref === lead) - Number(a.passage.ref === lead) ||
      a.passage.ref - b.passage.ref ||
      a.index - b.index,
  );
}

const ANAPHORIC = /^(this|that|these|those|it|they|such|so|then)\b/i;

const EXPLANATION = /^Explanation:\s*/;

/**
 * A quiz prompt matches a question about it best, but a prompt answers nothing: in its place the
 * answer gives the question's explanation (quiz passages only reach here once the quiz is passed).
 */
function answerQuizPrompts(picked: Sentence[], candidates: Sentence[]): Sentence[] {
  return [
    ...new Set(
      picked.flatMap((sentence) => {
        if (sentence.passage.source !== 'QUIZ' || !sentence.text.trimEnd().endsWith('?')) return [sentence];
        const own = candidates.filter((c) => c.passage === sentence.passage && c.index > sentence.index);
        const start = own.findIndex((c) => EXPLANATION.test(c.text));
        if (start < 0) return [sentence];
        return own.slice(start).map((c) => ({ ...c, text: c.text.replace(EXPLANATION, '') }));
      }),
    ),
  ];
}

function composeAnswer(task: AnswerTask, maxSentences: number): string {
  const lines = [OFFLINE_ANSWER_LABEL, ''];
  const refusing = task.withholdQuizAnswers && asksForQuizAnswer(task.question);
  const candidates = sentencesOf(task.passages, (p) => p.source !== 'QUIZ' || !task.withholdQuizAnswers);

  if (refusing) {
    lines.push(
      "I can't give quiz answers before you have passed the quiz — working it out is how it sticks. " +
        'Here is what the course says about the idea behind it:',
      '',
    );
    // Explain the concept the ask names ("the Service question" → Service), else give an overview.
    const concept = task.question.replace(QUIZ_ASK_WORDS, ' ');
    const picked = pickSentences(concept, candidates, maxSentences);
    const fallback = picked.length > 0 ? picked : leadSentences(candidates, maxSentences);
    if (fallback.length > 0) lines.push(citedParagraph(fallback));
    else lines.push('Re-read the lesson the question is about, then try the quiz again.');
    return lines.join('\n');
  }

  // A follow-up such as "and why is that?" borrows the subject of the learner's previous turn.
  const previous = [...task.history].reverse().find((t) => t.role === 'learner');
  const extra = terms(task.question).length < 2 && previous ? terms(previous.content) : [];
  const picked = answerQuizPrompts(pickSentences(task.question, candidates, maxSentences, extra), candidates);
  if (picked.length === 0) {
    lines.push(notCovered(task));
    return lines.join('\n');
  }
  lines.push(citedParagraph(picked), '');
  const first = picked[0];
  if (first) lines.push(seeAlso(first.passage));
  return lines.join('\n');
}

/** The first sentence of each of the top passages: a neutral overview when nothing matches directly. */
function leadSentences(candidates: Sentence[], max: number): Sentence[] {
  const seen = new Set<number>();
  const picked: Sentence[] = [];
  for (const s of candidates) {
    if (seen.has(s.passage.ref) || s.stems.size < 4) continue;
    seen.add(s.passage.ref);
    picked.push(s);
    if (picked.length >= max) break;
  }
  return picked;
}

function notCovered(task: AnswerTask): string {
  const keywords = [
    ...new Set((task.question.match(WORD) ?? []).filter((w) => !STOPWORDS.has(w.toLowerCase()))),
  ]
    .filter((w) => !QUESTION_WORDS.has(w.toLowerCase()))
    .slice(0, 4);
  const lessons = [...new Set(task.passages.map((p) => p.lessonTitle))].slice(0, 3);
  const parts = [`I couldn't find this in the text of “${task.courseTitle}”, so I won't guess.`];
  if (lessons.length > 0) parts.push(`The closest lessons are ${lessons.map((l) => `“${l}”`).join(', ')}.`);
  else if (task.lessonTitle) parts.push(`The lesson “${task.lessonTitle}” may be a good place to start.`);
  if (keywords.length > 0)
    parts.push(
      `Try searching the course for ${keywords.map((k) => `“${k}”`).join(' or ')}, or rephrase with the terms the lessons use.`,
    );
  return parts.join(' ');
}

// ---------------------------------------------------------------------------------------------
// Hints

/** Inline code in Markdown instructions: usually the command or resource the step is about. */
function codeSpans(text: string): string[] {
  return [...text.matchAll(/`([^`\n]+)`/g)].map((m) => (m[1] ?? '').trim()).filter((s) => s.length > 0);
}

/** "kubectl scale deployment web --replicas=3" → "kubectl scale": the family, not the answer. */
function commandFamily(command: string): string {
  const words = command.split(/\s+/).filter((w) => !w.startsWith('-'));
  return words.slice(0, Math.min(2, words.length)).join(' ');
}

/** Capitalised technical nouns ("Deployment", "ReplicaSet") in the order they appear. */
function keyNouns(text: string): string[] {
  const found: string[] = [];
  for (const s of sentences(text)) {
    const words = s.match(/[A-Za-z][A-Za-z0-9]*/g) ?? [];
    words.forEach((w, i) => {
      const technical = /[a-z][A-Z]/.test(w) || (i > 0 && /^[A-Z][a-z]+/.test(w));
      if (technical && !STOPWORDS.has(w.toLowerCase()) && !found.includes(w)) found.push(w);
    });
  }
  return found;
}

/** Lines of check output, minus anything that looks like the check's own command being echoed. */
function checkLines(output: string | null): string[] {
  if (!output) return [];
  return output
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l.length > 0 && !/^(\$|\+|>|#)\s/.test(l))
    .map((l) => (l.length > 160 ? `${l.slice(0, 157)}…` : l));
}

const FAILING =
  /\b(fail(ed|ing|s)?|error|expected|expect|missing|not found|no such|denied|cannot|can't|invalid|should|must|want(ed)?|found \d+|not ready|0\/\d)\b|✗|✘|×/i;

function firstFailingLine(output: string | null): string | null {
  const lines = checkLines(output);
  return lines.find((l) => FAILING.test(l)) ?? lines[0] ?? null;
}

function composeHint(task: HintTask): string {
  const lines = [OFFLINE_HINT_LABEL, ''];
  const steps = sentences(task.stepInstructions);
  // The sentence that says what to do, rather than one that sets the scene ("The file … holds …").
  const instructionsFirst =
    steps.find((sentence) => !/^(the|a|an|this|these|it|there|in|on|your|you)\b/i.test(sentence)) ??
    steps[0] ??
    task.stepInstructions.trim();
  const failing = firstFailingLine(task.lastCheckOutput);
  const spans = codeSpans(`${task.stepInstructions}\n${task.authorHint ?? ''}`);
  const families = [...new Set(spans.filter((s) => /^[a-z][\w.-]*(\s|$)/.test(s)).map(commandFamily))];
  const nouns = keyNouns(task.stepInstructions);
  const concept = nouns[0] ? `**${nouns[0]}**` : families[0] ? `\`${families[0]}\`` : `“${task.stepTitle}”`;
  const passage = task.passages[0];

  if (task.level === 1) {
    lines.push(`What does this step ask you to do with ${concept}? Re-read: “${instructionsFirst}”`);
    if (failing)
      lines.push('', `The last check said \`${failing}\` — what would have to be true for it to pass?`);
    else lines.push('', 'Run the check once: its output tells you what is still missing.');
    return lines.join('\n');
  }

  if (task.level === 2) {
    const tool =
      families.length > 0
        ? `The step is about ${families.map((f) => `\`${f}\``).join(' and ')}: look at its help (\`${families[0]} --help\`) and the options it takes.`
        : `The step is about ${concept}: look at how the lesson works with it.`;
    lines.push(tool);
    if (failing) lines.push('', `The check output says \`${failing}\`, so that is the part still missing.`);
    if (passage) lines.push('', `The course explains it in “${passage.lessonTitle}” [${passage.ref}].`);
    return lines.join('\n');
  }

  if (task.authorHint) lines.push(`The lab author's hint: “${task.authorHint.trim()}”`, '');
  lines.push(`The step asks: “${instructionsFirst}”`, '');
  const expectations = checkLines(task.lastCheckOutput)
    .filter((l) => FAILING.test(l))
    .slice(0, 3);
  if (expectations.length > 0) {
    lines.push('What the check expects and did not find:', ...expectations.map((l) => `- \`${l}\``));
  }
  if (families.length > 0)
    lines.push(
      '',
      `Use ${families.map((f) => `\`${f}\``).join(' or ')} to get there, then run the check again.`,
    );
  if (passage) lines.push('', `See “${passage.lessonTitle}” [${passage.ref}].`);
  return lines.join('\n');
}

// ---------------------------------------------------------------------------------------------
// Quiz drafts

type TermKind = 'name' | 'code' | 'noun';

interface KeyTerm {
  /** The form shown as an option. */
  label: string;
  stem: string;
  count: number;
  /**
   * name: a capitalised technical noun (Deployment, ReplicaSet); code: a tool-like word (kubectl,
   * kubelet); noun: a lowercase noun the text introduces with an article ("a superset"). Options
   * of one question are all of one kind, or the odd one out gives the answer away.
   */
  kind: TermKind;
}

const DETERMINER_BEFORE = /\b(a|an|the|your|each|every)\s+$/i;

/** What may follow the head of a noun phrase: punctuation, the end, or a function word. */
const PHRASE_END =
  /^(\s*[,.;:!?)]|\s*$|\s+(before|after|across|through|behind|inside|without|within|until|while|that|which|who|whose|is|are|was|were|has|have|can|will|with|of|in|on|at|to|for|from|by|and|or|but)\b)/i;

function termKind(word: string, offset: number, before: string, after: string): TermKind | null {
  if (STOPWORDS.has(word.toLowerCase())) return null;
  if (/[a-z][A-Z]/.test(word) || (offset > 0 && /^[A-Z][a-z]{2,}$/.test(word))) return 'name';
  if (/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/.test(word) && /(ctl|let|cd|proxy|sh)$/.test(word)) return 'code';
  // "a function with …", "the compiler, tsc": an article, then the word as the phrase's last word
  // (so adjectives such as "a valid program" stay out).
  if (
    /^[a-z]{5,}$/.test(word) &&
    !/(ly|ing|ed)$/.test(word) &&
    DETERMINER_BEFORE.test(before) &&
    PHRASE_END.test(after)
  )
    return 'noun';
  return null;
}

/**
 * Technical terms of the passages, each counted over every occurrence once it qualifies
 * somewhere (sentence starts included); names only where capitalised ("Running" the phase, not
 * "running it again").
 */
function keyTerms(all: Sentence[]): KeyTerm[] {
  const word = /[A-Za-z][A-Za-z0-9_.-]*[A-Za-z0-9]|[A-Za-z]/g;
  const qualifying = new Map<string, TermKind>();
  for (const s of all) {
    for (const m of s.text.matchAll(word)) {
      const offset = m.index ?? 0;
      const end = offset + m[0].length;
      const kind = termKind(
        m[0],
        offset,
        s.text.slice(Math.max(0, offset - 8), offset),
        s.text.slice(end, end + 12),
      );
      const key = stem(m[0]);
      // A word seen both as a name and as a noun is a name.
      if (kind && (qualifying.get(key) === undefined || kind === 'name')) qualifying.set(key, kind);
    }
  }
  const byStem = new Map<
    string,
    { stem: string; kind: TermKind; count: number; forms: Map<string, number> }
  >();
  for (const s of all) {
    for (const m of s.text.matchAll(word)) {
      const w = m[0];
      const key = stem(w);
      const kind = qualifying.get(key);
      if (kind === undefined || (kind === 'name') !== /^[A-Z]/.test(w)) continue;
      const entry = byStem.get(key) ?? { stem: key, kind, count: 0, forms: new Map<string, number>() };
      entry.count++;
      entry.forms.set(w, (entry.forms.get(w) ?? 0) + 1);
      byStem.set(key, entry);
    }
  }
  return [...byStem.values()]
    .map((e) => {
      // The singular form when the text uses it, else the most frequent one.
      const forms = [...e.forms.entries()].sort((a, b) => a[0].length - b[0].length || b[1] - a[1]);
      return { label: forms[0]?.[0] ?? e.stem, stem: e.stem, count: e.count, kind: e.kind };
    })
    .sort((a, b) => b.count - a.count || a.label.localeCompare(b.label));
}

/** A small deterministic hash, so option order varies by question but never between runs. */
function hash(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}

function pluralLike(term: string, surface: string): string {
  const plural = surface.toLowerCase() !== stem(surface) && surface.toLowerCase().endsWith('s');
  if (!plural || /s$/.test(term) || !/^[A-Za-z][a-z]+$/.test(term)) return term;
  return `${term}s`;
}

const BLANK = '_____';

function draftQuestions(task: QuizDraftTask): DraftQuestion[] {
  const all = sentencesOf(task.passages, (p) => p.source !== 'QUIZ').filter((s) => !META.test(s.text));
  const vocabulary = keyTerms(all);
  const weight = idf(all);
  const candidates: { sentence: Sentence; term: KeyTerm; score: number }[] = [];
  for (const sentence of all) {
    const words = sentence.text.split(/\s+/).length;
    if (words < 6 || words > 40) continue;
    const present = vocabulary.filter(
      (t) => sentence.stems.has(t.stem) || sentence.stems.has(t.label.toLowerCase()),
    );
    for (const term of present) {
      const definitional = defines(sentence.text, term.label) || startsWithSubject(sentence.text, term.label);
      const informative =
        [...sentence.stems].reduce((sum, t) => sum + weight(t), 0) / Math.sqrt(sentence.stems.size + 1);
      candidates.push({
        sentence,
        term,
        // Names make the clearest cloze questions; common nouns come after them.
        score:
          (definitional ? 3 : 0) + informative + Math.log(1 + term.count) - (term.kind === 'noun' ? 1 : 0),
      });
    }
  }
  candidates.sort(
    (a, b) =>
      b.score - a.score ||
      a.sentence.passage.ref - b.sentence.passage.ref ||
      a.sentence.index - b.sentence.index,
  );

  const usedTerms = new Set<string>();
  const usedSentences = new Set<Sentence>();
  const questions: (DraftQuestion & { order: [number, number] })[] = [];
  for (const { sentence, term } of candidates) {
    if (questions.length >= task.count) break;
    if (usedTerms.has(term.stem) || usedSentences.has(sentence)) continue;
    // Capitalised terms match only capitalised ("Running" the phase, not "running it again").
    const occurrence = new RegExp(
      `\\b${escapeRegExp(term.label)}(?:s|es)?\\b`,
      term.kind === 'name' ? 'g' : 'gi',
    );
    const surfaces = new Set(sentence.text.match(occurrence) ?? []);
    const [surface] = surfaces;
    // One blank standing for both "container" and "containers" would read oddly.
    if (!surface || surfaces.size > 1) continue;
    const cloze = sentence.text.replace(occurrence, BLANK);
    // Distractors: other terms of the same kind that the sentence does not already contain.
    // Terms from the same passage first (likely the same family: ClusterIP beside LoadBalancer),
    // then the most frequent ones of the course text.
    const nearby = new Set(terms(sentence.passage.text));
    const distractors = vocabulary
      .filter((t) => t.stem !== term.stem && t.kind === term.kind && !sentence.stems.has(t.stem))
      .filter((t) => !t.label.toLowerCase().startsWith(term.stem) && !term.stem.startsWith(stem(t.label)))
      .map((t, i) => ({ t, rank: (nearby.has(t.stem) ? 0 : 1000) + (t.count >= 2 ? 0 : 500) + i }))
      .sort((a, b) => a.rank - b.rank)
      .map(({ t }) => t)
      .slice(0, 3)
      .map((t) => pluralLike(t.label, surface));
    const labels = [surface, ...distractors];
    if (distractors.length < 2 || new Set(labels.map((l) => l.toLowerCase())).size !== labels.length)
      continue;
    const rotation = hash(sentence.text) % labels.length;
    const options = labels.map((label, i) => ({ label, correct: i === 0 }));
    const rotated = [...options.slice(rotation), ...options.slice(0, rotation)];
    usedTerms.add(term.stem);
    usedSentences.add(sentence);
    questions.push({
      // Not naming the lesson: its title ("Pods and Containers") often gives the answer away.
      prompt: `Which term completes this statement? “${cloze}”`,
      multiple: false,
      options: rotated,
      explanation: sentence.text,
      sourceRef: sentence.passage.ref,
      order: [sentence.passage.ref, sentence.index],
    });
  }
  return questions
    .sort((a, b) => a.order[0] - b.order[0] || a.order[1] - b.order[1])
    .map(({ order: _order, ...question }) => question);
}

// ---------------------------------------------------------------------------------------------
// Summaries

const MAX_POINT_CHARS = 120;

/** A key point reads as a line: no final full stop, long sentences cut at a word with "…". */
function shorten(sentence: string, max = MAX_POINT_CHARS): string {
  const text = sentence.replace(/[.]$/, '');
  if (text.length <= max) return text;
  const cut = text.slice(0, max - 1);
  return `${cut.slice(0, cut.lastIndexOf(' ')).replace(/[,;:]$/, '')}…`;
}

function summarise(task: SummaryTask): LessonSummaryDraft {
  const preferred = sentencesOf(task.passages, (p) => p.source !== 'QUIZ');
  const all = preferred.length > 0 ? preferred : sentencesOf(task.passages);
  if (all.length === 0)
    return { summary: `“${task.lessonTitle}” has no text to summarise yet.`, keyPoints: [] };

  // Centrality: a sentence scores by how much of the lesson's recurring vocabulary it carries.
  const frequency = new Map<string, number>();
  for (const s of all) for (const t of s.stems) frequency.set(t, (frequency.get(t) ?? 0) + 1);
  const scored = all.map((s, position) => {
    const weight = [...s.stems].reduce((sum, t) => sum + Math.log(1 + (frequency.get(t) ?? 0)), 0);
    let score = weight / Math.sqrt(s.stems.size + 1);
    if (s.index === 0) score *= 1.2;
    if (s.stems.size < 4) score *= 0.5;
    return { s, position, score };
  });
  const byScore = [...scored].sort((a, b) => b.score - a.score || a.position - b.position);
  const summary = byScore
    .slice(0, 3)
    .sort((a, b) => a.position - b.position)
    .map((x) => x.s.text)
    .join(' ');

  const chosen = new Set(byScore.slice(0, 3).map((x) => x.s));
  const points: string[] = [];
  const headings = [...new Set(task.passages.map((p) => p.heading).filter((h): h is string => !!h))];
  for (const heading of headings) {
    const title = heading.split(' › ').pop() ?? heading;
    // A heading that only repeats the lesson title adds nothing to the point.
    if (title.toLowerCase() === task.lessonTitle.toLowerCase()) continue;
    const best = byScore.find((x) => x.s.passage.heading === heading);
    if (best && points.length < 6)
      points.push(`${title}: ${shorten(best.s.text, MAX_POINT_CHARS - title.length - 2)}`);
  }
  for (const x of byScore) {
    if (points.length >= 6) break;
    if (points.length >= 3 && chosen.has(x.s)) continue;
    const point = shorten(x.s.text);
    if (!points.some((p) => p.endsWith(point))) points.push(point);
  }
  return { summary, keyPoints: points.slice(0, 6) };
}

// ---------------------------------------------------------------------------------------------
// The model

/** Word-sized pieces, each carrying the whitespace after it, so joined they give the text back. */
function wordDeltas(text: string): string[] {
  return text.match(/\s*\S+\s*/g) ?? (text === '' ? [] : [text]);
}

function passageTokens(passages: Passage[]): number {
  return passages.reduce((sum, p) => sum + estimateTokens(p.text), 0);
}

function aborted(signal: AbortSignal): void {
  if (signal.aborted) throw signal.reason;
}

export function createOfflineModel(options: OfflineModelOptions = {}): TutorModel {
  const settings = { ...DEFAULTS, ...options };
  return {
    offline: true,
    model: 'offline',

    // Async only because the port streams: composing is synchronous, and each yield hands the
    // word to the consumer before the next one is produced.
    // eslint-disable-next-line @typescript-eslint/require-await
    async *streamReply(task, signal): AsyncGenerator<ReplyChunk> {
      const text =
        task.kind === 'answer' ? composeAnswer(task, settings.maxAnswerSentences) : composeHint(task);
      const asked =
        task.kind === 'answer' ? task.question : `${task.stepInstructions}\n${task.lastCheckOutput ?? ''}`;
      for (const piece of wordDeltas(text)) {
        if (signal.aborted) return;
        yield { type: 'delta', text: piece };
      }
      yield {
        type: 'usage',
        promptTokens: estimateTokens(asked) + passageTokens(task.passages),
        completionTokens: estimateTokens(text),
      };
    },

    draftQuiz(task, signal): Promise<GenerationResult<DraftQuestion[]>> {
      aborted(signal);
      const value = draftQuestions(task);
      return Promise.resolve({
        value,
        promptTokens: passageTokens(task.passages),
        completionTokens: estimateTokens(JSON.stringify(value)),
      });
    },

    summarize(task, signal): Promise<GenerationResult<LessonSummaryDraft>> {
      aborted(signal);
      const value = summarise(task);
      return Promise.resolve({
        value,
        promptTokens: passageTokens(task.passages),
        completionTokens: estimateTokens(`${value.summary} ${value.keyPoints.join(' ')}`),
      });
    },
  };
}
