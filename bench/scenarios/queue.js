'use strict';
/**
 * 7. Queue mode (scripts/lib/queue-stack.js: PostgreSQL, Redis, main, two workers at n8n's default
 * concurrency of 10, one webhook processor): N executions of one item each (default 200), every
 * job T at the fake fal (default 20 s; --queue-fal-concurrency caps jobs generating at once, like
 * fal's per-account limit). Each execution starts from a production webhook on the webhook
 * processor. Measured for Wait for Completion, for Submit and Wait for Webhook, and for the floor
 * (bench/lib/floorWorkflow.js: n8n's own Wait node resumed by the same callbacks, without our node):
 *   - wall time: first POST → last execution's stoppedAt (n8n's own timestamp), and ÷ T;
 *   - executions by status, counted in n8n's database (n8n's execution list pages by id but orders
 *     by start time, so paging through it counts some executions twice and misses others);
 *   - peak RSS of each worker process (sampled every 250 ms from /proc);
 *   - fal requests per execution (the fake's log by kind; callbacks fal sent).
 * Expected: Wait for Completion holds a worker slot per execution for T, so 200 executions on
 * 2 × 10 slots take about 10 T; waiting executions hold no slot in webhook mode. Webhook mode is
 * judged against the floor (target ≤ 1.2 × its wall time), not against T: parking and resuming 200
 * executions costs n8n itself about 2 T on 2 cores, whatever node waits.
 * Skipped with --skip-queue (or --skip-n8n).
 */
require('../lib/ts-register');
const fs = require('node:fs');
const path = require('node:path');

const { startFakeFal } = require('../../test/fake-fal');
const globalSetup = require('../../test/e2e/globalSetup');
const globalTeardown = require('../../test/e2e/globalTeardown');
const { login } = require('../../test/e2e/n8nInstance.ts');
const { RestClient } = require('../../test/e2e/restClient.ts');
const { postPrompts, SEEDANCE_NODE, waitForWebhookWorkflow } = require('../../test/e2e/waitForWebhookWorkflow.ts');
const local = require('../../scripts/lib/n8n-local');
const { QueueStack } = require('../../scripts/lib/queue-stack');
const { floorWorkflow } = require('../lib/floorWorkflow');
const { API_KEY, IMAGE_URL } = require('../lib/harness');
const { executionTally } = require('../lib/executionTally');
const { countByKind, round } = require('../lib/stats');

const TARGET_FLOOR_RATIO = 1.2;
const CREDENTIAL = { id: 'benchQueueFal0001', name: 'Fal (queue bench)' };
const MODES = [
	{ mode: 'waitForCompletion', label: 'Wait for Completion', id: 'benchQueueDone01', path: 'bench-queue-done' },
	{ mode: 'waitForWebhook', label: 'Submit and Wait for Webhook', id: 'benchQueueHook01', path: 'bench-queue-hook' },
	{ mode: 'floor', label: "Floor: n8n's Wait node on the same callbacks", id: 'benchQueueFloor1', path: 'bench-queue-floor' },
];
const KINDS = ['submit', 'status', 'status-stream', 'result', 'download', 'cancel'];
/** POSTs in flight at once while starting the executions (a client, not a flood). */
const START_PARALLEL = 20;

function workflowFor({ mode, label, id, path: webhookPath }, fake) {
	if (mode === 'floor') return floorWorkflow({ id, name: `Seedance queue bench (${label})`, webhookPath, falUrl: fake.url, apiKey: API_KEY, imageUrl: IMAGE_URL });
	// The callbacks' signatures are checked against the fake's keys (offline: fal's own are unreachable).
	const workflow = waitForWebhookWorkflow({ id, name: `Seedance queue bench (${label})`, webhookPath, credential: CREDENTIAL, imageUrl: IMAGE_URL, jwksUrl: fake.jwksUrl });
	for (const node of workflow.nodes) if (node.name === SEEDANCE_NODE) node.parameters.mode = mode;
	return workflow;
}

