import {
  buildSchema,
  parse,
  validate,
  specifiedRules,
  type GraphQLError,
  Kind,
  type OperationDefinitionNode,
} from 'graphql';
import {
  DEFAULT_OPERATION_LIMITS,
  UNANNOTATED_LIST_SIZE,
  countTokens,
  fragmentsOf,
  listSizesFromSdl,
  operationCost,
  operationLimitRules,
  tokenLimitError,
  type OperationLimits,
} from '../src/limits';

const SDL = `
  type Query {
    course(id: ID!): Course
    courses(first: Int, last: Int): CourseConnection! @listSize(assumedSize: 20)
    tags: [String!]!
    featured: [Course!]! @listSize(assumedSize: 10)
    unbounded: [Course!]!
  }
  type CourseConnection { edges: [CourseEdge!]! nodes: [Course!]! totalCount: Int! }
  type CourseEdge { cursor: String! node: Course! }
  type Course {
    id: ID!
    title: String!
    modules: [Module!]! @listSize(assumedSize: 50)
    related(first: Int = 3): [Course!]!
  }
  type Module { id: ID! title: String! course: Course! }
  directive @listSize(assumedSize: Int) on FIELD_DEFINITION
`;
const schema = buildSchema(SDL);
const listSizes = listSizesFromSdl(parse(SDL));

const limits = (overrides: Partial<OperationLimits> = {}): OperationLimits => ({
  ...DEFAULT_OPERATION_LIMITS,
  exposeLimits: true,
  ...overrides,
});

