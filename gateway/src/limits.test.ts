import {
  Kind,
  buildSchema,
  getIntrospectionQuery,
  parse,
  validate,
  type FragmentDefinitionNode,
  type GraphQLError,
  type OperationDefinitionNode,
} from 'graphql';
import {
  countTokens,
  tokenLimitError,
  maxAliasesRule,
  maxCostRule,
  maxDepthRule,
  operationAliases,
  operationCost,
  operationDepth,
} from './limits';

const schema = buildSchema(`
  type Query {
    course(id: ID!): Course
    courses(first: Int, last: Int): CourseConnection!
    tags: [String!]!
    featured: [Course!]!
  }
  type CourseConnection { edges: [CourseEdge!]! nodes: [Course!]! totalCount: Int! }
  type CourseEdge { cursor: String! node: Course! }
  type Course {
    id: ID!
    title: String!
    modules: [Module!]!
    related(first: Int): [Course!]!
    author: User!
  }
  type Module { id: ID! title: String! course: Course! }
  type User { id: ID! name: String! courses(first: Int): CourseConnection! }
`);

function measure(query: string, variables: Record<string, unknown> = {}) {
  const document = parse(query);
  const operation = document.definitions.find(
    (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
  )!;
  const fragments = (name: string) =>
    document.definitions.find(
      (d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION && d.name.value === name,
    );
  return {
    ...operationDepth(operation, fragments),
    aliases: operationAliases(operation, fragments),
    cost: operationCost(schema, operation, fragments, variables),
  };
}

const errorsOf = (query: string, rules: Parameters<typeof validate>[2]) =>
  validate(schema, parse(query), rules).map((error) => ({
    message: error.message,
    code: error.extensions.code,
  }));

describe('operation depth', () => {
  it('counts the longest chain of nested fields and ignores __typename', () => {
    expect(measure('{ course(id: 1) { __typename author { name } } tags }').depth).toBe(3);
  });

  it('follows named and inline fragments', () => {
    const query = `
      { course(id: 1) { ...C } }
      fragment C on Course { ... on Course { modules { course { author { id } } } } }`;
    expect(measure(query).depth).toBe(5);
  });

  it('terminates on cyclic fragments, which the standard rules reject', () => {
    const query = `{ course(id: 1) { ...A } } fragment A on Course { author { courses { nodes { ...A } } } }`;
    expect(measure(query).depth).toBe(4);
    expect(errorsOf(query, [maxDepthRule(12)])).toEqual([]);
  });

  it('rejects a depth bomb with the measured depth and the limit', () => {
    const query = `{ course(id: 1) { ${'modules { course { '.repeat(10)}id${' } }'.repeat(10)} } }`;
    expect(errorsOf(query, [maxDepthRule(12)])).toEqual([
      { message: 'Query depth 22 exceeds the limit of 12.', code: 'OPERATION_TOO_COMPLEX' },
    ]);
  });

  it('accepts an operation exactly at the limit', () => {
    expect(errorsOf('{ course(id: 1) { author { courses { nodes { id } } } } }', [maxDepthRule(5)])).toEqual(
      [],
    );
    expect(errorsOf('{ course(id: 1) { author { courses { nodes { id } } } } }', [maxDepthRule(4)])).toEqual([
      { message: 'Query depth 5 exceeds the limit of 4.', code: 'OPERATION_TOO_COMPLEX' },
    ]);
  });

  it('lets the standard introspection query through at the default limit but bounds introspection too', () => {
    expect(errorsOf(getIntrospectionQuery(), [maxDepthRule(12)])).toEqual([]);
    const deepIntrospection = `{ __schema { types { fields { type { ${'ofType { '.repeat(25)}name${' }'.repeat(25)} } } } } }`;
    expect(errorsOf(deepIntrospection, [maxDepthRule(12)])).toEqual([
      { message: 'Introspection query depth 30 exceeds the limit of 24.', code: 'OPERATION_TOO_COMPLEX' },
    ]);
  });

  it('does not let an introspection field hide a deep regular field', () => {
    const query = `{ __schema { queryType { name } } course(id: 1) { ${'modules { course { '.repeat(6)}id${' } }'.repeat(6)} } }`;
    expect(measure(query)).toMatchObject({ depth: 14, introspectionDepth: 3 });
  });
});

describe('aliases', () => {
  it('counts every aliased field, once per fragment spread', () => {
    const query = `{ a: tags b: course(id: 1) { ...F } c: course(id: 2) { ...F } } fragment F on Course { x: id y: title }`;
    expect(measure(query).aliases).toBe(7);
  });

  it('rejects an alias bomb', () => {
    const query = `{ ${Array.from({ length: 100 }, (_, i) => `a${i}: tags`).join(' ')} }`;
    expect(errorsOf(query, [maxAliasesRule(30)])).toEqual([
      { message: 'Query alias count 100 exceeds the limit of 30.', code: 'OPERATION_TOO_COMPLEX' },
    ]);
  });

  it('counts a fragment shared by many spreads without walking it exponentially', () => {
    const levels = 30;
    const fragments = Array.from(
      { length: levels },
      (_, i) =>
        `fragment F${i} on Course { ${i === levels - 1 ? 'x: id' : `...F${i + 1} ... on Course { ...F${i + 1} }`} }`,
    ).join('\n');
    expect(measure(`{ course(id: 1) { ...F0 } } ${fragments}`).aliases).toBe(2 ** (levels - 1));
  });
});

describe('cost', () => {
  it('charges 1 per field and multiplies a subtree by first', () => {
    // course 1 + (id 1 + related 1 + 5 * (id 1 + title 1))
    expect(measure('{ course(id: 1) { id related(first: 5) { id title } } }').cost).toBe(13);
  });

  it('assumes 10 items for a list without first or last', () => {
    // featured 1 + 10 * (id 1 + modules 1 + 10 * (title 1))
    expect(measure('{ featured { id modules { title } } }').cost).toBe(121);
  });

  it('does not multiply the edges and nodes of a paginated connection again', () => {
    // courses 1 + 50 * (totalCount 1 + edges (1 + 1 * (cursor 1 + node (1 + id 1))) + nodes (1 + 1 * id 1))
    expect(
      measure('{ courses(first: 50) { totalCount edges { cursor node { id } } nodes { id } } }').cost,
    ).toBe(351);
  });

  it('reads first from variables, then from the variable default, and takes the larger of first and last', () => {
    const query = 'query ($n: Int = 3) { course(id: 1) { related(first: $n) { id } } }';
    expect(measure(query, { n: 100 }).cost).toBe(1 + 1 + 100);
    expect(measure(query).cost).toBe(1 + 1 + 3);
    expect(measure('{ courses(first: 2, last: 7) { totalCount } }').cost).toBe(1 + 7);
  });

  it('follows fragments with their type conditions and ignores introspection', () => {
    const query = `{ __schema { types { name } } course(id: 1) { ...C } } fragment C on Course { related(first: 4) { ...T } } fragment T on Course { title }`;
    expect(measure(query).cost).toBe(1 + 1 + 4 * 1);
  });

  it('rejects an operation above the cost limit with the measured cost', () => {
    const query = '{ courses(first: 100) { nodes { related(first: 100) { id title } } } }';
    // courses 1 + 100 * (nodes 1 + 1 * (related 1 + 100 * 2)) = 20201
    expect(errorsOf(query, [maxCostRule(20_000)])).toEqual([
      { message: 'Query cost 20201 exceeds the limit of 20000.', code: 'OPERATION_TOO_COMPLEX' },
    ]);
    expect(errorsOf(query, [maxCostRule(20_201)])).toEqual([]);
  });
});

describe('token count', () => {
  it('counts what graphql-js counts against maxTokens, comments excluded', () => {
    const query = '# a comment\n{ course(id: "1") { id title } }';
    // { course ( id : "1" ) { id title } }
    expect(countTokens(query)).toBe(12);
    expect(() => parse(query, { maxTokens: 12 })).not.toThrow();
    expect(() => parse(query, { maxTokens: 11 })).toThrow(/Document contains more tha[nt] 11 tokens/);
  });

  it('counts the tokens before a syntax error', () => {
    expect(countTokens('{ a b "unterminated')).toBe(3);
  });

  const parseErrorOf = (query: string, maxTokens: number) => {
    try {
      parse(query, { maxTokens });
    } catch (error) {
      return error as GraphQLError;
    }
    throw new Error('expected a syntax error');
  };

  it('recognises graphql-js aborting at the token limit by the error position', () => {
    const query = `{ ${'a '.repeat(20)}}`; // 22 tokens
    const position = parseErrorOf(query, 10).positions?.[0] ?? -1;
    const error = tokenLimitError(query, position, 10);
    expect(error?.message).toBe('Query token count 22 exceeds the limit of 10.');
    expect(error?.extensions).toMatchObject({
      code: 'OPERATION_TOO_COMPLEX',
      limit: 'tokens',
      value: 22,
      maximum: 10,
    });
  });

  it('leaves a genuine syntax error early in a long document alone', () => {
    const query = `{ a(b c) ${'d '.repeat(30)}}`; // 37 tokens, the error is at the 5th
    const error = parseErrorOf(query, 10);
    expect(error.message).toBe('Syntax Error: Expected ":", found Name "c".');
    expect(tokenLimitError(query, error.positions?.[0] ?? -1, 10)).toBeUndefined();
  });
});
