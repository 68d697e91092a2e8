/**
 * The stock gateway of `npm run bench:gateway`: @apollo/gateway + @apollo/server's standalone
 * HTTP server over the benchmark's supergraph, set up the way their docs (and The Guild's
 * benchmark) do. Prints `{"url": ...}` once listening.
 */
import { readFileSync } from 'node:fs';
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';

async function main() {
  const supergraphSdl = readFileSync(process.env.SUPERGRAPH_PATH ?? '', 'utf8');
  const server = new ApolloServer({ gateway: new ApolloGateway({ supergraphSdl }) });
  const { url } = await startStandaloneServer(server, { listen: { port: 0, host: '127.0.0.1' } });
  console.log(JSON.stringify({ url }));
}

void main();
