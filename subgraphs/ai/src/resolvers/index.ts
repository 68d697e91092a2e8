/** The ai subgraph's resolver map. */
import { DateTime } from '@learncraft/kit';
import { entityResolvers } from './entities';
import { mutationResolvers } from './mutations';
import { subscriptionResolvers } from './subscription';

export const resolvers = {
  DateTime,
  ...entityResolvers,
  ...mutationResolvers,
  ...subscriptionResolvers,
};
