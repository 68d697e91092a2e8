/**
 * LearnCraft's query-plan executor (src/execution) against Apollo's `executeQueryPlan`: the same
 * operations through two gateways over the same real HTTP subgraphs (the kit's server, gateway
 * credential and token checks on), one per executor, must answer byte-for-byte the same JSON
 * (data and errors; only masked errors' correlation ids differ). The operations cover what the
 * executor handles itself: nested entity fetches with `@requires`, abstract types, aliases and
 * `__typename`, `@include`/`@skip`, fetch variables, subgraph errors with paths, a subgraph that
 * is down, null propagation on non-null fields, invalid variables; and one it hands to Apollo.
 */
import { GraphQLError, parse } from 'graphql';
import { startSubgraph, type RequestBase, type RunningServer } from '@learncraft/kit';
import type { RunningGateway } from '../src';
import { BENCH_QUERY } from '../bench/gateway/query';
import { SUBGRAPHS, startBenchSubgraphs } from '../bench/gateway/subgraphs';
import {
  TEST_SUBGRAPH_CONFIG,
  composeSupergraph,
  createKeys,
  mintToken,
  silent,
  startRawServer,
  startTestGateway,
  type Keys,
} from './support';

const FEDERATION =
  'extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key", "@external", "@requires", "@listSize"])';

const SHOP_SDL = `${FEDERATION}
"""Something for sale."""
type Product @key(fields: "upc") {
  """Stock-keeping id."""
  upc: ID!
  """Display name."""
  name: String!
  """Price in cents."""
  price: Int!
  """Weight in grams."""
  weight: Int!
  """Who made it."""
  maker: Author
}
"""Someone who makes things and writes reviews."""
type Author @key(fields: "id") {
  """Stable id."""
  id: ID!
  """Display name."""
  name: String!
}
"""A search hit."""
union SearchResult = Product | Author
"""Something to read or watch."""
interface Media {
  """Stable id."""
  id: ID!
  """Title."""
  title: String!
}
"""A book."""
type Book implements Media {
  """Stable id."""
  id: ID!
  """Title."""
  title: String!
  """Page count."""
  pages: Int!
}
"""A film."""
type Film implements Media {
  """Stable id."""
  id: ID!
  """Title."""
  title: String!
  """Running time."""
  minutes: Int!
}
type Query {
  """Every product."""
  products: [Product!]! @listSize(assumedSize: 10)
  """Every product, as a list that may hold nulls."""
  maybeProducts: [Product] @listSize(assumedSize: 10)
  """One product by id."""
  product(upc: ID!): Product
  """Products and authors whose name contains the term."""
  search(term: String!): [SearchResult!]! @listSize(assumedSize: 10)
  """Every book and film."""
  media: [Media!]! @listSize(assumedSize: 10)
  """Always fails with NOT_FOUND."""
  missing: String
  """The token's subject as this subgraph verified it."""
  viewerId: ID
}
type Mutation {
  """Marks a product as seen and returns it (changes nothing the tests read)."""
  productTouch(upc: ID!): Product
}`;

const LEGACY_SDL = `${FEDERATION}
type Query {
  """A count the legacy service reports (it answers a string: invalid for Int)."""
  legacyCount: Int
  """A label the legacy service reports."""
  legacyLabel: String
}`;

const STOCK_SDL = `${FEDERATION}
"""Stock facts about a product."""
type Product @key(fields: "upc") {
  """Stock-keeping id."""
  upc: ID!
  """Price in cents."""
  price: Int! @external
  """Weight in grams."""
  weight: Int! @external
  """Shipping cost, from price and weight."""
  shipping: Int! @requires(fields: "price weight")
  """Whether it can be bought now."""
  inStock: Boolean!
  """Where it is kept; the subgraph wrongly answers null for one product."""
  warehouse: String!
  """Fails for one product."""
  flaky: String
}`;

const REVIEWS_SDL = `${FEDERATION}
"""A product's reviews."""
type Product @key(fields: "upc") {
  """Stock-keeping id."""
  upc: ID!
  """Its reviews."""
  reviews: [Review!]! @listSize(assumedSize: 10)
}
"""An author's reviews."""
type Author @key(fields: "id") {
  """Stable id."""
  id: ID!
  """What they wrote."""
  reviews: [Review!]! @listSize(assumedSize: 10)
}
"""A review."""
type Review {
  """Stable id."""
  id: ID!
  """Text."""
  body: String!
  """Who wrote it."""
  author: Author!
  """What it is about."""
  product: Product!
}`;

