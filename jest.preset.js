// Shared Jest setup: TypeScript through SWC (type checking is `npm run typecheck`), Node environment.
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
  setupFilesAfterEnv: [path.join(__dirname, 'jest.setup.js')],
  ...overrides,
});
