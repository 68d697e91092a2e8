/**
 * A local test server speaking the subset of Qdrant's REST API the vector store adapter uses, so
 * the adapter's requests go through the real @qdrant/js-client-rest client over real HTTP:
 * collections (exists, get, create, delete), payload indexes, points (upsert, retrieve, delete by
 * ids or filter, scroll, count, query by vector).
 *
 * It behaves like Qdrant where the adapter could get it wrong: point ids must be unsigned
 * integers or UUIDs, vectors must have the collection's dimension, cosine vectors are normalised
 * on write, filters have Qdrant's semantics (`must`, `must_not`, `should`, `match.value`,
 * `match.any`, `match.except`, `has_id`, nested filters, dotted payload keys, arrays in the payload
 * match if any element does), scroll pages in id order with `next_page_offset`, and errors come
 * back with Qdrant's status codes and `{ status: { error } }` body. Query uses exact search (real
 * Qdrant uses HNSW, exact at these sizes).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

type Json = Record<string, unknown>;

interface StoredPoint {
  id: string | number;
  vector: number[];
  payload: Json;
}

export interface FakeCollection {
  size: number;
  distance: 'Cosine' | 'Dot' | 'Euclid';
  points: Map<string, StoredPoint>;
  payloadIndexes: Map<string, string>;
}

export interface FakeQdrant {
  readonly url: string;
  readonly collections: Map<string, FakeCollection>;
  /** Method and path of every request, in order. */
  readonly requests: string[];
  close(): Promise<void>;
}

class QdrantError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function startFakeQdrant(): Promise<FakeQdrant> {
  const collections = new Map<string, FakeCollection>();
  const requests: string[] = [];

  const collection = (name: string): FakeCollection => {
    const found = collections.get(name);
    if (!found) throw new QdrantError(404, `Not found: Collection \`${name}\` doesn't exist!`);
    return found;
  };