const RATINGS_SDL = `${FEDERATION}
"""Ratings (this subgraph is down in the tests)."""
type Product @key(fields: "upc") {
  """Stock-keeping id."""
  upc: ID!
  """Average rating."""
  rating: Int
}`;

const PRODUCTS = [
  { upc: '1', name: 'Table', price: 899, weight: 100, makerId: 'a1' },
  { upc: '2', name: 'Couch', price: 1299, weight: 1000, makerId: 'a2' },
  { upc: '3', name: 'Glass', price: 15, weight: 20, makerId: null },
];
const AUTHORS = [
  { id: 'a1', name: 'Ada' },
  { id: 'a2', name: 'Grace' },
];
const REVIEWS = [
  { id: 'r1', body: 'Sturdy', authorId: 'a1', upc: '1' },
  { id: 'r2', body: 'Comfy', authorId: 'a2', upc: '2' },
  { id: 'r3', body: 'Fragile', authorId: 'a1', upc: '3' },
  { id: 'r4', body: 'Fine', authorId: 'a2', upc: '1' },
  { id: 'r5', body: 'Soft', authorId: 'a1', upc: '2' },
];
const MEDIA = [
  { __typename: 'Book', id: 'm1', title: 'Dune', pages: 412 },
  { __typename: 'Film', id: 'm2', title: 'Alien', minutes: 117 },
];

const byUpc = (upc: string) => PRODUCTS.find((product) => product.upc === upc) ?? null;
const authorOf = (id: string | null) => (id ? { __typename: 'Author', id } : null);

function serve(name: string, sdl: string, resolvers: Record<string, unknown>): Promise<RunningServer> {
  return startSubgraph<RequestBase>({
    name,
    typeDefs: parse(sdl),
    resolvers: resolvers as never,
    host: '127.0.0.1',
    port: 0,
    config: TEST_SUBGRAPH_CONFIG,
    verifier: keys.verifier,
    logger: silent,
    context: (base) => base,
  });
}

/** A gateway as tests start it, with the query-plan executor chosen. */
const startWith = (supergraphSdl: string, executor: 'learncraft' | 'apollo') =>
  startTestGateway(supergraphSdl, keys, {}, { executor });

let keys: Keys;
let subgraphs: RunningServer[] = [];
let closeLegacy: (() => Promise<void>) | undefined;
let ours: RunningGateway;
let apollo: RunningGateway;
let bench: { ours: RunningGateway; apollo: RunningGateway; close(): Promise<void> };

