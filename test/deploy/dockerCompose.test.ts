/**
 * examples/deploy/docker-compose.yml describes the same installation that `npm run start:queue` and
 * the queue-mode e2e suite run (scripts/lib/queue-stack.js): the same n8n processes and the same
 * queue-mode variables. It cannot run here (no Docker), so this keeps it from drifting.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { queueEnv } = require('../../scripts/lib/queue-stack');

const DEPLOY_DIR = path.join(__dirname, '..', '..', 'examples', 'deploy');
const COMPOSE = fs.readFileSync(path.join(DEPLOY_DIR, 'docker-compose.yml'), 'utf8');
const readDeployFile = (name: string): string => (fs.existsSync(path.join(DEPLOY_DIR, name)) ? fs.readFileSync(path.join(DEPLOY_DIR, name), 'utf8') : '');

/** Each service's block of lines under `services:`, by name. */
function composeServices(): Record<string, string> {
	const section = COMPOSE.slice(COMPOSE.indexOf('\nservices:\n'), COMPOSE.search(/^volumes:/m));
	const services: Record<string, string> = {};
	for (const match of section.matchAll(/^ {2}([a-z0-9-]+):\n((?: {4}.*\n|\s*\n)*)/gm)) services[match[1]] = match[2];
	return services;
}

/** The host side of each published port of a service (`ports: [...]` on one line or as a list). */
function publishedPorts(service: string): string[] {
	const inline = /^ {4}ports: \[(.*)\]$/m.exec(service)?.[1];
	const listed = /^ {4}ports:\n((?: {6}- .*\n)+)/m.exec(service)?.[1];
	const entries = inline ? inline.split(',') : (listed ?? '').split('\n').map((line) => line.replace(/^\s*-\s*/, ''));
	return entries.map((entry) => entry.trim().replace(/^"(.*)"$/, '$1')).filter(Boolean);
}

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

	it('publishes n8n on 127.0.0.1 only: the public way in is the TLS proxy', () => {
		const services = composeServices();
		for (const name of Object.keys(services).filter((service) => service.startsWith('n8n-'))) {
			for (const port of publishedPorts(services[name])) expect([name, port]).toEqual([name, expect.stringMatching(/^127\.0\.0\.1:/)]);
		}
		expect(publishedPorts(services['n8n-main'])).toEqual(['127.0.0.1:5678:5678']);
		expect(publishedPorts(services.proxy)).toEqual(expect.arrayContaining(['443:443']));
		expect(services.proxy).toMatch(/\.\/Caddyfile:\/etc\/caddy\/Caddyfile:ro/);
	});

	it('routes webhooks, resumes and forms to the webhook processors and the rest to the main, over https', () => {
		const caddyfile = readDeployFile('Caddyfile');
		expect(caddyfile).toMatch(/^\{\$N8N_DOMAIN\} \{$/m);
		const webhookPaths = /@webhooks path (.*)$/m.exec(caddyfile)?.[1].split(/\s+/);
		expect(webhookPaths).toEqual(['/webhook/*', '/webhook-waiting/*', '/form/*', '/form-waiting/*']);
		expect(caddyfile).toMatch(/handle @webhooks \{\s*reverse_proxy n8n-webhook:5678\s*\}/);
		expect(caddyfile).toMatch(/handle \{\s*reverse_proxy n8n-main:5678\s*\}/);
		expect(composeN8nEnv().WEBHOOK_URL).toMatch(/N8N_PUBLIC_URL/);
	});

	it('ships the .env.example it names, with every variable the files read and no secret filled in', () => {
		expect(COMPOSE).toMatch(/cp \.env\.example \.env/);
		const example = readDeployFile('.env.example');
		const defined = Object.fromEntries([...example.matchAll(/^([A-Z0-9_]+)=(.*)$/gm)].map((match) => [match[1], match[2]]));
		const used = new Set([...COMPOSE.matchAll(/\$\{([A-Z0-9_]+)/g), ...readDeployFile('Caddyfile').matchAll(/\{\$([A-Z0-9_]+)\}/g)].map((match) => match[1]));
		expect([...used].sort()).toEqual(Object.keys(defined).sort());
		expect(defined.N8N_ENCRYPTION_KEY).toBe('');
		expect(defined.POSTGRES_PASSWORD).toBe('');
		expect(defined.N8N_PUBLIC_URL).toMatch(/^https:\/\/.*\/$/);
	});
});
