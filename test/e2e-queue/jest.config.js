/**
 * The queue-mode end-to-end suite (`npm run e2e:queue`, part of `npm test`, once per n8n line like
 * test/e2e: scripts/e2e-lines.js --queue): the package in n8n with PostgreSQL, Redis, a main, two
 * workers and a webhook processor (scripts/lib/queue-stack.js).
 * Its own config because it needs redis-server/PostgreSQL (installed where missing by globalSetup)
 * and boots one heavy stack that the files share nothing with.
 * @type {import('jest').Config}
 */
module.exports = {
	rootDir: '../..',
	preset: 'ts-jest',
	testEnvironment: 'node',
	roots: ['<rootDir>/test/e2e-queue'],
	testMatch: ['**/*.e2e.ts'],
	transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'test/tsconfig.json' }] },
	globalSetup: '<rootDir>/test/e2e-queue/globalSetup.js',
	globalTeardown: '<rootDir>/test/e2e/globalTeardown.js',
	maxWorkers: 1,
	testTimeout: 240000,
};