function rssMb(pid) {
	try {
		const match = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
		return match ? Number(match[1]) / 1024 : 0;
	} catch {
		return 0;
	}
}

async function measureMode(stack, fake, spec, config) {
	fake.log.length = 0;
	fake.webhooks.length = 0;
	const peak = Object.fromEntries(stack.workerNames.map((name) => [name, 0]));
	const sampler = setInterval(() => {
		for (const name of stack.workerNames) peak[name] = Math.max(peak[name], rssMb(stack.pid(name)));
	}, 250);
	const started = Date.now();
	let next = 0;
	await Promise.all(
		Array.from({ length: START_PARALLEL }, async () => {
			while (next < config.queueExecutions) {
				const index = next++;
				const response = await postPrompts(stack.webhookUrl.replace(/\/$/, ''), spec.path, [`queue bench ${index}`]);
				if (response.status !== 200) throw new Error(`starting execution ${index}: HTTP ${response.status} ${await response.text()}`);
			}
		}),
	);
	const startedAllMs = Date.now() - started;
	const deadline = started + config.queueJobMs * 20 + 600000;
	let tally;
	for (;;) {
		tally = await executionTally(stack, spec.id);
		if (tally.finished >= config.queueExecutions) break;
		if (Date.now() > deadline) throw new Error(`${spec.label}: ${tally.finished} of ${config.queueExecutions} executions finished (${JSON.stringify(tally.byStatus)})`);
		await new Promise((resolve) => setTimeout(resolve, 1000));
	}
	clearInterval(sampler);
	if (tally.total !== config.queueExecutions) throw new Error(`${spec.label}: ${tally.total} executions for ${config.queueExecutions} started (${JSON.stringify(tally.byStatus)})`);
	const wallMs = tally.lastStoppedAt - started;
	const counts = countByKind(fake.log, KINDS);
	const perExecution = Object.fromEntries(Object.entries(counts).map(([kind, count]) => [kind, round(count / config.queueExecutions, 2)]));
	return {
		modeId: spec.mode,
		mode: spec.label,
		executions: config.queueExecutions,
		succeeded: tally.byStatus.success ?? 0,
		byStatus: tally.byStatus,
		startedAllSeconds: round(startedAllMs / 1000, 1),
		wallSeconds: round(wallMs / 1000, 1),
		wallOverT: round(wallMs / config.queueJobMs, 2),
		peakWorkerRssMb: Object.fromEntries(Object.entries(peak).map(([name, mb]) => [name, round(mb, 0)])),
		falRequestsPerExecution: perExecution,
		falCallbacksPerExecution: round(fake.webhooks.length / config.queueExecutions, 2),
		maxJobsAtFal: fake.maxConcurrentJobs,
	};
}

/** The table: wall time of each mode measured (webhook mode against the floor), RSS, fal requests. */
function tableRows(results, config) {
	const byMode = Object.fromEntries(results.map((result) => [result.modeId, result]));
	const { waitForCompletion: completion, waitForWebhook: webhook, floor } = byMode;
	const setup = `${config.queueExecutions} executions × 1 item, T = ${config.queueJobMs / 1000} s, 2 workers × 10`;
	const wall = (result) => `${result.wallSeconds} s = ${result.wallOverT} × T (${result.succeeded}/${result.executions} succeeded)`;
	const falLine = (result) =>
		`${Object.entries(result.falRequestsPerExecution).filter(([, count]) => count > 0).map(([kind, count]) => `${kind} ${count}`).join(', ')}; callbacks ${result.falCallbacksPerExecution}`;
	const rssLine = (result) => Object.entries(result.peakWorkerRssMb).map(([name, mb]) => `${name} ${mb} MB`).join(', ');
	const rows = [];
	if (completion) rows.push({ metric: `Wait for Completion, wall (${setup})`, value: wall(completion), target: 'reference' });
	if (floor) rows.push({ metric: `${floor.mode}, wall (same)`, value: wall(floor), target: 'reference' });
	if (webhook) {
		const faster = completion ? `; ${round(completion.wallSeconds / webhook.wallSeconds, 1)}× faster than Wait for Completion` : '';
		rows.push({
			metric: 'Submit and Wait for Webhook, wall (same)',
			value: `${wall(webhook)}${faster}`,
			target: 'reference',
		});
		if (floor) {
			const ratio = round(webhook.wallSeconds / floor.wallSeconds, 2);
			rows.push({ metric: 'Submit and Wait for Webhook ÷ the floor (wall)', value: `${ratio} ×`, target: `≤ ${TARGET_FLOOR_RATIO} × the floor`, ok: ratio <= TARGET_FLOOR_RATIO && webhook.succeeded === webhook.executions });
		}
	}
	for (const result of results) rows.push({ metric: `Peak worker RSS, ${result.mode}`, value: rssLine(result), target: 'reference' });
	for (const result of results) rows.push({ metric: `fal requests per execution, ${result.mode}`, value: falLine(result), target: 'reference' });
	return rows;
}