function cost(query: string, variables: Record<string, unknown> = {}) {
  const document = parse(query);
  const operation = document.definitions.find(
    (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
  )!;
  return operationCost(schema, operation, fragmentsOf(document), variables, listSizes);
}

const errorsOf = (query: string, options: Partial<OperationLimits> = {}) =>
  validate(schema, parse(query), [...specifiedRules, ...operationLimitRules(limits(options))]).map(
    (error) => ({
      message: error.message,
      extensions: error.extensions,
    }),
  );

describe('depth, aliases and directives (graphql-armor rules)', () => {
  it('rejects a depth bomb with the measured depth and the limit', () => {
    const query = `{ course(id: 1) { ${'modules { course { '.repeat(5)}id${' } }'.repeat(5)} } }`;
    expect(errorsOf(query, { maxDepth: 8 })).toEqual([
      {
        message: 'Query depth 12 exceeds the limit of 8.',
        extensions: {
          code: 'OPERATION_TOO_COMPLEX',
          limit: 'depth',
          value: 12,
          maximum: 8,
          http: { status: 400 },
        },
      },
    ]);
  });

  it('accepts an operation exactly at the limit and counts through fragments', () => {
    const query = '{ course(id: 1) { ...C } } fragment C on Course { modules { course { id } } }';
    expect(errorsOf(query, { maxDepth: 4 })).toEqual([]);
    expect(errorsOf(query, { maxDepth: 3 })).toHaveLength(1);
  });

  it('rejects an alias bomb', () => {
    const query = `{ ${Array.from({ length: 20 }, (_, i) => `a${i}: tags`).join(' ')} }`;
    expect(errorsOf(query)).toEqual([
      {
        message: 'Query alias count 20 exceeds the limit of 15.',
        extensions: {
          code: 'OPERATION_TOO_COMPLEX',
          limit: 'aliases',
          value: 20,
          maximum: 15,
          http: { status: 400 },
        },
      },
    ]);
  });

  it('rejects a directive flood', () => {
    const query = `{ tags ${'@include(if: true) '.repeat(25)} }`;
    expect(errorsOf(query).map((error) => error.extensions.limit)).toContain('directives');
  });

  it('says neither the limit nor the value outside development', () => {
    const query = `{ ${Array.from({ length: 20 }, (_, i) => `a${i}: tags`).join(' ')} }`;
    expect(errorsOf(query, { exposeLimits: false })).toEqual([
      {
        message: 'The operation is too complex (query alias count).',
        extensions: { code: 'OPERATION_TOO_COMPLEX', limit: 'aliases', http: { status: 400 } },
      },
    ]);
  });

  it('allows each single-use mutation once per document, through fragments too', () => {
    const rules = operationLimitRules(limits({ singleUseFields: ['tags'] }));
    const twice = validate(schema, parse('{ a: tags ...F } fragment F on Query { tags }'), rules);
    expect(twice.map((error) => error.message)).toEqual(['tags may appear only once per operation.']);
    expect(validate(schema, parse('{ tags }'), rules)).toEqual([]);
  });
});

describe('cost', () => {
  it('charges 1 per field and multiplies a subtree by first', () => {
    // course 1 + (id 1 + related 1 + 5 * (id 1 + title 1))
    expect(cost('{ course(id: 1) { id related(first: 5) { id title } } }')).toBe(13);
  });

  it("uses the argument's schema default when first is absent", () => {
    expect(cost('{ course(id: 1) { related { id } } }')).toBe(1 + 1 + 3);
  });

  it('counts a list without first by its @listSize, and an unannotated one pessimistically', () => {
    // featured 1 + 10 * (id 1 + modules 1 + 50 * (title 1))
    expect(cost('{ featured { id modules { title } } }')).toBe(1 + 10 * (1 + 1 + 50));
    expect(cost('{ unbounded { id } }')).toBe(1 + UNANNOTATED_LIST_SIZE);
  });

  it('counts a connection without first by its @listSize and does not multiply edges again', () => {
    expect(cost('{ courses { edges { node { id } } } }')).toBe(1 + 20 * (1 + 1 + 1));
    // courses 1 + 50 * (totalCount 1 + edges (1 + cursor 1 + node (1 + id 1)) + nodes (1 + id 1))
    expect(cost('{ courses(first: 50) { totalCount edges { cursor node { id } } nodes { id } } }')).toBe(351);
  });

  it('reads first from variables, then from the variable default, and takes the larger of first and last', () => {
    const query = 'query ($n: Int = 4) { course(id: 1) { related(first: $n) { id } } }';
    expect(cost(query, { n: 100 })).toBe(1 + 1 + 100);
    expect(cost(query)).toBe(1 + 1 + 4);
    expect(cost('{ courses(first: 2, last: 7) { totalCount } }')).toBe(1 + 7);
  });

  it('multiplies an entity fetch by its number of representations', () => {
    const entities = buildSchema(`
      scalar _Any
      union _Entity = Course
      type Course { id: ID! title: String! }
      type Query { _entities(representations: [_Any!]!): [_Entity]! }
    `);
    const document = parse(
      'query ($r: [_Any!]!) { _entities(representations: $r) { ... on Course { id title } } }',
    );
    const operation = document.definitions[0] as OperationDefinitionNode;
    const representations = Array.from({ length: 30 }, (_, i) => ({ __typename: 'Course', id: String(i) }));
    expect(operationCost(entities, operation, fragmentsOf(document), { r: representations })).toBe(
      1 + 30 * 2,
    );
  });
});

describe('token count', () => {
  it('counts what graphql-js counts against maxTokens, comments excluded', () => {
    const query = '# a comment\n{ course(id: "1") { id title } }';
    expect(countTokens(query)).toBe(12);
    expect(() => parse(query, { maxTokens: 12 })).not.toThrow();
    expect(() => parse(query, { maxTokens: 11 })).toThrow(/Document contains more tha[nt] 11 tokens/);
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
    const error = tokenLimitError(query, position, { maxTokens: 10, exposeLimits: true });
    expect(error?.message).toBe('Query token count 22 exceeds the limit of 10.');
  });

  it('leaves a genuine syntax error early in a long document alone', () => {
    const query = `{ a(b c) ${'d '.repeat(30)}}`;
    const error = parseErrorOf(query, 10);
    expect(
      tokenLimitError(query, error.positions?.[0] ?? -1, { maxTokens: 10, exposeLimits: true }),
    ).toBeUndefined();
  });
});
