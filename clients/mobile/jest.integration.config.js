// The app's Apollo client against the real gateway and subgraphs (test/integration): Node
// environment and the monorepo's SWC transform, as the web app's journey tests run. The jest-expo
// project (jest.config.js) keeps the component and hook tests.
const preset = require('../../jest.preset');

module.exports = preset(__dirname, {
  displayName: 'mobile-integration',
  testMatch: ['<rootDir>/test/integration/**/*.test.ts'],
});
