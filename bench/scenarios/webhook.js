'use strict';
/**
 * 6. Completion latency in "Submit and Wait for Webhook" mode, in a real `n8n start` (the mode
 * needs n8n's /webhook-waiting/ route, which `n8n execute` and n8n-core alone do not serve).
 * Reuses the e2e machinery: test/e2e/globalSetup.js (provision, pack, template user folder),
 * N8nInstance (`n8n start`), RestClient (publish, executions). A Webhook trigger starts each
 * execution; the Seedance node submits its items with `fal_webhook` = the execution's resume URL
 * and waits; the fake fal calls that URL when each job completes; the node checks every job of the
 * execution at fal on each callback and resumes on the last one.
 *
 * Per job, from the fake's log (one clock: n8n runs on the same machine):
 *   completedAt → callback sent (the fake's webhook POST starts)
 *               → noticed: the node's first status request in that callback's window (sent … answered):
 *                 n8n routed the callback, loaded the waiting execution and ran the node's webhook()
 *               → answered: n8n's HTTP answer to the callback (after the status checks)
 * Per execution: the last (accepted) callback → the Seedance node's output (status checks, results,
 * downloads into n8n's binary store) and → the execution's end.
 * Completions are staggered (GAP_MS apart over all executions) so no two callbacks of one execution
 * overlap and each status request belongs to exactly one callback. Skipped with --skip-n8n.
 *
 * Then one execution each of 100 and 500 items (--webhook-batch-sizes), completions BATCH_GAP_MS
 * apart: fal requests per job (submit, status, result, download…; target ≤ 4) and the time n8n takes
 * to answer each callback (target p95 ≤ 0.5 s): the callback used to check every job of the batch,
 * N×N status requests in all, before answering.
 */
require('../lib/ts-register');
const { startFakeFal } = require('../../test/fake-fal');
const globalSetup = require('../../test/e2e/globalSetup');
const globalTeardown = require('../../test/e2e/globalTeardown');
const { N8nInstance, login } = require('../../test/e2e/n8nInstance.ts');
const { RestClient } = require('../../test/e2e/restClient.ts');
const { postPrompts, SEEDANCE_NODE, waitForWebhookWorkflow } = require('../../test/e2e/waitForWebhookWorkflow.ts');
const { API_KEY, IMAGE_URL } = require('../lib/harness');
const { requestIdOf, round, summarise } = require('../lib/stats');

const TARGET_MEDIAN_MS = 100;
/** Batch figures (issue 11): fal requests per job and the callback's answer time. */
const TARGET_REQUESTS_PER_JOB = 4;
const TARGET_ANSWER_P95_MS = 500;
const DEFAULT_BATCH_SIZES = [100, 500];
/** Between completions inside one big batch: 4 callbacks/s, faster than fal finishes a batch at its top concurrency (40 jobs at once, each about a minute). */
const BATCH_GAP_MS = 250;
const BATCH_WORKFLOW_ID = 'benchSeedanceBatch1';
const BATCH_WEBHOOK_PATH = 'seedance-bench-batch';
const WORKFLOW_ID = 'benchSeedanceHook1';
const WEBHOOK_PATH = 'seedance-bench-wait';
const CREDENTIAL = { id: 'benchWaitFal0001', name: 'Fal (bench)' };
/** Every execution is waiting before its first job completes. */
const FIRST_JOB_MS = 2500;
/** Between consecutive completions, over all executions (--webhook-gap-ms). */
const DEFAULT_GAP_MS = 250;

/** Starts one execution of the workflow. */
async function startExecution(baseUrl, prompts) {
	const response = await postPrompts(baseUrl, WEBHOOK_PATH, prompts);
	if (response.status !== 200) throw new Error(`starting an execution: HTTP ${response.status} ${await response.text()}`);
}

