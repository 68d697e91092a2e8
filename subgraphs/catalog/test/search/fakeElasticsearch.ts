/**
 * A local test server speaking the subset of the Elasticsearch 8 REST API the course search
 * adapter uses, so the adapter's real requests go through the real @elastic/elasticsearch client:
 * HEAD/PUT/DELETE an index, `_bulk` (NDJSON index/delete, refresh), `_refresh`, and `_search` with
 * bool / multi_match (best_fields) / match_bool_prefix / term, sort, from/size, track_total_hits.
 *
 * It checks what a real node would reject (unknown query shapes, strict mappings, result windows
 * past 10 000, wrong bulk content type) and answers 400 in ES's error shape. Writes become visible
 * only on refresh, as in Elasticsearch (minus the 1 s periodic refresh), so an adapter that forgets
 * `refresh` fails here too. Scoring is simple on purpose: term frequency x field boost, fuzzy
 * matches at half weight, best field wins; the `english` analyzer is lowercase + stop words
 * without stemming.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ENGLISH_STOP_WORDS } from '../../src/search/text';

type Json = Record<string, unknown>;
type FieldMapping = { type: string; analyzer?: string };

export interface FakeIndex {
  mappings: { dynamic?: unknown; properties: Record<string, FieldMapping> };
  /** Documents searches see. */
  visible: Map<string, Json>;
  /** Documents as last written (visible after the next refresh); null = deleted. */
  pending: Map<string, Json | null>;
}

export interface RecordedRequest {
  method: string;
  path: string;
  params: Record<string, string>;
  contentType: string | undefined;
  body: string;
}

export interface FakeElasticsearch {
  readonly url: string;
  readonly indices: Map<string, FakeIndex>;
  readonly requests: RecordedRequest[];
  /** The next request with this method gets this answer instead (to exercise failure paths). */
  failNext(method: string, status: number, body: Json): void;
  close(): Promise<void>;
}

class EsError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    reason: string,
  ) {
    super(reason);
  }
}

const MAX_RESULT_WINDOW = 10_000;

