/**
 * The four subgraphs of The Guild's gateway benchmark (github.com/graphql-hive/graphql-gateways-
 * benchmark: accounts, inventory, products, reviews), with the same schema and data, as
 * @apollo/subgraph schemas served by one node:http server at `/<name>` like the original's.
 *
 * Both gateways under test call these same subgraphs, so they must never be the bottleneck: every
 * answer is computed once per distinct request body (graphql-js, the real resolvers) and then
 * served from memory. The benchmark measures gateways, not subgraphs.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { execute, parse, validate, type GraphQLSchema } from 'graphql';

const FEDERATION =
  'extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key", "@external", "@requires", "@provides", "@shareable", "@listSize"])';

interface User {
  id: string;
  name?: string;
  username?: string;
  birthday?: number;
}
interface Product {
  upc: string;
  name?: string;
  price?: number;
  weight?: number;
}
interface Review {
  id: string;
  body: string;
  product: { upc: string };
}

const USERS: User[] = [
  ['1', 'Uri Goldshtein', 'urigo'],
  ['2', 'Dotan Simha', 'dotansimha'],
  ['3', 'Kamil Kisiela', 'kamilkisiela'],
  ['4', 'Arda Tanrikulu', 'ardatan'],
  ['5', 'Gil Gardosh', 'gilgardosh'],
  ['6', 'Laurin Quast', 'laurin'],
].map(([id, name, username]) => ({ id: id!, name, username, birthday: 1234567890 }));

const PRODUCTS: Product[] = (
  [
    ['1', 'Table', 899, 100],
    ['2', 'Couch', 1299, 1000],
    ['3', 'Glass', 15, 20],
    ['4', 'Chair', 499, 100],
    ['5', 'TV', 1299, 1000],
    ['6', 'Lamp', 6999, 300],
    ['7', 'Grill', 3999, 2000],
    ['8', 'Fridge', 100000, 6000],
    ['9', 'Sofa', 9999, 800],
  ] as const
).map(([upc, name, price, weight]) => ({ upc, name, price, weight }));

const IN_STOCK = new Set(['1', '5', '6', '7', '9']);

const LOREM =
  'Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore et dolore magna aliqua. Ut enim ad minim veniam, quis nostrud exercitation ullamco laboris nisi ut aliquip ex ea commodo consequat. Duis aute irure dolor in reprehenderit in voluptate velit esse cillum dolore eu fugiat nulla pariatur. Excepteur sint occaecat cupidatat non proident, sunt in culpa qui officia deserunt mollit anim id est laborum.';
const SED =
  'Sed ut perspiciatis unde omnis iste natus error sit voluptatem accusantium doloremque laudantium, totam rem aperiam, eaque ipsa quae ab illo inventore veritatis et quasi architecto beatae vitae dicta sunt explicabo. Nemo enim ipsam voluptatem quia voluptas sit aspernatur aut odit aut fugi';
const QUIA =
  'sed quia consequuntur magni dolores eos qui ratione voluptatem sequi nesciunt. Neque porro quisquam est, qui dolorem ipsum quia dolor sit amet, consectetur, adipisci velit, sed quia non numquam eius modi tempora incidunt ut labore et dolore magnam aliquam quaerat voluptatem.';
const MINIMA =
  'Ut enim ad minima veniam, quis nostrum exercitationem ullam corporis suscipit laboriosam, nisi ut aliquid ex ea commodi consequatur? Quis autem';
const VERO =
  'At vero eos et accusamus et iusto odio dignissimos ducimus qui blanditiis praesentium voluptatum deleniti atque corrupti quos dolores et quas molestias excepturi sint occaecati cupiditate non provident, similique sunt in culpa qui officia deserunt mollitia animi, id est laborum et dolorum fuga. Et harum quidem rerum facilis est et expedita distinctio. Nam libero tempore, cum soluta nobis est eligendi optio cumque nihil impedit quo minus id quod maxime placeat facere possimus, omnis voluptas assumenda est, omnis dolor repellendus. Temporibus autem quibusdam et aut officiis debitis aut rerum necessitatibus saepe eveniet ut et voluptates repudiandae sint et molestiae non recusandae. Itaque earum rerum hic tenetur a sapiente delectus, ut aut reiciendis voluptatibus maiores alias consequatur aut perferendis doloribus asperiores repellat.';

const REVIEWS: Review[] = (
  [
    [LOREM, '1'],
    [SED, '1'],
    [QUIA, '1'],
    [MINIMA, '1'],
    [LOREM, '2'],
    [SED, '2'],
    [QUIA, '2'],
    [MINIMA, '2'],
    [MINIMA, '3'],
    [MINIMA, '4'],
    [VERO, '4'],
  ] as const
).map(([body, upc], index) => ({ id: String(index + 1), body, product: { upc } }));

/**
 * The subgraphs' SDL and resolvers; the original's quirks kept (e.g. `shippingEstimate` is null).
 * The lists carry `@listSize` (their real sizes) so the gateway's cost limit can estimate them.
 */