/** Per job and per execution timings from the fake's log and the executions' run data. */
function analyse(fake, answeredAt, executions) {
	const executionOf = new Map();
	for (const job of fake.jobs.values()) {
		const executionId = /\/webhook-waiting\/([^/?]+)/.exec(job.webhookUrl ?? '')?.[1];
		if (executionId) executionOf.set(job.requestId, executionId);
	}
	const statusByExecution = new Map();
	for (const entry of fake.requests('status')) {
		const executionId = executionOf.get(requestIdOf(entry));
		if (!statusByExecution.has(executionId)) statusByExecution.set(executionId, []);
		statusByExecution.get(executionId).push(entry.time);
	}
	const accepted = fake.webhooks.filter((record) => record.responseStatus >= 200 && record.responseStatus < 300);
	const windows = new Map();
	for (const record of accepted) {
		const executionId = executionOf.get(record.requestId);
		if (!windows.has(executionId)) windows.set(executionId, []);
		windows.get(executionId).push([record.time, answeredAt.get(record)]);
	}
	let overlapping = 0;
	for (const list of windows.values()) {
		list.sort((a, b) => a[0] - b[0]);
		for (let i = 1; i < list.length; i++) if (list[i][0] < list[i - 1][1]) overlapping++;
	}

	const sent = [];
	const noticed = [];
	const answered = [];
	for (const record of accepted) {
		const job = fake.jobs.get(record.requestId);
		const firstAttempt = fake.webhooks.find((other) => other.requestId === record.requestId);
		const end = answeredAt.get(record);
		const firstCheck = (statusByExecution.get(executionOf.get(record.requestId)) ?? []).find((time) => time >= record.time && time <= end);
		sent.push(firstAttempt.time - job.completedAt);
		if (firstCheck !== undefined) noticed.push(firstCheck - job.completedAt);
		answered.push(end - job.completedAt);
	}
	// Status requests outside every callback's window: polling while waiting (should be none).
	let outside = 0;
	for (const [executionId, times] of statusByExecution) {
		const list = windows.get(executionId) ?? [];
		outside += times.filter((time) => !list.some(([from, to]) => time >= from && time <= to)).length;
	}

	const toOutput = [];
	const toEnd = [];
	for (const execution of executions) {
		const list = windows.get(execution.id);
		const runs = execution.data.resultData.runData[SEEDANCE_NODE] ?? [];
		const run = runs.at(-1);
		if (!list || !run) continue;
		const lastCallback = Math.max(...list.map(([from]) => from));
		toOutput.push(run.startTime + run.executionTime - lastCallback);
		toEnd.push(Date.parse(execution.stoppedAt) - lastCallback);
	}
	return {
		sentMs: summarise(sent),
		noticedMs: summarise(noticed),
		answeredMs: summarise(answered),
		lastCallbackToOutputMs: summarise(toOutput),
		lastCallbackToEndMs: summarise(toEnd),
		callbacks: fake.webhooks.length,
		callbacksRefused: fake.webhooks.filter((record) => !(record.responseStatus >= 200 && record.responseStatus < 300)).length,
		overlappingCallbacks: overlapping,
		statusRequests: fake.requests('status').length,
		statusOutsideCallbacks: outside,
		statusStreams: fake.requests('status-stream').length,
		// Key fetches for the callbacks' signature check (the node caches fal's JWKS).
		jwksRequests: fake.requests('jwks').length,
	};
}

/** The kinds of request the node makes to fal (and its CDN) for a job; key fetches are per process. */
const JOB_REQUEST_KINDS = new Set(['submit', 'status', 'status-stream', 'result', 'cancel', 'download', 'upload-initiate', 'upload-put']);

/** Like RestClient.waitForExecutions, but rides out n8n's "Database is not ready" (503) while SQLite is busy saving a big execution. */
async function waitPatiently(rest, count, timeoutMs) {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const remaining = deadline - Date.now();
		if (remaining <= 0) throw new Error(`the batch execution did not finish within ${timeoutMs / 1000} s`);
		try {
			return await rest.waitForExecutions(BATCH_WORKFLOW_ID, count, Math.min(remaining, 30000));
		} catch (error) {
			if (!/HTTP 503|executions finished within/.test(String(error.message))) throw error;
			await new Promise((resolve) => setTimeout(resolve, 1000));
		}
	}
}

/**
 * One execution of `items` items: fal requests per job (all kinds the node sends, downloads
 * included) and how long n8n took to answer each callback (fal's POST sent → n8n's answer).
 */
