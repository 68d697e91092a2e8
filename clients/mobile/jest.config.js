// The mobile app's tests: component and hook tests on jest-expo's React Native preset. The
// integration tests against the real gateway (test/integration) run in their own Node project,
// jest.integration.config.js.
module.exports = {
  displayName: 'mobile',
  preset: 'jest-expo',
  rootDir: __dirname,
  moduleNameMapper: {
    // marked ships only ES modules to Jest's resolver; its UMD build is the same library in CommonJS.
    '^marked$': require.resolve('marked/package.json').replace(/package\.json$/, 'lib/marked.umd.js'),
    // expo-video needs its native module even to load: every test gets a player it can drive.
    '^expo-video$': '<rootDir>/test/learning/fakeExpoVideo.tsx',
  },
  testMatch: ['<rootDir>/test/**/*.test.ts', '<rootDir>/test/**/*.test.tsx'],
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/integration/'],
};
