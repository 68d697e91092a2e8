/**
 * The lab terminal through the gateway: only the gateway faces clients, so a browser's terminal
 * WebSocket (`/labs/terminal?token=…`) is accepted here and relayed frame by frame to the labs
 * subgraph's `/terminal`, with the gateway's credential added. The labs subgraph checks the
 * short-lived terminal token; the gateway only relays, preserving text (typed input, output) and
 * binary (control) frames and the close code each side sends.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import WebSocket, { WebSocketServer, type RawData } from 'ws';
import { GATEWAY_HEADER, type Logger, type Metrics } from '@learncraft/kit';

export interface TerminalProxyOptions {
  /** The labs subgraph's GraphQL URL (http://host:port/graphql); its terminal is `/terminal`. */
  labsUrl: string;
  gatewaySecret: string;
  logger: Logger;
  metrics: Metrics;
  /** Largest frame either side may send. */
  maxPayloadBytes?: number;
}

/** Close codes a peer may send that are relayed as they are; anything else becomes 1011. */
const relayable = (code: number) => code === 1000 || code === 1001 || (code >= 4000 && code < 5000);

export function terminalProxy(options: TerminalProxyOptions) {
  const maxPayload = options.maxPayloadBytes ?? 64 * 1024;
  const server = new WebSocketServer({ noServer: true, maxPayload });
  const upstreamBase = new URL(options.labsUrl);
  upstreamBase.protocol = upstreamBase.protocol === 'https:' ? 'wss:' : 'ws:';
  upstreamBase.pathname = '/terminal';
  let open = 0;
  options.metrics.gauge('lab_terminals_active', () => open);

  return (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    const token = new URL(req.url ?? '/', 'http://localhost').searchParams.get('token') ?? '';
    server.handleUpgrade(req, socket, head, (client) => {
      open++;
      const target = new URL(upstreamBase);
      target.searchParams.set('token', token);
      const upstream = new WebSocket(target, {
        headers: { [GATEWAY_HEADER]: options.gatewaySecret },
        maxPayload,
      });
      const pending: { data: RawData; binary: boolean }[] = [];
      let pendingBytes = 0;

      client.on('message', (data, binary) => {
        if (upstream.readyState === WebSocket.OPEN) return upstream.send(data, { binary });
        // Keys typed before the relay is up are kept, within reason.
        pendingBytes += (data as Buffer).length ?? 0;
        if (pendingBytes > maxPayload) return client.close(1009, 'Too much input before the terminal opened');
        pending.push({ data, binary });
      });
      upstream.on('open', () => {
        for (const frame of pending.splice(0)) upstream.send(frame.data, { binary: frame.binary });
      });
      upstream.on('message', (data, binary) => {
        if (client.readyState === WebSocket.OPEN) client.send(data, { binary });
      });
      upstream.on('unexpected-response', (_request, response) => {
        options.logger.warn('lab terminal refused upstream', { status: response.statusCode });
        client.close(4503, 'The lab terminal is unavailable');
      });
      upstream.on('error', (error) => {
        options.logger.warn('lab terminal upstream failed', { reason: error.message });
        if (client.readyState === WebSocket.OPEN) client.close(4503, 'The lab terminal is unavailable');
      });
      upstream.on('close', (code, reason) => {
        if (client.readyState === WebSocket.OPEN)
          client.close(
            relayable(code) ? code : 1011,
            relayable(code) ? reason.toString() : 'Terminal closed',
          );
      });
      client.on('close', (code) => {
        open--;
        if (upstream.readyState === WebSocket.CONNECTING) upstream.terminate();
        else if (upstream.readyState === WebSocket.OPEN) upstream.close(relayable(code) ? code : 1000);
      });
      client.on('error', () => upstream.terminate());
    });
  };
}