async function runBatch(fake, answeredAt, baseUrl, rest, items) {
	const before = await rest.executionCount(BATCH_WORKFLOW_ID);
	const logStart = fake.log.length;
	const webhookStart = fake.webhooks.length;
	// Long enough for every item to be submitted and the execution saved as waiting first.
	const firstJobMs = 4000 + items * 12;
	const prompts = Array.from({ length: items }, (_, k) => `job ${firstJobMs + k * BATCH_GAP_MS} ms`);
	const started = Date.now();
	const response = await postPrompts(baseUrl, BATCH_WEBHOOK_PATH, prompts);
	if (response.status !== 200) throw new Error(`starting the ${items}-item execution: HTTP ${response.status}`);
	const summaries = await waitPatiently(rest, before + 1, firstJobMs + items * BATCH_GAP_MS + 240000);
	const summary = summaries.reduce((newest, candidate) => (Number(candidate.id) > Number(newest.id) ? candidate : newest));
	let data;
	for (let attempt = 0; !data; attempt++) {
		try {
			data = await rest.executionData(summary.id);
		} catch (error) {
			if (attempt > 30 || !/HTTP 503/.test(String(error.message))) throw error;
			await new Promise((resolve) => setTimeout(resolve, 1000));
		}
	}
	if (summary.status !== 'success' || data.resultData.error) throw new Error(`the ${items}-item execution ended ${summary.status}: ${data.resultData.error?.message ?? ''}`);
	const videos = data.resultData.runData[SEEDANCE_NODE]?.at(-1)?.data?.main?.[0]?.length ?? 0;
	if (videos !== items) throw new Error(`${videos} of ${items} videos came out`);
	const wallMs = Date.now() - started;

	const entries = fake.log.slice(logStart).filter((entry) => JOB_REQUEST_KINDS.has(entry.kind));
	const byKind = {};
	for (const entry of entries) byKind[entry.kind] = (byKind[entry.kind] ?? 0) + 1;
	const records = fake.webhooks.slice(webhookStart);
	const answers = records.filter((record) => answeredAt.has(record)).map((record) => answeredAt.get(record) - record.time);
	return {
		items,
		wallMs,
		falRequestsPerJob: round(entries.length / items, 2),
		statusPerJob: round((byKind.status ?? 0) / items, 2),
		requestsByKind: byKind,
		callbacks: records.length,
		callbacksRefused: records.filter((record) => !(record.responseStatus >= 200 && record.responseStatus < 300)).length,
		answerMs: summarise(answers),
	};
}

const s = (ms) => round(ms / 1000, 3);
const describe = (stats) => `median ${s(stats.median)} s, p95 ${s(stats.p95)} s, max ${s(stats.max)} s`;

