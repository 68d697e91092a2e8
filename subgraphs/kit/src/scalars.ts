/** The DateTime scalar every subgraph that has timestamps uses: ISO-8601 strings on the wire, Date objects (or ISO strings) inside. */
import { GraphQLScalarType, Kind } from 'graphql';
import { badUserInput } from './errors';

export const DateTime = new GraphQLScalarType({
  name: 'DateTime',
  description: 'An ISO-8601 date-time string in UTC.',
  serialize(value) {
    if (value instanceof Date) return value.toISOString();
    if (typeof value === 'string') return new Date(value).toISOString();
    throw new TypeError('DateTime cannot represent this value');
  },
  parseValue(value) {
    return parseDate(value);
  },
  parseLiteral(ast) {
    return parseDate(ast.kind === Kind.STRING ? ast.value : undefined);
  },
});

function parseDate(value: unknown): Date {
  const date = typeof value === 'string' ? new Date(value) : new Date(Number.NaN);
  if (Number.isNaN(date.getTime())) throw badUserInput('DateTime must be an ISO-8601 string.');
  return date;
}
