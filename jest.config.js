/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // Type-checking runs once in `npm run typecheck`; with isolatedModules in tsconfig.json
  // ts-jest only transpiles each file.
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json', diagnostics: false }],
  },
  moduleNameMapper: {
    '^grpc-drain$': '<rootDir>/src/index.ts',
    '^grpc-drain/pulumi/policy$': '<rootDir>/src/pulumi/policy/index.ts',
    '^grpc-drain/(.*)$': '<rootDir>/src/$1/index.ts',
  },
  testTimeout: 60000,
  // @pulumi/pulumi keeps its runtime state on globalThis; jest's cleanup of it only warns.
  testEnvironmentOptions: { globalsCleanup: 'off' },
  // A user's `npm install` inside examples/pulumi must not shadow the root's @pulumi/* (the mocks).
  modulePathIgnorePatterns: ['<rootDir>/examples/pulumi/node_modules'],
};