async function run(config) {
	const items = config.webhookItems;
	const executionCount = Math.ceil(config.webhookJobs / items);
	const jobs = executionCount * items;
	const GAP_MS = config.webhookGapMs ?? DEFAULT_GAP_MS;
	// Item k of execution e completes in slot k·E + e: callbacks GAP_MS apart, one execution's E·GAP_MS apart.
	const prompts = Array.from({ length: executionCount }, (_, e) =>
		Array.from({ length: items }, (_, k) => `job ${FIRST_JOB_MS + (k * executionCount + e) * GAP_MS} ms`),
	);
	const fake = await startFakeFal({
		apiKey: API_KEY,
		queueMs: 0,
		jobMs: FIRST_JOB_MS,
		behaviour: (input) => ({ jobMs: Number(/job (\d+) ms/.exec(input.prompt)?.[1] ?? FIRST_JOB_MS) }),
	});
	const answeredAt = new Map();
	fake.on('webhook-sent', (event) => {
		const record = fake.webhooks.findLast((candidate) => candidate.requestId === event.requestId && candidate.attempt === event.attempt);
		if (record) answeredAt.set(record, Date.now());
	});
	let n8n;
	try {
		await globalSetup();
		// No WEBHOOK_URL: n8n builds resume URLs from N8N_HOST and the port `start()` picks.
		n8n = N8nInstance.create('bench-webhook', { N8N_HOST: '127.0.0.1' });
		await n8n.importCredentials([{ ...CREDENTIAL, apiKey: API_KEY, apiHost: fake.url }]);
		const batchOptions = { concurrency: 40 };
		await n8n.importWorkflows([
			waitForWebhookWorkflow({ id: WORKFLOW_ID, name: 'Seedance wait for webhook (bench)', webhookPath: WEBHOOK_PATH, credential: CREDENTIAL, imageUrl: IMAGE_URL, jwksUrl: fake.jwksUrl }),
			waitForWebhookWorkflow({ id: BATCH_WORKFLOW_ID, name: 'Seedance batch (bench)', webhookPath: BATCH_WEBHOOK_PATH, credential: CREDENTIAL, imageUrl: IMAGE_URL, jwksUrl: fake.jwksUrl, options: batchOptions }),
		]);
		const baseUrl = await n8n.start();
		const rest = new RestClient(baseUrl, await login(baseUrl));
		await rest.publishWorkflow(WORKFLOW_ID);
		await rest.publishWorkflow(BATCH_WORKFLOW_ID);

		const started = Date.now();
		for (const list of prompts) await startExecution(baseUrl, list);
		const lastJobMs = FIRST_JOB_MS + jobs * GAP_MS;
		const summaries = await rest.waitForExecutions(WORKFLOW_ID, executionCount, lastJobMs + 60000);
		const wallMs = Date.now() - started;
		const executions = [];
		for (const summary of summaries) {
			const data = await rest.executionData(summary.id);
			if (summary.status !== 'success' || data.resultData.error) throw new Error(`execution ${summary.id} ended ${summary.status}: ${data.resultData.error?.message ?? ''}`);
			const full = await rest.get(`/rest/executions/${summary.id}`);
			executions.push({ id: summary.id, stoppedAt: full.stoppedAt, data });
		}
		const videos = executions.reduce((sum, execution) => sum + (execution.data.resultData.runData[SEEDANCE_NODE]?.at(-1)?.data?.main?.[0]?.length ?? 0), 0);
		if (videos !== jobs) throw new Error(`${videos} of ${jobs} videos came out`);

		const result = analyse(fake, answeredAt, executions);
		const batches = [];
		for (const size of config.webhookBatchSizes ?? DEFAULT_BATCH_SIZES) batches.push(await runBatch(fake, answeredAt, baseUrl, rest, size));
		const label = `${jobs} jobs, ${executionCount} executions × ${items} items`;
		const rows = [
			{
				metric: `Completion → noticed, webhook resume (${label})`,
				value:
					`${describe(result.noticedMs)} (fal's callback sent → the node's first status check in that callback); ` +
					`callback sent ${describe(result.sentMs)} after completion; answered by n8n ${describe(result.answeredMs)} after completion`,
				target: `median ≤ ${TARGET_MEDIAN_MS / 1000} s`,
				// Only callbacks that ask fal something are "noticed": the last of a batch often needs no status check.
				ok: result.noticedMs.count > 0 && result.noticedMs.median <= TARGET_MEDIAN_MS,
			},
			{
				metric: `Last callback → node output (${executionCount} executions, ${items} results + downloads each)`,
				value: `${describe(result.lastCallbackToOutputMs)}; → execution end ${describe(result.lastCallbackToEndMs)}`,
				target: 'reference',
			},
			{
				metric: 'Requests while waiting',
				value:
					`${result.callbacks} callbacks (${result.callbacksRefused} refused and retried), ${result.statusRequests} status checks ` +
					`(${round(result.statusRequests / jobs, 1)} per job, ${result.statusOutsideCallbacks} outside a callback), ${result.statusStreams} status streams, ${result.jwksRequests} key (JWKS) fetches; ` +
					`${result.overlappingCallbacks} callbacks overlapped another of the same execution`,
				target: 'reference',
			},
			...batches.flatMap((batch) => [
				{
					metric: `fal requests per job, one execution of ${batch.items} items`,
					value:
						`${batch.falRequestsPerJob} (status ${batch.statusPerJob} per job; ${Object.entries(batch.requestsByKind).map(([kind, count]) => `${kind} ${count}`).join(', ')}); ` +
						`${batch.callbacks} callbacks, ${batch.callbacksRefused} refused and retried; wall ${s(batch.wallMs)} s`,
					target: `≤ ${TARGET_REQUESTS_PER_JOB}`,
					ok: batch.falRequestsPerJob <= TARGET_REQUESTS_PER_JOB,
				},
				{
					metric: `Callback answer time, one execution of ${batch.items} items`,
					value: `${describe(batch.answerMs)} (fal's POST sent → n8n's answer, ${batch.answerMs.count} callbacks)`,
					target: `p95 ≤ ${TARGET_ANSWER_P95_MS / 1000} s`,
					ok: batch.answerMs.p95 <= TARGET_ANSWER_P95_MS,
				},
			]),
		];
		return {
			rows,
			data: { jobs, executions: executionCount, itemsPerExecution: items, firstJobMs: FIRST_JOB_MS, gapMs: GAP_MS, wallMs, ...result, targetMedianMs: TARGET_MEDIAN_MS, batches },
		};
	} finally {
		await n8n?.dispose();
		await fake.close();
		await globalTeardown();
	}
}

const skipReason = (config) => (config.skipN8n ? '--skip-n8n (real n8n not run)' : undefined);

module.exports = { id: 'webhook', title: '6. Real n8n: completion latency, Submit and Wait for Webhook', run, skipReason };
// For a quick look: node bench/scenarios/webhook.js (measures the dist/ that is there).
if (require.main === module) {
	run({
		webhookJobs: Number(process.argv[2] ?? 60),
		webhookItems: Number(process.argv[3] ?? 5),
		webhookGapMs: Number(process.argv[4] ?? DEFAULT_GAP_MS),
		webhookBatchSizes: (process.argv[5] ?? DEFAULT_BATCH_SIZES.join(',')).split(',').filter(Boolean).map(Number),
	}).then(
		(section) => console.log(JSON.stringify(section, null, 2)),
		(error) => {
			console.error(error);
			process.exit(1);
		},
	);
}
