/**
 * Vite build of the web app. The GraphQL endpoint defaults to the same origin (`/graphql`, served
 * by the gateway next to these files); VITE_GRAPHQL_URL overrides it at build time. In `npm run
 * dev` the dev server proxies /graphql (HTTP and WebSocket) to the gateway on port 4000.
 */
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

export default defineConfig({
  plugins: [react()],
  server: {
    proxy: { '/graphql': { target: 'http://127.0.0.1:4000', ws: true } },
  },
  build: { outDir: 'dist', sourcemap: true, chunkSizeWarningLimit: 600 },
});
