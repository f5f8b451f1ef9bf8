/**
 * How the queue bench counts executions (bench/lib/executionTally.js), against a real PostgreSQL
 * (the queue stack's own private cluster, no n8n): one row per execution in n8n's execution_entity,
 * counted by status, so a burst whose executions start out of id order, and finish at the same
 * moment, is counted exactly once each. The bench once paged through GET /rest/executions instead
 * and reported "202 of 200 succeeded" (n8n 2.41 pages by id while ordering by start time).
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { QueueStack } = require('../../scripts/lib/queue-stack');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { executionTally } = require('../../bench/lib/executionTally');

interface Database {
	startPostgres(): Promise<void>;
	stop(): Promise<void>;
	remove(): void;
	sql(statement: string): Promise<string[][]>;
}

interface Tally {
	byStatus: Record<string, number>;
	total: number;
	finished: number;
	lastStoppedAt: number;
}

const BENCH_WORKFLOW = 'benchQueueHook01';
const OTHER_WORKFLOW = 'otherWorkflow001';
const EXECUTIONS = 200;
const BURST_START = Date.UTC(2026, 11, 2, 12, 0, 0);

function requireEnv(name: string): string {
	const value = process.env[name];
	if (!value) throw new Error(`${name} is not set: run with test/e2e-queue/jest.config.js`);
	return value;
}

let database: Database;
beforeAll(async () => {
	database = new QueueStack({
		tools: { redisServer: requireEnv('SEEDANCE_QUEUE_REDIS_SERVER'), pgBin: requireEnv('SEEDANCE_QUEUE_PG_BIN') },
		say: () => undefined,
	}) as Database;
	await database.startPostgres();
	// The columns the tally reads, named as n8n 2.41's execution_entity names them.
	await database.sql(
		'CREATE TABLE execution_entity (id serial PRIMARY KEY, "workflowId" varchar(36) NOT NULL, status varchar NOT NULL, "startedAt" timestamptz, "stoppedAt" timestamptz, "deletedAt" timestamptz)',
	);
}, 120000);

afterAll(async () => {
	await database?.stop();
	database?.remove();
});

/** Rows in id order (creation), as a queue-mode burst leaves them: started in another order, some stopping at the same moment. */
async function insertBurst(workflowId: string, statuses: string[]): Promise<number> {
	const values = statuses.map((status, index) => {
		// Workers pick the jobs up out of creation order: start times run backwards in blocks of 10.
		const startedAt = BURST_START + (statuses.length - index) * 100 + (index % 10) * 7;
		const stopped = ['new', 'running', 'waiting'].includes(status) ? 'NULL' : `to_timestamp(${(BURST_START + 60_000 + (index % 20) * 1000) / 1000})`;
		return `('${workflowId}', '${status}', to_timestamp(${startedAt / 1000}), ${stopped})`;
	});
	await database.sql(`INSERT INTO execution_entity ("workflowId", status, "startedAt", "stoppedAt") VALUES ${values.join(', ')}`);
	return BURST_START + 60_000 + 19 * 1000;
}

test('a burst of 200 executions started out of order is counted once each, by status, and only this workflow', async () => {
	const statuses = [...Array<string>(197).fill('success'), 'error', 'error', 'waiting'];
	const lastStop = await insertBurst(BENCH_WORKFLOW, statuses);
	await insertBurst(OTHER_WORKFLOW, Array<string>(30).fill('success'));

	const tally = (await executionTally(database, BENCH_WORKFLOW)) as Tally;

	expect(tally.total).toBe(EXECUTIONS);
	expect(tally.byStatus).toEqual({ success: 197, error: 2, waiting: 1 });
	// The waiting one has not ended: the bench keeps polling until it has.
	expect(tally.finished).toBe(199);
	expect(tally.lastStoppedAt).toBe(lastStop);
});

test('a workflow without executions counts none', async () => {
	expect(await executionTally(database, 'noSuchWorkflow01')).toEqual({ byStatus: {}, total: 0, finished: 0, lastStoppedAt: 0 });
});

test('a workflow id that is not a plain word is refused before it reaches the SQL', async () => {
	await expect(executionTally(database, "x' OR '1'='1")).rejects.toThrow('unexpected workflow id');
});
