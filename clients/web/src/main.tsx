/**
 * Entry point: one session manager and one Apollo Client for the page, then the router.
 */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { ApolloProvider } from '@apollo/client';
import { createApolloClient } from './apollo';
import { SessionManager } from './auth/session';
import { SessionContext } from './auth/SessionContext';
import { GRAPHQL_URL } from './config';
import { App } from './App';
import './styles.css';

const session = new SessionManager(GRAPHQL_URL);
const client = createApolloClient(GRAPHQL_URL, session);
void session.start().catch(() => undefined);

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <SessionContext.Provider value={session}>
      <ApolloProvider client={client}>
        <App />
      </ApolloProvider>
    </SessionContext.Provider>
  </StrictMode>,
);
