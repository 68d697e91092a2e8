/**
 * The web app's Apollo cache: the clients' shared cache and type policies.
 */
export { createCache } from '@learncraft/operations/cache';
