/** The labs subgraph's resolver map. */
import { entityResolvers } from './entities';
import { mutationResolvers } from './mutations';
import { DateTime } from '@learncraft/kit';
import { sessionResolvers } from './session';
import { subscriptionResolvers } from './subscription';

export const resolvers = {
  DateTime,
  ...entityResolvers,
  ...sessionResolvers,
  ...mutationResolvers,
  ...subscriptionResolvers,
};
