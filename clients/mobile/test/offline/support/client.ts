/**
 * A real Apollo client over HTTP to the fake gateway. The cache carries the app's policy for
 * progress rows (no id of their own, merged into their lesson), as web's createCache has it; once
 * core's shared cache (`@learncraft/operations/cache`) lands, this should use it.
 */
import { ApolloClient, HttpLink, InMemoryCache, type NormalizedCacheObject } from '@apollo/client';
import { nodeFetch } from './nodeFetch';

export function testClient(url: string): ApolloClient<NormalizedCacheObject> {
  return new ApolloClient({
    link: new HttpLink({ uri: url, fetch: nodeFetch }),
    cache: new InMemoryCache({ typePolicies: { LessonProgress: { keyFields: false, merge: true } } }),
  });
}
