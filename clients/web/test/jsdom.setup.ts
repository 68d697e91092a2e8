/**
 * Fills what jsdom leaves out of a browser and the web app's libraries need (React Router encodes
 * URLs with TextEncoder). Does nothing in the node environment of the browser journey.
 */
import { TextDecoder, TextEncoder } from 'node:util';

if (typeof window !== 'undefined') {
  globalThis.TextEncoder ??= TextEncoder;
  globalThis.TextDecoder ??= TextDecoder as typeof globalThis.TextDecoder;
}
