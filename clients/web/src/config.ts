/**
 * Build-time settings of the web app. The GraphQL endpoint is the gateway at the same origin unless
 * VITE_GRAPHQL_URL was set when the app was built.
 */
export const GRAPHQL_URL: string = (import.meta.env.VITE_GRAPHQL_URL as string | undefined) || '/graphql';
