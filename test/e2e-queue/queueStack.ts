/**
 * The queue-mode stack for the e2e suite: scripts/lib/queue-stack.js (PostgreSQL, Redis, main, two
 * workers, webhook processor) on the template user folder that globalSetup prepared, plus the
 * helpers the tests read it with (which worker ran which execution).
 */
import * as path from 'node:path';

import { login } from '../e2e/n8nInstance';
import { RestClient } from '../e2e/restClient';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { QueueStack: QueueStackJs } = require('../../scripts/lib/queue-stack');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const local = require('../../scripts/lib/n8n-local');

export interface QueueStack {
	dir: string;
	mainUrl: string;
	/** The webhook processor, with a trailing slash (= WEBHOOK_URL). */
	webhookUrl: string;
	workerNames: string[];
	start(options: { importData(stack: QueueStack): Promise<void> }): Promise<QueueStack>;
	stop(): Promise<void>;
	remove(): void;
	log(name: string): string;
	n8nCommand(args: string[]): Promise<string>;
	killWorker(name: string, signal?: string): Promise<unknown>;
	startWorker(name: string): Promise<void>;
	restartRedis(options?: { keepData?: boolean; downMs?: number }): Promise<void>;
	isAlive(name: string): boolean;
	/** One SQL statement on n8n's PostgreSQL database; its rows, as text columns. */
	sql(statement: string): Promise<string[][]>;
}

function requireEnv(name: string): string {
	const value = process.env[name];
	if (!value) throw new Error(`${name} is not set: run with test/e2e-queue/jest.config.js`);
	return value;
}

export function createQueueStack(env: Record<string, string> = {}): QueueStack {
	const template = requireEnv('SEEDANCE_E2E_TEMPLATE');
	return new QueueStackJs({
		nodeBin: requireEnv('SEEDANCE_E2E_NODE_BIN'),
		n8nBin: requireEnv('SEEDANCE_E2E_N8N_BIN'),
		nodesDir: path.join(template, '.n8n', 'nodes'),
		tools: { redisServer: requireEnv('SEEDANCE_QUEUE_REDIS_SERVER'), pgBin: requireEnv('SEEDANCE_QUEUE_PG_BIN') },
		workers: 2,
		hermetic: true,
		env,
		say: (message: string) => process.stderr.write(`[queue stack] ${message}\n`),
	}) as QueueStack;
}

export async function importInto(stack: QueueStack, credentials: Array<{ id: string; name: string; apiKey: string; apiHost: string }>, workflows: unknown[]): Promise<void> {
	await stack.n8nCommand(['import:credentials', '--input', local.writeTempJson('credentials', credentials.map((credential) => local.falCredential(credential)))]);
	await stack.n8nCommand(['import:workflow', '--input', local.writeTempJson('workflows', workflows)]);
}

export async function restClient(stack: QueueStack): Promise<RestClient> {
	return new RestClient(stack.mainUrl, await login(stack.mainUrl));
}

/** Which worker started each execution (n8n logs "Worker started execution N (job M)"), in order. */
export function workerRuns(stack: QueueStack): Array<{ worker: string; executionId: string }> {
	const runs: Array<{ worker: string; executionId: string }> = [];
	for (const worker of stack.workerNames) {
		for (const match of stack.log(worker).matchAll(/Worker started execution (\d+)/g)) runs.push({ worker, executionId: match[1] });
	}
	return runs;
}

export async function until<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 60000): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const value = await probe();
		if (value !== undefined) return value;
		if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs / 1000} s`);
		await new Promise((resolve) => setTimeout(resolve, 250));
	}
}
