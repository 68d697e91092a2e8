// The web app's tests: the browser journey (node environment, test/journey.test.ts) and fast
// component/unit tests (`.test.tsx`, each opting into jsdom with a `@jest-environment jsdom` docblock).
// SWC here also parses TSX with React's automatic runtime, and transforms `marked`, which ships as
// ES modules only.
const preset = require('../../jest.preset');

const swc = (syntax) => [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', tsx: syntax === 'tsx' },
      target: 'es2022',
      transform: { react: { runtime: 'automatic' } },
    },
    module: { type: 'commonjs' },
  },
];

module.exports = preset(__dirname, {
  transform: {
    '^.+\\.tsx$': swc('tsx'),
    '^.+\\.(ts|js|mjs|cjs)$': swc('ts'),
  },
  setupFiles: ['<rootDir>/test/jsdom.setup.ts'],
  transformIgnorePatterns: ['/node_modules/(?!marked/)'],
  testMatch: [
    '<rootDir>/src/**/*.test.ts',
    '<rootDir>/src/**/*.test.tsx',
    '<rootDir>/test/**/*.test.ts',
    '<rootDir>/test/**/*.test.tsx',
  ],
});
