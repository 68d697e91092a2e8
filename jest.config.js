// `npm test` runs every package's suite as one Jest run, then prints a one-line summary for CI.
module.exports = {
  projects: [
    '<rootDir>/subgraphs/*',
    '<rootDir>/gateway',
    '<rootDir>/schema',
    '<rootDir>/deploy',
    '<rootDir>/clients/web',
    '<rootDir>/clients/mobile',
    '<rootDir>/clients/mobile/jest.integration.config.js',
  ],
  reporters: ['default', '<rootDir>/jest.summary.js'],
  maxWorkers: 2,
  testTimeout: 120_000,
};
