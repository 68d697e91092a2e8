/** The progress subgraph's resolver map. */
import { DateTime } from '@learncraft/kit';
import { enrollmentResolvers } from './enrollment';
import { entityResolvers } from './entities';
import { mutationResolvers } from './mutations';
import { subscriptionResolvers } from './subscription';

export const resolvers = {
  DateTime,
  ...enrollmentResolvers,
  ...entityResolvers,
  ...mutationResolvers,
  ...subscriptionResolvers,
};