beforeAll(async () => {
  keys = await createKeys();
  const shop = await serve('shop', SHOP_SDL, {
    Query: {
      products: () => PRODUCTS,
      maybeProducts: () => PRODUCTS,
      product: (_: unknown, args: { upc: string }) => byUpc(args.upc),
      search: (_: unknown, args: { term: string }) => [
        ...PRODUCTS.filter((product) => product.name.toLowerCase().includes(args.term)).map((product) => ({
          __typename: 'Product',
          ...product,
        })),
        ...AUTHORS.filter((author) => author.name.toLowerCase().includes(args.term)).map((author) => ({
          __typename: 'Author',
          ...author,
        })),
      ],
      media: () => MEDIA,
      missing: () => {
        throw new GraphQLError('Nothing here.', { extensions: { code: 'NOT_FOUND' } });
      },
      viewerId: (_: unknown, __: unknown, context: RequestBase) => context.viewer?.id ?? null,
    },
    Mutation: { productTouch: (_: unknown, args: { upc: string }) => byUpc(args.upc) },
    SearchResult: { __resolveType: (value: { __typename: string }) => value.__typename },
    Media: { __resolveType: (value: { __typename: string }) => value.__typename },
    Product: {
      __resolveReference: (reference: { upc: string }) => byUpc(reference.upc),
      maker: (product: { makerId: string | null }) =>
        AUTHORS.find((author) => author.id === product.makerId) ?? null,
    },
    Author: {
      __resolveReference: (reference: { id: string }) => AUTHORS.find((author) => author.id === reference.id),
    },
  });
  const stock = await serve('stock', STOCK_SDL, {
    Product: {
      __resolveReference: (reference: { upc: string; price?: number; weight?: number }) => reference,
      shipping: (product: { price: number; weight: number }) =>
        product.price > 1000 ? 0 : product.weight / 2,
      inStock: (product: { upc: string }) => product.upc !== '2',
      warehouse: (product: { upc: string }) => (product.upc === '3' ? null : `W${product.upc}`),
      flaky: (product: { upc: string }) => {
        if (product.upc === '2')
          throw new GraphQLError('Stock is unknown.', { extensions: { code: 'NOT_FOUND' } });
        return `ok ${product.upc}`;
      },
    },
  });
  const reviews = await serve('reviews', REVIEWS_SDL, {
    Product: {
      __resolveReference: (reference: { upc: string }) => reference,
      reviews: (product: { upc: string }) => REVIEWS.filter((review) => review.upc === product.upc),
    },
    Author: {
      __resolveReference: (reference: { id: string }) => reference,
      reviews: (author: { id: string }) => REVIEWS.filter((review) => review.authorId === author.id),
    },
    Review: {
      author: (review: { authorId: string }) => authorOf(review.authorId),
      product: (review: { upc: string }) => ({ __typename: 'Product', upc: review.upc }),
    },
  });
  subgraphs = [shop, stock, reviews];
  // A port that was listening and no longer is: connections are refused.
  const gone = await startRawServer();
  await gone.close();
  // A subgraph that answers values the schema does not allow, without any error of its own.
  const legacy = await startRawServer((res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ data: { legacyCount: 'many', legacyLabel: 'old' } }));
  });
  closeLegacy = () => legacy.close();
  const supergraph = composeSupergraph([
    { name: 'shop', url: shop.url, sdl: SHOP_SDL },
    { name: 'stock', url: stock.url, sdl: STOCK_SDL },
    { name: 'reviews', url: reviews.url, sdl: REVIEWS_SDL },
    { name: 'ratings', url: gone.url, sdl: RATINGS_SDL },
    { name: 'legacy', url: legacy.url, sdl: LEGACY_SDL },
  ]);
  ours = await startWith(supergraph, 'learncraft');
  apollo = await startWith(supergraph, 'apollo');
  bench = await startBenchGateways();
});

afterAll(async () => {
  await Promise.all([ours?.close(), apollo?.close(), bench?.close()]);
  await Promise.all(subgraphs.map((server) => server.close()));
  await closeLegacy?.();
});

/** The Guild benchmark's four subgraphs (gateway/bench/gateway) behind both executors. */
async function startBenchGateways() {
  const served = await startBenchSubgraphs();
  const supergraph = composeSupergraph(
    Object.entries(SUBGRAPHS).map(([name, { typeDefs }]) => ({
      name,
      url: `http://127.0.0.1:${served.port}/${name}`,
      sdl: typeDefs,
    })),
  );
  const pair = {
    ours: await startWith(supergraph, 'learncraft'),
    apollo: await startWith(supergraph, 'apollo'),
  };
  return {
    ...pair,
    close: async () => {
      await Promise.all([pair.ours.close(), pair.apollo.close()]);
      await served.close();
    },
  };
}

interface Answer {
  status: number;
  text: string;
}

async function ask(
  gateway: RunningGateway,
  request: { query: string; variables?: Record<string, unknown> },
  headers: Record<string, string> = {},
): Promise<Answer> {
  const response = await fetch(gateway.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(request),
  });
  // Masked errors carry a fresh correlation id per request: the only part allowed to differ.
  const text = (await response.text()).replace(/"correlationId":"[^"]+"/g, '"correlationId":"<id>"');
  return { status: response.status, text };
}

/** Asks both executors; they must agree exactly. Returns the parsed answer for spot checks. */
async function bothAnswer(
  request: { query: string; variables?: Record<string, unknown> },
  headers: Record<string, string> = {},
  pair: { ours: RunningGateway; apollo: RunningGateway } = { ours, apollo },
) {
  const [mine, theirs] = [await ask(pair.ours, request, headers), await ask(pair.apollo, request, headers)];
  expect(mine).toEqual(theirs);
  return { status: mine.status, body: JSON.parse(mine.text) as Record<string, any> };
}

const executedByApollo = (gateway: RunningGateway) => gateway.metrics.get('operations_apollo_executor_total');

