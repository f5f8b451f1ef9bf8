'use strict';
/**
 * How the queue bench counts a workflow's executions: by status, in n8n's database (PostgreSQL in
 * queue mode), one row per execution. Not from GET /rest/executions: n8n 2.41 answers its first page
 * with the running executions and the finished ones read in two queries (one that finishes in between
 * is listed twice), and pages on by id while ordering by start time
 * (dist/executions/execution-list-v1.service.js), which in queue mode repeats some executions and
 * skips others: the table once read "202 of 200 succeeded".
 */

/** Statuses of an execution that has not ended yet. */
const UNFINISHED = ['new', 'running', 'waiting'];

/**
 * The workflow's executions by status, how many there are, how many ended, and the last stoppedAt
 * (ms since the epoch, 0 when none stopped). `database.sql(statement)` resolves with rows of text
 * columns (QueueStack.sql).
 */
async function executionTally(database, workflowId) {
	if (!/^\w+$/.test(workflowId)) throw new Error(`unexpected workflow id ${workflowId}`);
	const rows = await database.sql(`SELECT status, count(*), (extract(epoch from max("stoppedAt")) * 1000)::bigint FROM execution_entity WHERE "workflowId" = '${workflowId}' GROUP BY status`);
	const byStatus = Object.fromEntries(rows.map(([status, count]) => [status, Number(count)]));
	const total = Object.values(byStatus).reduce((sum, count) => sum + count, 0);
	const unfinished = UNFINISHED.reduce((sum, status) => sum + (byStatus[status] ?? 0), 0);
	const lastStoppedAt = Math.max(0, ...rows.map((row) => Number(row[2]) || 0));
	return { byStatus, total, finished: total - unfinished, lastStoppedAt };
}

module.exports = { executionTally, UNFINISHED };