  const routes: { method: string; pattern: RegExp; handle: (match: string[], body: Json) => unknown }[] = [
    {
      method: 'GET',
      pattern: /^\/$/,
      handle: () => ({ title: 'qdrant - vector search engine', version: '1.18.0' }),
    },
    {
      method: 'GET',
      pattern: /^\/collections\/([^/]+)\/exists$/,
      handle: ([name = '']) => ({ exists: collections.has(name) }),
    },
    {
      method: 'GET',
      pattern: /^\/collections\/([^/]+)$/,
      handle: ([name = '']) => {
        const c = collection(name);
        return {
          status: 'green',
          optimizer_status: 'ok',
          points_count: c.points.size,
          segments_count: 1,
          config: {
            params: {
              vectors: { size: c.size, distance: c.distance },
              shard_number: 1,
              replication_factor: 1,
            },
            hnsw_config: { m: 16, ef_construct: 100, full_scan_threshold: 10000 },
            optimizer_config: {},
            wal_config: {},
          },
          payload_schema: Object.fromEntries(
            [...c.payloadIndexes].map(([k, t]) => [k, { data_type: t, points: 0 }]),
          ),
        };
      },
    },
    {
      method: 'PUT',
      pattern: /^\/collections\/([^/]+)$/,
      handle: ([name = ''], body) => {
        if (collections.has(name))
          throw new QdrantError(409, `Wrong input: Collection \`${name}\` already exists!`);
        const vectors = body.vectors;
        if (!isJson(vectors) || typeof vectors.size !== 'number' || vectors.size < 1) {
          throw new QdrantError(400, 'Format error in JSON body: vectors: expected { size, distance }');
        }
        const distance = vectors.distance;
        if (distance !== 'Cosine' && distance !== 'Dot' && distance !== 'Euclid') {
          throw new QdrantError(400, `Format error in JSON body: unknown distance ${String(distance)}`);
        }
        collections.set(name, { size: vectors.size, distance, points: new Map(), payloadIndexes: new Map() });
        return true;
      },
    },
    {
      method: 'DELETE',
      pattern: /^\/collections\/([^/]+)$/,
      handle: ([name = '']) => collections.delete(name),
    },
    {
      method: 'PUT',
      pattern: /^\/collections\/([^/]+)\/index$/,
      handle: ([name = ''], body) => {
        const c = collection(name);
        if (typeof body.field_name !== 'string' || typeof body.field_schema !== 'string') {
          throw new QdrantError(400, 'Format error in JSON body: field_name and field_schema required');
        }
        c.payloadIndexes.set(body.field_name, body.field_schema);
        return { operation_id: 0, status: 'completed' };
      },
    },
    {
      method: 'PUT',
      pattern: /^\/collections\/([^/]+)\/points$/,
      handle: ([name = ''], body) => {
        const c = collection(name);
        if (!Array.isArray(body.points))
          throw new QdrantError(400, 'Format error in JSON body: points expected');
        const parsed = body.points.map((raw: unknown) => {
          if (!isJson(raw)) throw new QdrantError(400, 'Format error in JSON body: point expected');
          const id = pointId(raw.id);
          const vector = raw.vector;
          if (!Array.isArray(vector) || !vector.every((v) => typeof v === 'number')) {
            throw new QdrantError(400, 'Format error in JSON body: vector expected');
          }
          if (vector.length !== c.size) {
            throw new QdrantError(
              400,
              `Wrong input: Vector dimension error: expected dim: ${c.size}, got ${vector.length}`,
            );
          }
          const payload = raw.payload === undefined || raw.payload === null ? {} : raw.payload;
          if (!isJson(payload))
            throw new QdrantError(400, 'Format error in JSON body: payload must be an object');
          return { id, vector: c.distance === 'Cosine' ? normalise(vector) : vector, payload };
        });
        for (const point of parsed) c.points.set(String(point.id), point);
        return { operation_id: 1, status: 'completed' };
      },
    },
    {
      method: 'POST',
      pattern: /^\/collections\/([^/]+)\/points$/,
      handle: ([name = ''], body) => {
        const c = collection(name);
        if (!Array.isArray(body.ids)) throw new QdrantError(400, 'Format error in JSON body: ids expected');
        return body.ids
          .map((id: unknown) => c.points.get(String(pointId(id))))
          .filter((p): p is StoredPoint => p !== undefined)
          .map((p) => ({ id: p.id, payload: selectPayload(p.payload, body.with_payload ?? true) }));
      },
    },
    {
      method: 'POST',
      pattern: /^\/collections\/([^/]+)\/points\/delete$/,
      handle: ([name = ''], body) => {
        const c = collection(name);
        if (Array.isArray(body.points)) {
          for (const id of body.points) c.points.delete(String(pointId(id)));
        } else if (isJson(body.filter)) {
          const filter = body.filter;
          for (const [key, point] of [...c.points]) if (matches(point, filter)) c.points.delete(key);
        } else {
          throw new QdrantError(400, 'Format error in JSON body: points or filter expected');
        }
        return { operation_id: 2, status: 'completed' };
      },
    },
    {
      method: 'POST',
      pattern: /^\/collections\/([^/]+)\/points\/scroll$/,
      handle: ([name = ''], body) => {
        const c = collection(name);
        const limit = typeof body.limit === 'number' ? body.limit : 10;
        const sorted = [...c.points.values()]
          .filter((p) => !isJson(body.filter) || matches(p, body.filter))
          .sort((a, b) => compareIds(a.id, b.id));
        const from = body.offset === undefined || body.offset === null ? 0 : pointId(body.offset);
        const start =
          body.offset === undefined || body.offset === null
            ? 0
            : sorted.findIndex((p) => compareIds(p.id, from) >= 0);
        const page = start < 0 ? [] : sorted.slice(start, start + limit);
        const next = start < 0 ? undefined : sorted[start + limit];
        return {
          points: page.map((p) => ({
            id: p.id,
            payload: selectPayload(p.payload, body.with_payload ?? true),
            ...(body.with_vector === true ? { vector: p.vector } : {}),
          })),
          next_page_offset: next ? next.id : null,
        };
      },
    },
    {
      method: 'POST',
      pattern: /^\/collections\/([^/]+)\/points\/count$/,
      handle: ([name = ''], body) => {
        const c = collection(name);
        const filter = body.filter;
        const count = isJson(filter)
          ? [...c.points.values()].filter((p) => matches(p, filter)).length
          : c.points.size;
        return { count };
      },
    },
    {
      method: 'POST',
      pattern: /^\/collections\/([^/]+)\/points\/query$/,
      handle: ([name = ''], body) => {
        const c = collection(name);
        const query =
          isJson(body.query) && Array.isArray(body.query.nearest) ? body.query.nearest : body.query;
        if (!Array.isArray(query) || !query.every((v) => typeof v === 'number')) {
          throw new QdrantError(400, 'Format error in JSON body: query must be a vector');
        }
        if (query.length !== c.size) {
          throw new QdrantError(
            400,
            `Wrong input: Vector dimension error: expected dim: ${c.size}, got ${query.length}`,
          );
        }
        const vector = c.distance === 'Cosine' ? normalise(query) : query;
        const limit = typeof body.limit === 'number' ? body.limit : 10;
        const offset = typeof body.offset === 'number' ? body.offset : 0;
        const threshold = typeof body.score_threshold === 'number' ? body.score_threshold : null;
        const scored = [...c.points.values()]
          .filter((p) => !isJson(body.filter) || matches(p, body.filter))
          .map((p) => ({ point: p, score: score(c.distance, vector, p.vector) }))
          .filter((s) => threshold === null || s.score >= threshold)
          .sort((a, b) => (c.distance === 'Euclid' ? a.score - b.score : b.score - a.score));
        return {
          points: scored.slice(offset, offset + limit).map(({ point, score: value }) => ({
            id: point.id,
            version: 1,
            score: value,
            payload: selectPayload(point.payload, body.with_payload ?? false),
          })),
        };
      },
    },
  ];

