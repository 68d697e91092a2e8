/** The commerce subgraph's resolver map. */
import { DateTime } from '@learncraft/kit';
import { entityResolvers } from './entities';
import { mutationResolvers } from './mutations';
import { queryResolvers } from './queries';

export const resolvers = {
  DateTime,
  ...queryResolvers,
  ...entityResolvers,
  ...mutationResolvers,
};
