/**
 * examples/deploy/docker-compose.yml describes the same installation that `npm run start:queue` and
 * the queue-mode e2e suite run (scripts/lib/queue-stack.js): the same n8n processes and the same
 * queue-mode variables. It cannot run here (no Docker), so this keeps it from drifting.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { queueEnv } = require('../../scripts/lib/queue-stack');

const COMPOSE = fs.readFileSync(path.join(__dirname, '..', '..', 'examples', 'deploy', 'docker-compose.yml'), 'utf8');

/** The `KEY: value` lines of the `x-n8n-env` anchor block (comments dropped, quotes removed). */
function composeN8nEnv(): Record<string, string> {
	const block = /^x-n8n-env: &n8n-env\n((?:[ \t].*\n|\s*\n)+)/m.exec(COMPOSE)?.[1] ?? '';
	const env: Record<string, string> = {};
	for (const line of block.split('\n')) {
		const match = /^\s+([A-Z0-9_]+):\s*(.*)$/.exec(line);
		if (match) env[match[1]] = match[2].replace(/^"(.*)"$/, '$1');
	}
	return env;
}

/** Values that differ by design: hosts, ports and secrets of the deployment. */
const PER_DEPLOYMENT = ['QUEUE_BULL_REDIS_HOST', 'QUEUE_BULL_REDIS_PORT', 'DB_POSTGRESDB_HOST', 'DB_POSTGRESDB_PORT', 'DB_POSTGRESDB_PASSWORD', 'N8N_ENCRYPTION_KEY', 'WEBHOOK_URL'];

describe('examples/deploy/docker-compose.yml', () => {
	const local: Record<string, string> = queueEnv({ pgPort: 5432, redisPort: 6379, encryptionKey: 'k', webhookUrl: 'http://127.0.0.1:1/' });
	const compose = composeN8nEnv();

	it('sets every queue-mode variable the local stack sets, with the same values', () => {
		expect(Object.keys(compose)).toEqual(expect.arrayContaining(Object.keys(local)));
		for (const [key, value] of Object.entries(local)) {
			if (PER_DEPLOYMENT.includes(key)) expect(compose[key]).toBeTruthy();
			else expect([key, compose[key]]).toEqual([key, value]);
		}
	});

	it('runs the processes the local stack runs: main, workers, webhook processor, PostgreSQL, Redis', () => {
		const services = [...COMPOSE.matchAll(/^ {2}([a-z0-9-]+):\n/gm)].map((match) => match[1]);
		expect(services).toEqual(expect.arrayContaining(['postgres', 'redis', 'n8n-main', 'n8n-worker', 'n8n-webhook']));
		expect([...COMPOSE.matchAll(/^\s+command: (start|worker|webhook)$/gm)].map((match) => match[1])).toEqual(['start', 'worker', 'webhook']);
		expect(COMPOSE).toMatch(/replicas: 2/);
		expect(COMPOSE).toMatch(/FROM n8nio\/n8n:2\.41\.1/);
		expect(COMPOSE).toMatch(/npm install .*n8n-nodes-seedance/);
	});
});
