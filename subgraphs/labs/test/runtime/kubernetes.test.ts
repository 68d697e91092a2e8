/**
 * The Kubernetes adapter's suites, in one test file on purpose: @kubernetes/client-node ships only
 * ES modules, loaded with a dynamic import, and Jest's ESM loader fails a second test file that
 * imports the same ES module in one worker. Each suite keeps its own hooks inside its describe.
 */
/* eslint-disable @typescript-eslint/no-require-imports */
describe('the Kubernetes adapter', () => {
  require('./kubernetesAdapter.cases');
});
describe('the Kubernetes warm pool', () => {
  require('./kubernetesWarmPool.cases');
});
describe('the runtime contract on Kubernetes', () => {
  require('./kubernetesContract.cases');
});
