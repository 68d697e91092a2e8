/**
 * Offline retrieval without a model: a tokenizer for course text and a lexical embedder that
 * hashes terms into a fixed-size vector (feature hashing), so the same vector store serves a real
 * embedding model and this one.
 *
 * Weighting. A document vector holds sublinear term frequencies (1 + ln tf) of its stemmed words
 * and of its adjacent word pairs, L2-normalised. Rare words should count more than common ones,
 * but an embedder sees one text at a time and cannot know how rare a word is in the course. So
 * the IDF half of tf-idf is applied on the query side: the retriever counts, per course, how many
 * passages have each hashed feature (that count is persisted with the index), multiplies the query
 * vector by BM25's idf per feature and re-normalises. The dot product with the stored document
 * vectors is then tf-idf cosine up to a per-query constant, which does not change the ranking.
 * `termFeatures: true` on the embedder tells the retriever to do this.
 */
import { createHash } from 'node:crypto';
import type { Embedder } from '../providers/types';

/** Common English words that carry no topic; question words included, as learners ask questions. */
export const STOP_WORDS: ReadonlySet<string> = new Set(
  (
    'a about above after again against all am an and any are as at be because been before being below ' +
    'between both but by can could did do does doing down during each few for from further had has have ' +
    'having he her here hers herself him himself his how i if in into is it its itself just me more most my ' +
    'myself no nor not now of off on once only or other our ours ourselves out over own same she should so ' +
    'some such than that the their theirs them themselves then there these they this those through to too ' +
    'under until up very was we were what when where which while who whom why will with would you your yours ' +
    'yourself yourselves also get gets got let lets like use used using one two way ways thing things ' +
    'really something anything s t ll ve re d m don doesn isn aren won didn shouldn cannot tell explain ' +
    'mean means meaning difference work works'
  ).split(' '),
);

/**
 * Words in reading order, lower-cased and stemmed, stop words removed. Technical tokens stay whole
 * (`node.js`, `kube-apiserver`, `spec.selector`, `--force`, `c++`) and are also split into their
 * parts, and camelCase words give their parts too, so `matchLabels` meets "match labels".
 */