async function run(config) {
	const T = config.queueJobMs;
	const fake = await startFakeFal({ apiKey: API_KEY, queueMs: 0, jobMs: T, concurrency: config.queueFalConcurrency, webhookRetries: 10, webhookRetryMs: 500 });
	let stack;
	try {
		await globalSetup();
		stack = new QueueStack({
			nodeBin: process.env.SEEDANCE_E2E_NODE_BIN,
			n8nBin: process.env.SEEDANCE_E2E_N8N_BIN,
			nodesDir: path.join(process.env.SEEDANCE_E2E_TEMPLATE, '.n8n', 'nodes'),
			workers: 2,
			hermetic: true,
			say: (message) => process.stdout.write(`\n  [queue stack] ${message}`),
		});
		await stack.start({
			importData: async (s) => {
				await s.n8nCommand(['import:credentials', '--input', local.writeTempJson('credentials', [local.falCredential({ ...CREDENTIAL, apiKey: API_KEY, apiHost: fake.url })])]);
				await s.n8nCommand(['import:workflow', '--input', local.writeTempJson('workflows', MODES.map((spec) => workflowFor(spec, fake)))]);
			},
		});
		const rest = new RestClient(stack.mainUrl, await login(stack.mainUrl));
		const results = [];
		for (const spec of MODES.filter((candidate) => (config.queueModes ?? MODES.map((mode) => mode.mode)).includes(candidate.mode))) {
			await rest.publishWorkflow(spec.id);
			fake.maxConcurrentJobs = 0;
			process.stdout.write(`\n  ${spec.label}: ${config.queueExecutions} executions …`);
			const result = await measureMode(stack, fake, spec, config);
			process.stdout.write(` ${result.wallSeconds} s`);
			results.push(result);
		}
		return {
			rows: tableRows(results, config),
			data: {
				config: { executions: config.queueExecutions, jobSeconds: T / 1000, workers: 2, workerConcurrency: 10, falConcurrency: Number.isFinite(config.queueFalConcurrency) ? config.queueFalConcurrency : 'unlimited' },
				results,
			},
		};
	} finally {
		await stack?.stop();
		stack?.remove();
		await fake.close();
		await globalTeardown();
	}
}

function skipReason(config) {
	if (config.skipQueue) return '--skip-queue';
	if (config.skipN8n) return '--skip-n8n';
	return undefined;
}

module.exports = { id: 'queue', title: "7. Queue mode: 200 executions, Wait for Completion vs Submit and Wait for Webhook vs n8n's Wait node (the floor)", run, skipReason, executionTally };
// For a quick look: node bench/scenarios/queue.js [executions] [jobMs] [falConcurrency]
if (require.main === module) {
	run({ queueExecutions: Number(process.argv[2] ?? 200), queueJobMs: Number(process.argv[3] ?? 20000), queueFalConcurrency: Number(process.argv[4] ?? Infinity) }).then(
		(section) => console.log(JSON.stringify(section, null, 2)),
		(error) => {
			console.error(error);
			process.exit(1);
		},
	);
}
