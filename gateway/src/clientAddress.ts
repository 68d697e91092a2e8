/**
 * The end client's address, forwarded to subgraphs for per-address limits (log-in). Directly
 * exposed, it is the socket's peer. Behind N trusted proxies (a load balancer, an ingress), it is
 * the N-th address from the right of `X-Forwarded-For`: each proxy appends the peer it saw, so
 * addresses further left were written by the client and prove nothing.
 */
import type { IncomingMessage } from 'node:http';

export function clientAddressOf(
  req: Pick<IncomingMessage, 'headers' | 'socket'>,
  trustedProxyHops: number,
): string | null {
  const peer = req.socket.remoteAddress ?? null;
  if (trustedProxyHops <= 0) return peer;
  const header = req.headers['x-forwarded-for'];
  const chain = (Array.isArray(header) ? header.join(',') : (header ?? ''))
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  // Fewer entries than trusted hops: the request did not come through all the proxies.
  return chain[chain.length - trustedProxyHops] ?? peer;
}
