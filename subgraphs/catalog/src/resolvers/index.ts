/** The catalog resolver map. */
import { GraphQLError, GraphQLScalarType, Kind } from 'graphql';
import { Course, LabContent, LessonContentUnion, Lesson, Module, QuizContent, User } from './entities';
import { Mutation } from './mutation';
import { Query } from './query';

/** ISO-8601 strings in and out; stores keep timestamps as ISO strings already. */
export const DateTime = new GraphQLScalarType({
  name: 'DateTime',
  description: 'An ISO-8601 date-time string in UTC.',
  serialize: (value) => {
    if (value instanceof Date) return value.toISOString();
    if (typeof value === 'string') return new Date(value).toISOString();
    throw new GraphQLError('DateTime cannot represent this value.');
  },
  parseValue: (value) => parseDateTime(value),
  parseLiteral: (ast) => parseDateTime(ast.kind === Kind.STRING ? ast.value : null),
});

function parseDateTime(value: unknown): string {
  if (typeof value === 'string' && !Number.isNaN(Date.parse(value))) return new Date(value).toISOString();
  throw new GraphQLError('DateTime must be an ISO-8601 string.', { extensions: { code: 'BAD_USER_INPUT' } });
}

export const resolvers = {
  DateTime,
  Query,
  Mutation,
  Course,
  Module,
  Lesson,
  LessonContent: LessonContentUnion,
  QuizContent,
  LabContent,
  User,
};