  const server = createServer((req, res) => {
    void handle(req, res);
  });

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const started = process.hrtime.bigint();
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    requests.push(`${req.method ?? ''} ${path}`);
    try {
      const raw = await readBody(req);
      let body: Json = {};
      if (raw) {
        const parsed: unknown = JSON.parse(raw);
        if (!isJson(parsed)) throw new QdrantError(400, 'Format error in JSON body: object expected');
        body = parsed;
      }
      for (const route of routes) {
        const match = route.method === req.method ? route.pattern.exec(path) : null;
        if (!match) continue;
        const result = route.handle(match.slice(1).map(decodeURIComponent), body);
        return send(res, 200, { result, status: 'ok', time: seconds(started) });
      }
      throw new QdrantError(404, `Not found: ${req.method ?? ''} ${path}`);
    } catch (error) {
      const status = error instanceof QdrantError ? error.status : error instanceof SyntaxError ? 400 : 500;
      const message = error instanceof Error ? error.message : String(error);
      send(res, status, { status: { error: message }, time: seconds(started) });
    }
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    collections,
    requests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    req.on('data', (part: Buffer) => parts.push(part));
    req.on('end', () => resolve(Buffer.concat(parts).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, body: Json): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function seconds(started: bigint): number {
  return Number(process.hrtime.bigint() - started) / 1e9;
}

function isJson(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Qdrant accepts unsigned integers and UUIDs (answered in their canonical lower-case form). */
function pointId(raw: unknown): string | number {
  if (typeof raw === 'number' && Number.isInteger(raw) && raw >= 0) return raw;
  if (typeof raw === 'string' && UUID.test(raw)) return raw.toLowerCase();
  throw new QdrantError(
    400,
    `Format error in JSON body: value ${JSON.stringify(raw)} is not a valid point ID`,
  );
}

/** Qdrant orders integer ids before UUIDs. */
function compareIds(a: string | number, b: string | number): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'number') return -1;
  if (typeof b === 'number') return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

function normalise(vector: number[]): number[] {
  const norm = Math.sqrt(vector.reduce((sum, v) => sum + v * v, 0));
  return norm === 0 ? vector : vector.map((v) => v / norm);
}

function score(distance: FakeCollection['distance'], a: number[], b: number[]): number {
  if (distance === 'Euclid') return Math.sqrt(a.reduce((sum, v, i) => sum + (v - (b[i] ?? 0)) ** 2, 0));
  // Qdrant computes in f32; round the same way so scores compare like a real server's.
  return Math.fround(a.reduce((sum, v, i) => sum + v * (b[i] ?? 0), 0));
}

function selectPayload(payload: Json, selector: unknown): Json | null {
  if (selector === false) return null;
  if (Array.isArray(selector)) {
    return Object.fromEntries(
      selector.filter((k): k is string => typeof k === 'string' && k in payload).map((k) => [k, payload[k]]),
    );
  }
  return payload;
}

/** The values at a dotted path; arrays along the way contribute each element. */
function valuesAt(payload: Json, key: string): unknown[] {
  let values: unknown[] = [payload];
  for (const part of key.split('.')) {
    values = values.flatMap((v) => (isJson(v) && part in v ? [v[part]] : []));
    values = values.flatMap((v) => (Array.isArray(v) ? v : [v]));
  }
  return values;
}

function matches(point: StoredPoint, filter: Json): boolean {
  const list = (name: string): unknown[] => {
    const value = filter[name];
    if (value === undefined || value === null) return [];
    return Array.isArray(value) ? value : [value];
  };
  const must = list('must');
  const mustNot = list('must_not');
  const should = list('should');
  if (!must.every((condition) => conditionHolds(point, condition))) return false;
  if (mustNot.some((condition) => conditionHolds(point, condition))) return false;
  if (should.length > 0 && !should.some((condition) => conditionHolds(point, condition))) return false;
  return true;
}

function conditionHolds(point: StoredPoint, condition: unknown): boolean {
  if (!isJson(condition)) throw new QdrantError(400, 'Format error in JSON body: condition expected');
  if ('must' in condition || 'must_not' in condition || 'should' in condition)
    return matches(point, condition);
  if (Array.isArray(condition.has_id)) {
    return condition.has_id.some((id) => String(pointId(id)) === String(point.id));
  }
  if (typeof condition.key === 'string' && isJson(condition.match)) {
    const values = valuesAt(point.payload, condition.key);
    const match = condition.match;
    if ('value' in match) return values.some((v) => v === match.value);
    if (Array.isArray(match.any)) {
      const any = match.any;
      return values.some((v) => any.includes(v));
    }
    if (Array.isArray(match.except)) {
      const except = match.except;
      return values.length > 0 && values.every((v) => !except.includes(v));
    }
  }
  throw new QdrantError(400, `Format error in JSON body: unsupported condition ${JSON.stringify(condition)}`);
}
