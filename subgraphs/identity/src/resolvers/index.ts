/** The identity resolver map handed to the kit's server. */
import type { SubgraphServerOptions } from '@learncraft/kit';
import type { IdentityContext } from '../context';
import { DateTime } from './dateTime';
import { passwordResetComplete } from './passwordResetComplete';
import { passwordResetRequest } from './passwordResetRequest';
import { queryResolvers } from './query';
import { sessionCreate } from './sessionCreate';
import { sessionRefresh } from './sessionRefresh';
import { sessionRevoke } from './sessionRevoke';
import { sessionResolvers } from './session';
import { userResolvers } from './user';
import { userRegister } from './userRegister';

export const resolvers = {
  DateTime,
  Query: queryResolvers,
  Mutation: {
    userRegister,
    sessionCreate,
    sessionRefresh,
    sessionRevoke,
    passwordResetRequest,
    passwordResetComplete,
  },
  User: userResolvers,
  Session: sessionResolvers,
} satisfies SubgraphServerOptions<IdentityContext>['resolvers'];
