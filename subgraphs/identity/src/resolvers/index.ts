/** The identity resolver map handed to the kit's server. */
import type { SubgraphServerOptions } from '@learncraft/kit';
import type { IdentityContext } from '../context';
import { apiKeyQuery, apiKeyResolvers } from './apiKey';
import { apiKeyCreate } from './apiKeyCreate';
import { apiKeyRevoke } from './apiKeyRevoke';
import { apiKeyRotate } from './apiKeyRotate';
import { DateTime } from './dateTime';
import { organizationQuery, organizationResolvers } from './organization';
import { organizationCreate } from './organizationCreate';
import { organizationInvitationQuery, organizationInvitationResolvers } from './organizationInvitation';
import { organizationInvitationAccept } from './organizationInvitationAccept';
import { organizationInvitationRevoke } from './organizationInvitationRevoke';
import { organizationMemberResolvers } from './organizationMember';
import { organizationMemberInvite } from './organizationMemberInvite';
import { organizationMemberRemove } from './organizationMemberRemove';
import { organizationMemberRoleSet } from './organizationMemberRoleSet';
import { passwordResetComplete } from './passwordResetComplete';
import { passwordResetRequest } from './passwordResetRequest';
import { queryResolvers } from './query';
import { sessionCreate } from './sessionCreate';
import { sessionRefresh } from './sessionRefresh';
import { sessionRevoke } from './sessionRevoke';
import { sessionResolvers } from './session';
import { userResolvers } from './user';
import { userRegister } from './userRegister';
import {
  webhookDeliveryResolvers,
  webhookEndpointResolvers,
  webhookMutations,
  webhookOrganizationResolvers,
  webhookQueries,
} from './webhooks';

export const resolvers = {
  DateTime,
  Query: {
    ...queryResolvers,
    organization: organizationQuery,
    apiKey: apiKeyQuery,
    organizationInvitation: organizationInvitationQuery,
    ...webhookQueries,
  },
  Mutation: {
    userRegister,
    sessionCreate,
    sessionRefresh,
    sessionRevoke,
    passwordResetRequest,
    passwordResetComplete,
    organizationCreate,
    organizationMemberInvite,
    organizationInvitationRevoke,
    organizationInvitationAccept,
    organizationMemberRemove,
    organizationMemberRoleSet,
    apiKeyCreate,
    apiKeyRotate,
    apiKeyRevoke,
    ...webhookMutations,
  },
  User: userResolvers,
  Session: sessionResolvers,
  Organization: { ...organizationResolvers, ...webhookOrganizationResolvers },
  OrganizationMember: organizationMemberResolvers,
  OrganizationInvitation: organizationInvitationResolvers,
  ApiKey: apiKeyResolvers,
  WebhookEndpoint: webhookEndpointResolvers,
  WebhookDelivery: webhookDeliveryResolvers,
} satisfies SubgraphServerOptions<IdentityContext>['resolvers'];