export function tokenize(text: string): string[] {
  const tokens: string[] = [];
  // NFKC folds ligatures and full-width forms; ASCII text (most of it) has none.
  // eslint-disable-next-line no-control-regex
  const normalized = /[^\x00-\x7f]/.test(text) ? text.normalize('NFKC') : text;
  for (const match of normalized.matchAll(/-{0,2}[\p{L}\p{N}]+(?:[._\-/:][\p{L}\p{N}]+)*[+#]*/gu)) {
    const raw = match[0].replace(/^-+/, '');
    const word = raw.toLowerCase();
    if (/[._\-/:]/.test(word)) {
      if (!isNoise(word)) tokens.push(word);
      for (const part of word.split(/[._\-/:]+/)) pushWord(tokens, part);
      continue;
    }
    pushWord(tokens, word);
    if (word !== raw && /\p{Ll}\p{Lu}/u.test(raw)) {
      for (const part of raw.split(/(?<=[\p{Ll}\p{N}])(?=\p{Lu})/u)) pushWord(tokens, part.toLowerCase());
    }
  }
  return tokens;
}

/** Stems of words seen before (null: dropped); bounded, as the vocabulary of a catalog is. */
const wordCache = new Map<string, string | null>();
const WORD_CACHE_LIMIT = 100_000;

function pushWord(tokens: string[], word: string): void {
  let stemmed = wordCache.get(word);
  if (stemmed === undefined) {
    stemmed = STOP_WORDS.has(word) || isNoise(word) ? null : stem(word);
    if (wordCache.size >= WORD_CACHE_LIMIT) wordCache.clear();
    wordCache.set(word, stemmed);
  }
  if (stemmed !== null) tokens.push(stemmed);
}

/** Single characters and bare long numbers (ports, timestamps) say little about a topic. */
function isNoise(word: string): boolean {
  return word.length < 2 || /^\d{5,}$/.test(word);
}

/**
 * A light suffix stripper: plurals, -ing, -ed and a final -e, so "replicas"/"replica",
 * "running"/"run", "named"/"name" meet. Deliberately conservative: a wrong merge costs more than a
 * missed one, and the titles learners type are mostly nouns.
 */
export function stem(word: string): string {
  if (word.length <= 3 || !/^\p{L}+$/u.test(word)) return word;
  let w = word;
  if (w.endsWith('ies') && w.length > 4) w = `${w.slice(0, -3)}y`;
  else if (/(sses|xes|zes|ches|shes)$/.test(w)) w = w.slice(0, -2);
  else if (w.endsWith('s') && !/(ss|us|is)$/.test(w)) w = w.slice(0, -1);
  if (w.endsWith('ing') && w.length >= 6) w = undouble(w.slice(0, -3));
  else if (w.endsWith('ed') && w.length >= 5) w = undouble(w.slice(0, -2));
  if (w.endsWith('e') && w.length > 3) w = w.slice(0, -1);
  return w;
}

function undouble(w: string): string {
  return /([^aeiouls])\1$/.test(w) ? w.slice(0, -1) : w;
}

/** Hashed features of a text with their raw counts: stems, plus adjacent pairs at half weight. */
export function termFeatures(text: string, dimensions: number): Map<number, number> {
  const tokens = tokenize(text);
  const counts = new Map<number, number>();
  const add = (term: string, weight: number) => {
    const feature = hashTerm(term, dimensions);
    counts.set(feature, (counts.get(feature) ?? 0) + weight);
  };
  tokens.forEach((token, i) => {
    add(token, 1);
    const next = tokens[i + 1];
    if (next !== undefined) add(`${token} ${next}`, BIGRAM_WEIGHT);
  });
  return counts;
}

const BIGRAM_WEIGHT = 0.5;

/** FNV-1a over UTF-16 code units: fast, stable across processes and machines. */
export function hashTerm(term: string, dimensions: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < term.length; i++) {
    hash ^= term.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % dimensions;
}

/** Sublinear term frequency, L2-normalised; a text with no words is the zero vector. */
export function lexicalVector(text: string, dimensions: number): number[] {
  const vector = new Array<number>(dimensions).fill(0);
  const weights = new Map<number, number>();
  let norm = 0;
  for (const [feature, count] of termFeatures(text, dimensions)) {
    const weight = count >= 1 ? 1 + Math.log(count) : count;
    weights.set(feature, weight);
    norm += weight * weight;
  }
  if (norm === 0) return vector;
  const scale = 1 / Math.sqrt(norm);
  for (const [feature, weight] of weights) vector[feature] = weight * scale;
  return vector;
}

export interface LexicalEmbedderOptions {
  /** Hashed feature space; more dimensions, fewer collisions, bigger dense copies in Qdrant. */
  dimensions?: number;
}

export const DEFAULT_LEXICAL_DIMENSIONS = 4096;

/** The offline embedder. Its id names the tokenizer version, so changing the tokenizer rebuilds indexes. */
export function createLexicalEmbedder(options: LexicalEmbedderOptions = {}): Embedder {
  const dimensions = options.dimensions ?? DEFAULT_LEXICAL_DIMENSIONS;
  if (!Number.isInteger(dimensions) || dimensions < 16 || dimensions > 65_536) {
    throw new RangeError(`lexical embedder dimensions must be an integer in 16..65536, got ${dimensions}`);
  }
  return {
    id: `lexical-v1-${TOKENIZER_FINGERPRINT}-${dimensions}`,
    dimensions,
    termFeatures: true,
    embedDocuments: (texts) => Promise.resolve(texts.map((text) => lexicalVector(text, dimensions))),
    embedQuery: (text) => Promise.resolve(lexicalVector(text, dimensions)),
  };
}

/** Changes whenever the stop list changes, so an index built with another list is rebuilt. */
const TOKENIZER_FINGERPRINT = createHash('sha1')
  .update([...STOP_WORDS].join(' '))
  .digest('hex')
  .slice(0, 8);

/**
 * BM25's idf, always positive: how much a feature found in `documentFrequency` of `documents`
 * passages should count in a query.
 */
export function inverseDocumentFrequency(documentFrequency: number, documents: number): number {
  return Math.log(1 + (documents - documentFrequency + 0.5) / (documentFrequency + 0.5));
}