export const SUBGRAPHS = {
  accounts: {
    typeDefs: `${FEDERATION}
      type Query { me: User  user(id: ID!): User  users: [User] @listSize(assumedSize: 6) }
      type User @key(fields: "id") { id: ID!  name: String  username: String @shareable  birthday: Int }`,
    resolvers: {
      Query: {
        me: () => USERS[0],
        user: (_: unknown, { id }: { id: string }) => USERS.find((user) => user.id === id) ?? null,
        users: () => USERS,
      },
      User: { __resolveReference: ({ id }: { id: string }) => USERS.find((user) => user.id === id) },
    },
  },
  inventory: {
    typeDefs: `${FEDERATION}
      type Product @key(fields: "upc") {
        upc: String!  weight: Int @external  price: Int @external  inStock: Boolean
        shippingEstimate: Int @requires(fields: "price weight")
      }`,
    resolvers: {
      Product: {
        // Like the original: the stored row, which has no price or weight, so the estimate is null.
        __resolveReference: ({ upc }: { upc: string }) => ({ upc, inStock: IN_STOCK.has(upc) }),
        shippingEstimate: (product: Product) => {
          if (product.price === undefined) return null;
          if (product.price > 1000) return 0;
          return product.weight === undefined ? null : product.weight / 2;
        },
      },
    },
  },
  products: {
    typeDefs: `${FEDERATION}
      type Query { topProducts(first: Int = 5): [Product] @listSize(slicingArguments: ["first"]) }
      type Product @key(fields: "upc") { upc: String!  name: String  price: Int  weight: Int }`,
    resolvers: {
      Query: { topProducts: (_: unknown, { first }: { first: number }) => PRODUCTS.slice(0, first) },
      Product: {
        __resolveReference: ({ upc }: { upc: string }) => PRODUCTS.find((product) => product.upc === upc),
      },
    },
  },
  reviews: {
    typeDefs: `${FEDERATION}
      type Review @key(fields: "id") { id: ID!  body: String  product: Product  author: User @provides(fields: "username") }
      type User @key(fields: "id") { id: ID!  username: String @external  reviews: [Review] @listSize(assumedSize: 2) }
      type Product @key(fields: "upc") { upc: String!  reviews: [Review] @listSize(assumedSize: 4) }`,
    resolvers: {
      Review: {
        __resolveReference: ({ id }: { id: string }) => REVIEWS.find((review) => review.id === id),
        author: () => ({ id: '1', username: 'urigo' }),
      },
      User: {
        __resolveReference: ({ id }: { id: string }) => ({ id, username: 'user' }),
        reviews: () => REVIEWS.slice(0, 2),
      },
      Product: {
        __resolveReference: ({ upc }: { upc: string }) => ({ upc }),
        reviews: ({ upc }: Product) => REVIEWS.filter((review) => review.product.upc === upc),
      },
    },
  },
} as const;

export type SubgraphName = keyof typeof SUBGRAPHS;

const MAX_CACHED_ANSWERS = 1_000;

/** Starts the four subgraphs on one port (`/accounts`, ...); resolves with that port. */
export async function startBenchSubgraphs(port = 0): Promise<{ port: number; close(): Promise<void> }> {
  const schemas = new Map<string, GraphQLSchema>(
    Object.entries(SUBGRAPHS).map(([name, { typeDefs, resolvers }]) => [
      `/${name}`,
      buildSubgraphSchema({ typeDefs: parse(typeDefs), resolvers }),
    ]),
  );
  const answers = new Map<string, string>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => void answerRequest());
    const answerRequest = async () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const key = `${req.url} ${body}`;
      let answer = answers.get(key);
      if (answer === undefined) {
        const schema = schemas.get(req.url ?? '');
        if (!schema || req.method !== 'POST') {
          res.writeHead(404).end();
          return;
        }
        const { query, variables, operationName } = JSON.parse(body) as {
          query: string;
          variables?: Record<string, unknown>;
          operationName?: string;
        };
        const document = parse(query);
        const errors = validate(schema, document);
        const result =
          errors.length > 0
            ? { errors }
            : await execute({ schema, document, variableValues: variables, operationName });
        answer = JSON.stringify(result);
        if (answers.size < MAX_CACHED_ANSWERS) answers.set(key, answer);
      }
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(answer) });
      res.end(answer);
    };
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

if (require.main === module) {
  void startBenchSubgraphs().then(({ port }) => console.log(JSON.stringify({ port })));
}