describe("the LearnCraft executor answers exactly like Apollo's", () => {
  it('the Guild benchmark query (16 fetches, ~88 KB)', async () => {
    const { status, body } = await bothAnswer({ query: BENCH_QUERY }, {}, bench);
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    expect(body.data.users).toHaveLength(6);
    expect(body.data.topProducts).toHaveLength(5);
    expect(body.data.users[0].reviews[0].product.reviews[0].author.name).toBe('Uri Goldshtein');
    expect(executedByApollo(bench.ours)).toBe(0);
  });

  it('nested entity fetches with @requires across three subgraphs', async () => {
    const { body } = await bothAnswer({
      query: `{ products { upc name shipping inStock reviews { id body author { id name reviews { id product { upc name shipping } } } } } }`,
    });
    expect(body.data.products[1]).toMatchObject({ upc: '2', name: 'Couch', shipping: 0, inStock: false });
    expect(body.data.products[0].reviews[1].author.reviews[0].product).toEqual({
      upc: '2',
      name: 'Couch',
      shipping: 0,
    });
  });

  it('aliases, repeated fields and __typename', async () => {
    const { body } = await bothAnswer({
      query: `{ first: products { kind: __typename __typename u: upc n: name upc maker { who: name __typename } }
                 again: products { upc price: shipping } }`,
    });
    expect(body.data.first[0]).toEqual({
      kind: 'Product',
      __typename: 'Product',
      u: '1',
      n: 'Table',
      upc: '1',
      maker: { who: 'Ada', __typename: 'Author' },
    });
    expect(body.data.first[2].maker).toBeNull();
    expect(body.data.again[0]).toEqual({ upc: '1', price: 50 });
  });

  it('unions and interfaces with fragments on each member', async () => {
    const { body } = await bothAnswer({
      query: `query Find($term: String!) {
        search(term: $term) { __typename ... on Product { upc name inStock } ... on Author { id name reviews { id } } }
        media { __typename id ...Titles ... on Book { pages } ... on Film { minutes } }
      }
      fragment Titles on Media { title }`,
      variables: { term: 'a' },
    });
    expect(body.data.search.map((hit: { __typename: string }) => hit.__typename)).toEqual([
      'Product',
      'Product',
      'Author',
      'Author',
    ]);
    expect(body.data.media).toEqual([
      { __typename: 'Book', id: 'm1', title: 'Dune', pages: 412 },
      { __typename: 'Film', id: 'm2', title: 'Alien', minutes: 117 },
    ]);
  });

  it.each([{ withStock: true, skipName: false }, { withStock: false, skipName: true }, { withStock: true }])(
    '@include and @skip decided by variables %j',
    async (variables) => {
      const { body } = await bothAnswer({
        query: `query Conditional($withStock: Boolean!, $skipName: Boolean = false) {
        products { upc name @skip(if: $skipName) inStock @include(if: $withStock)
          reviews @include(if: $withStock) { id } ... @include(if: $withStock) { shipping } } }`,
        variables,
      });
      expect(Object.keys(body.data.products[0])).toEqual(
        variables.withStock ? ['upc', 'name', 'inStock', 'reviews', 'shipping'] : ['upc'],
      );
    },
  );

  it('fetch variables reach the subgraph that uses them', async () => {
    const { body } = await bothAnswer({
      query: `query One($upc: ID!) { product(upc: $upc) { name shipping reviews { body } } }`,
      variables: { upc: '2' },
    });
    expect(body.data.product).toEqual({
      name: 'Couch',
      shipping: 0,
      reviews: [{ body: 'Comfy' }, { body: 'Soft' }],
    });
  });

  it('a subgraph error on an entity keeps its path in the client answer', async () => {
    const { body } = await bothAnswer({ query: `{ products { upc flaky } }` });
    expect(body.data.products).toEqual([
      { upc: '1', flaky: 'ok 1' },
      { upc: '2', flaky: null },
      { upc: '3', flaky: 'ok 3' },
    ]);
    expect(body.errors).toEqual([
      {
        message: 'Stock is unknown.',
        path: ['products', 1, 'flaky'],
        extensions: { code: 'NOT_FOUND', serviceName: 'stock' },
      },
    ]);
  });

  it('an error on a representation sent once for several entities is reported at each of their paths', async () => {
    const { body } = await bothAnswer({ query: `{ products { upc reviews { id product { upc flaky } } } }` });
    expect(body.data.products[1].reviews).toEqual([
      { id: 'r2', product: { upc: '2', flaky: null } },
      { id: 'r5', product: { upc: '2', flaky: null } },
    ]);
    expect(body.errors.map((error: { path: unknown[] }) => error.path)).toEqual([
      ['products', 1, 'reviews', 0, 'product', 'flaky'],
      ['products', 1, 'reviews', 1, 'product', 'flaky'],
    ]);
  });

  it('a root-field error from a subgraph', async () => {
    const { body } = await bothAnswer({ query: `{ missing viewerId }` });
    expect(body.data).toEqual({ missing: null, viewerId: null });
    expect(body.errors).toEqual([
      { message: 'Nothing here.', path: ['missing'], extensions: { code: 'NOT_FOUND', serviceName: 'shop' } },
    ]);
  });

  it('a subgraph that is down: its fields are null, the error names it', async () => {
    const { body } = await bothAnswer({ query: `{ products { upc rating } }` });
    expect(body.data.products).toEqual([
      { upc: '1', rating: null },
      { upc: '2', rating: null },
      { upc: '3', rating: null },
    ]);
    expect(body.errors).toEqual([
      {
        message: 'Subgraph "ratings" is unavailable: connection refused.',
        extensions: { code: 'SERVICE_UNAVAILABLE', serviceName: 'ratings' },
      },
    ]);
  });

  it('a null for a non-null field propagates to the nearest nullable parent', async () => {
    const nullable = await bothAnswer({ query: `{ maybeProducts { upc warehouse } }` });
    expect(nullable.body.data.maybeProducts).toEqual([
      { upc: '1', warehouse: 'W1' },
      { upc: '2', warehouse: 'W2' },
      null,
    ]);
    expect(nullable.body.errors).toEqual([
      {
        // The subgraph's own null-for-non-null error, masked by the gateway (it is not the client's doing).
        message: 'Internal server error',
        path: ['maybeProducts', 2, 'warehouse'],
        extensions: { code: 'INTERNAL_SERVER_ERROR', correlationId: '<id>', serviceName: 'stock' },
      },
    ]);
    const nonNull = await bothAnswer({ query: `{ products { upc warehouse } }` });
    expect(nonNull.body.data).toBeNull();
  });

  it('mutation fields run in order, then their entity fetches', async () => {
    const { body } = await bothAnswer({
      query: `mutation { first: productTouch(upc: "1") { upc name shipping } second: productTouch(upc: "2") { upc inStock } }`,
    });
    expect(body).toEqual({
      data: { first: { upc: '1', name: 'Table', shipping: 50 }, second: { upc: '2', inStock: false } },
    });
  });

  it('a value the schema does not allow becomes null with a value-completion note', async () => {
    const { body } = await bothAnswer({ query: `{ legacyCount legacyLabel }` });
    expect(body.data).toEqual({ legacyCount: null, legacyLabel: 'old' });
    expect(body.errors).toBeUndefined();
    expect(body.extensions.valueCompletion).toEqual([
      {
        message: 'Invalid value found for field Query.legacyCount.',
        path: ['legacyCount'],
        extensions: { code: 'INVALID_GRAPHQL' },
      },
    ]);
  });

  it('the token is forwarded to subgraphs', async () => {
    const token = await mintToken(keys.privateKey, 'learner-7');
    const { body } = await bothAnswer({ query: `{ viewerId }` }, { authorization: `Bearer ${token}` });
    expect(body).toEqual({ data: { viewerId: 'learner-7' } });
  });

  it('invalid variables are refused the same way', async () => {
    const { status, body } = await bothAnswer({
      query: `query One($upc: ID!) { product(upc: $upc) { name } }`,
      variables: { upc: { not: 'an id' } },
    });
    expect(status).toBe(400);
    expect(body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
  });

  it("introspection is handed to Apollo's executor and answers the same", async () => {
    const before = executedByApollo(ours);
    const { body } = await bothAnswer({ query: `{ __schema { queryType { name } } products { upc } }` });
    expect(body.data).toEqual({
      __schema: { queryType: { name: 'Query' } },
      products: [{ upc: '1' }, { upc: '2' }, { upc: '3' }],
    });
    expect(executedByApollo(ours)).toBe(before + 1);
  });
});

describe('what runs where', () => {
  it("only the introspection operation was handed to Apollo's executor", () => {
    expect(executedByApollo(ours)).toBe(1);
    expect(executedByApollo(bench.ours)).toBe(0);
  });
});
