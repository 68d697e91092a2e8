/**
 * An Apollo link that tells the connection state how each request to the gateway went: a
 * network error (no answer, or an answer that is not the gateway's — a captive portal's page)
 * marks the app offline, any answer from the gateway marks it online again. No react-native
 * import, so the app's Apollo client can put it in its chain and still run in Node.
 */
import { ApolloLink, Observable } from '@apollo/client';
import { connection as appConnection, type ConnectionState } from './connectionState';
import { isNetworkFailure } from './errors';

export function createNetworkReportingLink(connection: ConnectionState = appConnection): ApolloLink {
  return new ApolloLink(
    (operation, forward) =>
      new Observable((observer) => {
        const subscription = forward(operation).subscribe({
          next: (result) => {
            connection.reportNetworkSuccess();
            observer.next(result);
          },
          error: (error: unknown) => {
            if (isNetworkFailure(error)) connection.reportNetworkFailure();
            else connection.reportNetworkSuccess();
            observer.error(error);
          },
          complete: () => observer.complete(),
        });
        return () => subscription.unsubscribe();
      }),
  );
}
