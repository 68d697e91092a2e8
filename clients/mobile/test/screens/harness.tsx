/**
 * Renders one screen the way the app does — inside the session, Apollo, downloads and navigation
 * providers — against a GraphQL server made in the test: the client-facing schema
 * (schema/api.graphql) executed with the test's resolvers, so every operation a screen sends is
 * validated and answered as the gateway would shape it. Subscriptions stay open until the test
 * publishes an event. Every other route is a placeholder that says where the screen navigated.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { ComponentType } from 'react';
import { Text } from 'react-native';
import { ApolloClient, ApolloLink, ApolloProvider, Observable, type FetchResult } from '@apollo/client';
import { NavigationContainer, useNavigation, useRoute } from '@react-navigation/native';
import { createNativeStackNavigator } from '@react-navigation/native-stack';
import { render } from '@testing-library/react-native';
import {
  buildSchema,
  execute,
  getOperationAST,
  Kind,
  OperationTypeNode,
  type ExecutionResult,
} from 'graphql';
import { createCache } from '../../../web/src/cache';
import type { RootScreenProps, RootStackParamList } from '../../src/navigation/types';
import { DownloadsProvider } from './stubs/downloads';
import { createStubSession, SessionProvider, SIGNED_IN, type SessionState } from './stubs/session';

/**
 * The root fields a test answers, each called with the field's arguments; nested fields are read
 * from the returned objects (graphql-js's default resolver), abstract types by their `__typename`.
 */
export interface Resolvers {
  Query?: Record<string, (args: never) => unknown>;
  Mutation?: Record<string, (args: never) => unknown>;
}

const schema = buildSchema(readFileSync(path.join(__dirname, '../../../../schema/api.graphql'), 'utf8'));

interface OpenSubscription {
  fieldName: string;
  operation: Parameters<ApolloLink['request']>[0];
  observer: { next(result: FetchResult): void };
}

/** A GraphQL server in the test: queries and mutations run at once, subscriptions wait for `publish`. */
export function createTestServer(resolvers: Resolvers) {
  const open = new Set<OpenSubscription>();
  const operations: { operationName: string; variables: Record<string, unknown> }[] = [];
  const link = new ApolloLink(
    (operation) =>
      new Observable<FetchResult>((observer) => {
        operations.push({ operationName: operation.operationName, variables: operation.variables });
        const definition = getOperationAST(operation.query, operation.operationName);
        if (definition?.operation === OperationTypeNode.SUBSCRIPTION) {
          const selection = definition.selectionSet.selections[0];
          const fieldName = selection?.kind === Kind.FIELD ? selection.name.value : '';
          const entry: OpenSubscription = { fieldName, operation, observer };
          open.add(entry);
          return () => open.delete(entry);
        }
        let active = true;
        const rootValue =
          definition?.operation === OperationTypeNode.MUTATION ? resolvers.Mutation : resolvers.Query;
        void Promise.resolve(
          execute({ schema, document: operation.query, variableValues: operation.variables, rootValue }),
        ).then((result: ExecutionResult) => {
          if (!active) return;
          observer.next(result as FetchResult);
          observer.complete();
        });
        return () => {
          active = false;
        };
      }),
  );
  const client = new ApolloClient({ link, cache: createCache() });

  /** Sends an event to every open subscription on `fieldName` whose variables match. */
  async function publish(fieldName: string, payload: unknown, variables: Record<string, unknown> = {}) {
    for (const entry of open) {
      if (entry.fieldName !== fieldName) continue;
      if (Object.entries(variables).some(([name, value]) => entry.operation.variables[name] !== value))
        continue;
      const result = await execute({
        schema,
        document: entry.operation.query,
        variableValues: entry.operation.variables,
        rootValue: { [fieldName]: payload },
      });
      entry.observer.next(result as FetchResult);
    }
  }

  const subscriptions = (fieldName: string) =>
    [...open].filter((entry) => entry.fieldName === fieldName).map((entry) => entry.operation.variables);

  return { client, publish, operations, subscriptions };
}

const Stack = createNativeStackNavigator<RootStackParamList>();
const ROUTES = [
  'Tabs',
  'Login',
  'Signup',
  'Course',
  'Lesson',
  'Lab',
  'Tutor',
  'Checkout',
  'Orders',
  'Order',
  'Downloads',
] as const satisfies readonly (keyof RootStackParamList)[];

/** Where a screen navigated to, as text a test can find: "Opened Course {"slug":"ts"}". */
function Placeholder({ route }: { route: { name: string; params?: object | undefined } }) {
  return <Text>{`Opened ${route.name} ${JSON.stringify(route.params ?? {})}`}</Text>;
}

/** The screen with the navigation and route props the stack gives it. */
function ScreenUnderTest<Name extends keyof RootStackParamList>(props: {
  component: ComponentType<RootScreenProps<Name>>;
}) {
  const navigation = useNavigation<RootScreenProps<Name>['navigation']>();
  const route = useRoute<RootScreenProps<Name>['route']>();
  const Component = props.component;
  return <Component navigation={navigation} route={route} />;
}

export interface RenderOptions {
  resolvers?: Resolvers;
  session?: SessionState;
}

/**
 * Renders `Component` as the route `name` with `params`. Tab screens (which take no props and
 * use hooks) are rendered as the `Tabs` route.
 */
export async function renderScreen<Name extends keyof RootStackParamList>(
  name: Name,
  Component: ComponentType<RootScreenProps<Name>>,
  params: RootStackParamList[Name],
  options: RenderOptions = {},
) {
  const server = createTestServer(options.resolvers ?? {});
  const session = createStubSession(options.session ?? SIGNED_IN);
  await render(
    <SessionProvider session={session}>
      <ApolloProvider client={server.client}>
        <DownloadsProvider>
          <NavigationContainer>
            <Stack.Navigator initialRouteName={name}>
              {ROUTES.map((route) =>
                route === name ? (
                  <Stack.Screen key={route} name={route} initialParams={params}>
                    {() => <ScreenUnderTest<Name> component={Component} />}
                  </Stack.Screen>
                ) : (
                  <Stack.Screen key={route} name={route} component={Placeholder} />
                ),
              )}
            </Stack.Navigator>
          </NavigationContainer>
        </DownloadsProvider>
      </ApolloProvider>
    </SessionProvider>,
  );
  return { ...server, session };
}