export async function startFakeElasticsearch(): Promise<FakeElasticsearch> {
  const indices = new Map<string, FakeIndex>();
  const requests: RecordedRequest[] = [];
  const failures: { method: string; status: number; body: Json }[] = [];

  const server = createServer((req, res) => {
    void handle(req, res).catch((error: unknown) => {
      const esError = error instanceof EsError ? error : new EsError(500, 'exception', String(error));
      reply(req, res, esError.status, {
        error: {
          root_cause: [{ type: esError.type, reason: esError.message }],
          type: esError.type,
          reason: esError.message,
        },
        status: esError.status,
      });
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req as AsyncIterable<Buffer>) chunks.push(chunk);
    const url = new URL(req.url ?? '/', 'http://fake');
    const method = req.method ?? 'GET';
    const recorded: RecordedRequest = {
      method,
      path: url.pathname,
      params: Object.fromEntries(url.searchParams),
      contentType: req.headers['content-type'],
      body: Buffer.concat(chunks).toString('utf8'),
    };
    requests.push(recorded);

    const failure = failures.findIndex((f) => f.method === method);
    const injected = failure === -1 ? undefined : failures.splice(failure, 1)[0];
    if (injected) return reply(req, res, injected.status, injected.body);

    const segments = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    const [first, second] = segments;
    if (segments.length === 1 && first === '_bulk' && (method === 'POST' || method === 'PUT')) {
      return reply(req, res, 200, bulk(recorded, undefined));
    }
    if (segments.length === 1 && first && !first.startsWith('_')) {
      if (method === 'HEAD') return reply(req, res, indices.has(first) ? 200 : 404, undefined);
      if (method === 'PUT') return reply(req, res, 200, createIndex(first, parseJson(recorded.body)));
      if (method === 'DELETE') {
        if (!indices.delete(first))
          throw new EsError(404, 'index_not_found_exception', `no such index [${first}]`);
        return reply(req, res, 200, { acknowledged: true });
      }
    }
    if (segments.length === 2 && first && !first.startsWith('_')) {
      if (second === '_bulk' && (method === 'POST' || method === 'PUT'))
        return reply(req, res, 200, bulk(recorded, first));
      if (second === '_refresh' && (method === 'POST' || method === 'GET')) {
        refresh(indexNamed(first));
        return reply(req, res, 200, { _shards: { total: 1, successful: 1, failed: 0 } });
      }
      if (second === '_search' && (method === 'POST' || method === 'GET')) {
        return reply(req, res, 200, search(indexNamed(first), first, parseJson(recorded.body)));
      }
    }
    throw new EsError(
      400,
      'fake_unsupported_request',
      `fakeElasticsearch does not serve ${method} ${url.pathname}`,
    );
  }

  function createIndex(name: string, body: Json): Json {
    if (indices.has(name)) {
      throw new EsError(400, 'resource_already_exists_exception', `index [${name}/fake] already exists`);
    }
    const mappings = body.mappings as FakeIndex['mappings'] | undefined;
    if (!mappings || typeof mappings.properties !== 'object') {
      throw new EsError(
        400,
        'fake_unsupported_request',
        'fakeElasticsearch expects explicit mappings.properties',
      );
    }
    indices.set(name, { mappings, visible: new Map(), pending: new Map() });
    return { acknowledged: true, shards_acknowledged: true, index: name };
  }

  function indexNamed(name: string): FakeIndex {
    const index = indices.get(name);
    if (!index) throw new EsError(404, 'index_not_found_exception', `no such index [${name}]`);
    return index;
  }

  function bulk(request: RecordedRequest, pathIndex: string | undefined): Json {
    if (!request.contentType?.includes('x-ndjson')) {
      throw new EsError(406, 'media_type_header_exception', 'bulk requests need an NDJSON content type');
    }
    const lines = request.body.split('\n').filter((line) => line.trim() !== '');
    const items: Json[] = [];
    let errors = false;
    for (let i = 0; i < lines.length; i++) {
      const action = parseJson(lines[i] ?? '');
      const [type, meta] = Object.entries(action)[0] ?? [];
      if (type !== 'index' && type !== 'delete') {
        throw new EsError(
          400,
          'illegal_argument_exception',
          `fakeElasticsearch does not support bulk action [${type}]`,
        );
      }
      const target = meta as { _index?: string; _id?: string };
      const name = target._index ?? pathIndex;
      const id = target._id;
      if (!name || !id)
        throw new EsError(400, 'action_request_validation_exception', 'index and id are required');
      if (!indices.has(name))
        indices.set(name, { mappings: { properties: {} }, visible: new Map(), pending: new Map() });
      const index = indexNamed(name);
      const existed = currentDoc(index, id) !== undefined;
      if (type === 'delete') {
        if (existed) index.pending.set(id, null);
        items.push({
          delete: {
            _index: name,
            _id: id,
            result: existed ? 'deleted' : 'not_found',
            status: existed ? 200 : 404,
          },
        });
        continue;
      }
      const source = parseJson(lines[++i] ?? '');
      const unknown = Object.keys(source).find((field) => !(field in index.mappings.properties));
      if (unknown && index.mappings.dynamic === 'strict') {
        errors = true;
        const reason = `mapping set to strict, dynamic introduction of [${unknown}] within [_doc] is not allowed`;
        items.push({
          index: {
            _index: name,
            _id: id,
            status: 400,
            error: { type: 'strict_dynamic_mapping_exception', reason },
          },
        });
        continue;
      }
      index.pending.set(id, source);
      items.push({
        index: {
          _index: name,
          _id: id,
          result: existed ? 'updated' : 'created',
          status: existed ? 200 : 201,
        },
      });
    }
    const refreshParam = request.params.refresh;
    if (refreshParam === 'true' || refreshParam === '' || refreshParam === 'wait_for') {
      for (const index of indices.values()) refresh(index);
    }
    return { took: 1, errors, items };
  }

  function search(index: FakeIndex, name: string, body: Json): Json {
    const known = new Set(['query', 'sort', 'from', 'size', 'track_total_hits', '_source']);
    const unknownKey = Object.keys(body).find((key) => !known.has(key));
    if (unknownKey)
      throw new EsError(
        400,
        'fake_unsupported_request',
        `fakeElasticsearch does not support [${unknownKey}]`,
      );
    const from = (body.from as number | undefined) ?? 0;
    const size = (body.size as number | undefined) ?? 10;
    if (from + size > MAX_RESULT_WINDOW) {
      throw new EsError(
        400,
        'illegal_argument_exception',
        `Result window is too large, from + size must be less than or equal to: [${MAX_RESULT_WINDOW}]`,
      );
    }
    const query = (body.query as Json | undefined) ?? { match_all: {} };
    const matches: { id: string; score: number; source: Json }[] = [];
    for (const [id, source] of index.visible) {
      const result = evaluate(query, source, index.mappings.properties);
      if (result) matches.push({ id, score: result.score, source });
    }
    const sort = parseSort(body.sort, index.mappings.properties);
    matches.sort((a, b) => {
      for (const key of sort) {
        const left = key.field === '_score' ? a.score : scalarText(a.source[key.field]);
        const right = key.field === '_score' ? b.score : scalarText(b.source[key.field]);
        const order = left < right ? -1 : left > right ? 1 : 0;
        if (order !== 0) return key.order === 'asc' ? order : -order;
      }
      return 0;
    });
    const withSource = body._source !== false;
    const total =
      body.track_total_hits === true ? matches.length : Math.min(matches.length, MAX_RESULT_WINDOW);
    return {
      took: 1,
      timed_out: false,
      _shards: { total: 1, successful: 1, skipped: 0, failed: 0 },
      hits: {
        total: { value: total, relation: total < matches.length ? 'gte' : 'eq' },
        max_score: matches.length > 0 ? Math.max(...matches.map((m) => m.score)) : null,
        hits: matches.slice(from, from + size).map((match) => ({
          _index: name,
          _id: match.id,
          _score: match.score,
          ...(withSource ? { _source: match.source } : {}),
          sort: sort.map((key) => (key.field === '_score' ? match.score : match.source[key.field])),
        })),
      },
    };
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    indices,
    requests,
    failNext: (method, status, body) => failures.push({ method, status, body }),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

/** Answers like an ES 8 node: the product header the client checks, JSON in the flavour asked for. */
function reply(req: IncomingMessage, res: ServerResponse, status: number, body: Json | undefined): void {
  const compatible = req.headers.accept?.includes('application/vnd.elasticsearch+json');
  const text = body === undefined ? '' : JSON.stringify(body);
  res.writeHead(status, {
    'x-elastic-product': 'Elasticsearch',
    'content-type': compatible ? 'application/vnd.elasticsearch+json;compatible-with=8' : 'application/json',
    'content-length': Buffer.byteLength(text),
  });
  res.end(req.method === 'HEAD' ? undefined : text);
}

function parseJson(text: string): Json {
  if (text.trim() === '') return {};
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Json;
  } catch {
    // fall through to the ES-shaped error
  }
  throw new EsError(400, 'parse_exception', 'request body is not a JSON object');
}

function currentDoc(index: FakeIndex, id: string): Json | undefined {
  if (index.pending.has(id)) return index.pending.get(id) ?? undefined;
  return index.visible.get(id);
}

function refresh(index: FakeIndex): void {
  for (const [id, doc] of index.pending) {
    if (doc === null) index.visible.delete(id);
    else index.visible.set(id, doc);
  }
  index.pending.clear();
}

// ---- the query subset --------------------------------------------------------------------------

type Match = { score: number } | null;
type Fields = Record<string, FieldMapping>;

function evaluate(query: Json, doc: Json, fields: Fields): Match {
  const entries = Object.entries(query);
  const [kind, spec] = entries[0] ?? [];
  if (entries.length !== 1 || typeof spec !== 'object' || spec === null) {
    throw new EsError(400, 'parsing_exception', 'a query must be an object with exactly one key');
  }
  const body = spec as Json;
  switch (kind) {
    case 'match_all':
      return { score: 1 };
    case 'bool':
      return evaluateBool(body, doc, fields);
    case 'multi_match':
      return evaluateMultiMatch(body, doc, fields);
    case 'match_bool_prefix':
      return evaluateBoolPrefix(body, doc, fields);
    case 'term':
      return evaluateTerm(body, doc, fields);
    default:
      throw new EsError(400, 'parsing_exception', `fakeElasticsearch does not support the [${kind}] query`);
  }
}

function clauses(value: unknown): Json[] {
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]) as Json[];
}

function evaluateBool(body: Json, doc: Json, fields: Fields): Match {
  const unknown = Object.keys(body).find(
    (key) => !['must', 'should', 'filter', 'must_not', 'minimum_should_match'].includes(key),
  );
  if (unknown) throw new EsError(400, 'parsing_exception', `[bool] query does not support [${unknown}]`);
  let score = 0;
  for (const clause of clauses(body.must)) {
    const match = evaluate(clause, doc, fields);
    if (!match) return null;
    score += match.score;
  }
  for (const clause of clauses(body.filter)) if (!evaluate(clause, doc, fields)) return null;
  for (const clause of clauses(body.must_not)) if (evaluate(clause, doc, fields)) return null;
  const should = clauses(body.should);
  const required =
    (body.minimum_should_match as number | undefined) ??
    (body.must || body.filter ? 0 : should.length > 0 ? 1 : 0);
  let matched = 0;
  for (const clause of should) {
    const match = evaluate(clause, doc, fields);
    if (match) {
      matched++;
      score += match.score;
    }
  }
  return matched >= required ? { score } : null;
}

function evaluateMultiMatch(body: Json, doc: Json, fields: Fields): Match {
  const unknown = Object.keys(body).find(
    (key) => !['query', 'type', 'fields', 'fuzziness', 'operator'].includes(key),
  );
  if (unknown)
    throw new EsError(400, 'parsing_exception', `[multi_match] query does not support [${unknown}]`);
  if ((body.type ?? 'best_fields') !== 'best_fields') {
    throw new EsError(400, 'parsing_exception', 'fakeElasticsearch supports only best_fields multi_match');
  }
  const operator = operatorOf(body.operator);
  const fuzziness = body.fuzziness;
  if (fuzziness !== undefined && fuzziness !== 'AUTO' && typeof fuzziness !== 'number') {
    throw new EsError(400, 'parsing_exception', `unsupported fuzziness [${JSON.stringify(fuzziness)}]`);
  }
  let best: Match = null;
  for (const spec of body.fields as string[]) {
    const [field = '', boostText] = spec.split('^');
    const boost = boostText === undefined ? 1 : Number(boostText);
    const mapping = textField(fields, field);
    const terms = analyze(scalarText(body.query), mapping);
    const tokens = analyze(fieldText(doc[field]), mapping);
    const scores = terms.map((term) =>
      termScore(term, tokens, fuzziness === undefined ? 0 : maxEdits(term, fuzziness)),
    );
    const match = combine(scores, operator, boost);
    if (match && (!best || match.score > best.score)) best = match;
  }
  return best;
}

function evaluateBoolPrefix(body: Json, doc: Json, fields: Fields): Match {
  const [field, spec] = Object.entries(body)[0] ?? [];
  if (!field || Object.keys(body).length !== 1)
    throw new EsError(400, 'parsing_exception', '[match_bool_prefix] needs one field');
  const options = typeof spec === 'string' ? { query: spec } : (spec as Json);
  const unknown = Object.keys(options).find((key) => !['query', 'operator'].includes(key));
  if (unknown)
    throw new EsError(400, 'parsing_exception', `[match_bool_prefix] query does not support [${unknown}]`);
  const mapping = textField(fields, field);
  const terms = analyze(scalarText(options.query), mapping);
  const tokens = analyze(fieldText(doc[field]), mapping);
  const scores = terms.map((term, i) =>
    i === terms.length - 1
      ? tokens.some((token) => token.startsWith(term))
        ? 1
        : 0
      : termScore(term, tokens, 0),
  );
  return combine(scores, operatorOf(options.operator), 1);
}

function evaluateTerm(body: Json, doc: Json, fields: Fields): Match {
  const [field, spec] = Object.entries(body)[0] ?? [];
  if (!field || Object.keys(body).length !== 1)
    throw new EsError(400, 'parsing_exception', '[term] needs one field');
  if (fields[field]?.type !== 'keyword') {
    throw new EsError(
      400,
      'fake_unsupported_request',
      `fakeElasticsearch supports [term] only on keyword fields, not [${field}]`,
    );
  }
  const value = typeof spec === 'object' && spec !== null ? (spec as Json).value : spec;
  return doc[field] === value ? { score: 1 } : null;
}

function textField(fields: Fields, field: string): FieldMapping {
  const mapping = fields[field];
  if (mapping?.type !== 'text')
    throw new EsError(400, 'fake_unsupported_request', `[${field}] is not a mapped text field`);
  return mapping;
}

function operatorOf(value: unknown): 'and' | 'or' {
  const operator = (value === undefined ? 'or' : scalarText(value)).toLowerCase();
  if (operator !== 'and' && operator !== 'or')
    throw new EsError(400, 'parsing_exception', `unknown operator [${operator}]`);
  return operator;
}

function combine(scores: number[], operator: 'and' | 'or', boost: number): Match {
  if (scores.length === 0) return null;
  const matched = scores.filter((score) => score > 0);
  if (matched.length === 0 || (operator === 'and' && matched.length < scores.length)) return null;
  return { score: boost * matched.reduce((sum, score) => sum + score, 0) };
}

/** Exact occurrences count 1 each, occurrences within the allowed edits 0.5 each. */
function termScore(term: string, tokens: string[], edits: number): number {
  let score = 0;
  for (const token of tokens) {
    if (token === term) score += 1;
    else if (edits > 0 && levenshtein(term, token) <= edits) score += 0.5;
  }
  return score;
}

/** Elasticsearch's AUTO: no edit up to 2 characters, one up to 5, two beyond. */
function maxEdits(term: string, fuzziness: unknown): number {
  if (typeof fuzziness === 'number') return fuzziness;
  return term.length <= 2 ? 0 : term.length <= 5 ? 1 : 2;
}

function analyze(text: string, mapping: FieldMapping): string[] {
  const tokens = text
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);
  return mapping.analyzer === 'english' ? tokens.filter((token) => !ENGLISH_STOP_WORDS.has(token)) : tokens;
}

