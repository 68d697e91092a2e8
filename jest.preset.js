// Shared Jest setup: TypeScript through SWC (type checking is `npm run typecheck`), Node environment.
// SWC also transforms `marked` (the gateway's docs and the web app render Markdown with it), which
// ships as ES modules only: every project that loads the gateway needs that.
const path = require('node:path');

module.exports = (dir, overrides = {}) => ({
  displayName: path.relative(__dirname, dir) || 'root',
  rootDir: dir,
  testEnvironment: 'node',
  transform: {
    '^.+\\.(t|j)sx?$': [
      '@swc/jest',
      { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } },
    ],
  },
  testMatch: ['<rootDir>/src/**/*.test.ts', '<rootDir>/test/**/*.test.ts'],
  testTimeout: 120_000,
  transformIgnorePatterns: ['/node_modules/(?!marked/)'],
  setupFilesAfterEnv: [path.join(__dirname, 'jest.setup.js')],
  ...overrides,
});
