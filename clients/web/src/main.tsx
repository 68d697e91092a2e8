/**
 * Entry point: one session manager and one Apollo Client for the page, the landing page's data
 * started early, then the router.
 */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { ApolloProvider } from '@apollo/client';
import { createApolloClient } from './apollo';
import { SessionManager } from './auth/session';
import { SessionContext } from './auth/SessionContext';
import { GRAPHQL_URL } from './config';
import { App } from './App';
import { prefetchRouteData } from './routeData';
import './styles.css';

const session = new SessionManager(GRAPHQL_URL);
const client = createApolloClient(GRAPHQL_URL, session);
void session.start().catch(() => undefined);
prefetchRouteData(client, window.location.pathname);

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <SessionContext.Provider value={session}>
      <ApolloProvider client={client}>
        <App />
      </ApolloProvider>
    </SessionContext.Provider>
  </StrictMode>,
);
