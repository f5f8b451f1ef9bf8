/**
 * End-to-end tests in a real n8n 2.41.1 (Node 24), run with `npm run e2e`. Separate from the unit
 * and engine tests (test/**\/*.test.ts) because they need the provisioned n8n and take minutes.
 * @type {import('jest').Config}
 */
module.exports = {
	rootDir: '../..',
	preset: 'ts-jest',
	testEnvironment: 'node',
	roots: ['<rootDir>/test/e2e'],
	testMatch: ['**/*.e2e.ts'],
	transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'test/tsconfig.json' }] },
	globalSetup: '<rootDir>/test/e2e/globalSetup.js',
	globalTeardown: '<rootDir>/test/e2e/globalTeardown.js',
	// Every test drives n8n CLI processes that boot in seconds; they share one CPU budget.
	maxWorkers: 1,
	testTimeout: 180000,
};
