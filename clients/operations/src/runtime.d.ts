/**
 * The few globals the shared modules use, declared here because the package is type-checked
 * without DOM or Node typings: its modules run in browsers, React Native (Hermes) and Node alike,
 * and every one of those has these. Each client's own typings describe the real ones.
 */
declare function setTimeout(callback: () => void, ms?: number): number;
declare function clearTimeout(handle: number | undefined): void;
declare function setInterval(callback: () => void, ms?: number): number;
declare function clearInterval(handle: number | undefined): void;

declare class TextEncoder {
  encode(input: string): Uint8Array;
}

declare const WebSocket: new (url: string) => import('./terminal').TerminalSocket;