function fieldText(value: unknown): string {
  if (value === undefined || value === null) return '';
  return Array.isArray(value) ? value.map(scalarText).join('\n') : scalarText(value);
}

/** Keyword and text values are strings (or numbers); anything else is not something we index. */
function scalarText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return value === undefined || value === null ? '' : JSON.stringify(value);
}

function levenshtein(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 2) return 3;
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost);
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

function parseSort(value: unknown, fields: Fields): { field: string; order: 'asc' | 'desc' }[] {
  if (value === undefined) return [{ field: '_score', order: 'desc' }];
  return clauses(value).map((entry) => {
    const [field, spec] = typeof entry === 'string' ? [entry, undefined] : (Object.entries(entry)[0] ?? []);
    if (!field) throw new EsError(400, 'parsing_exception', 'empty sort clause');
    if (field !== '_score' && fields[field]?.type !== 'keyword') {
      throw new EsError(
        400,
        'illegal_argument_exception',
        `fakeElasticsearch sorts only on _score and keyword fields, not [${field}]`,
      );
    }
    const order = typeof spec === 'string' ? spec : ((spec as Json | undefined)?.order as string | undefined);
    return { field, order: order === 'asc' || (order === undefined && field !== '_score') ? 'asc' : 'desc' };
  });
}
