'use strict';
/**
 * 5. Side by side in a real n8n 2.41 (Node 24, provisioned once into ~/.cache): the same five items
 * through (a) our node and (b) the do-it-yourself workflow in bench/diy-workflow.json (HTTP Request
 * submit → Wait 5 s → status → IF → loop … → result → download), both against the fake fal.
 * Uses the e2e helpers of scripts/lib/n8n-local.js: pack + install as a community package, import,
 * `n8n execute --id … --rawOutput`. Skipped with --skip-n8n.
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const local = require('../../scripts/lib/n8n-local');
const { startFakeFal } = require('../../test/fake-fal');
const { API_KEY } = require('../lib/harness');
const { countByKind, round } = require('../lib/stats');

const TARGET_SPEED_UP = 3;
const KINDS = ['submit', 'status-stream', 'status', 'result', 'download'];
const DIY_WORKFLOW_FILE = path.join(__dirname, '..', 'diy-workflow.json');
const OUR_WORKFLOW_ID = 'benchOurSeedance1';
const FAL_CREDENTIAL = { id: 'benchFalApi00001', name: 'Fal API (bench)' };
const HEADER_CREDENTIAL = { id: 'benchFalHeader01', name: 'fal Authorization header' };
/** The Code node both workflows share (bench/diy-workflow.json). */
const ITEMS_NODE = 'Five Images';

/** Our workflow: the DIY one's trigger and items, then one Seedance node. */
function ourWorkflow(diy) {
	const [trigger, itemsNode] = diy.nodes;
	const seedance = {
		id: '7b0c0a52-1000-4000-8000-000000000001',
		name: 'Seedance Image-to-Video',
		type: local.NODE_TYPE,
		typeVersion: 1,
		position: [440, 0],
		parameters: {
			operation: 'generate',
			mode: 'waitForCompletion',
			tier: 'fast',
			prompt: '={{ $json.prompt }}',
			imageSource: 'url',
			imageUrl: '={{ $json.image_url }}',
			options: { concurrency: 5 },
		},
		credentials: { falApi: FAL_CREDENTIAL },
	};
	return {
		id: OUR_WORKFLOW_ID,
		name: 'Seedance with the community node',
		active: false,
		settings: { executionOrder: 'v1' },
		nodes: [trigger, itemsNode, seedance],
		connections: {
			[trigger.name]: diy.connections[trigger.name],
			[itemsNode.name]: { main: [[{ node: seedance.name, type: 'main', index: 0 }]] },
		},
		pinData: {},
	};
}

/** Output items of the last node that ran, and the execution's own wall time. */
function summariseExecution(execution, workflow) {
	const runData = execution.data.resultData.runData;
	const last = workflow.nodes.at(-1).name;
	const outputs = (runData[last] ?? []).flatMap((run) => run.data?.main?.[0] ?? []);
	const startedAt = Date.parse(execution.startedAt);
	const stoppedAt = Date.parse(execution.stoppedAt);
	// The Code node's first run starts n8n's task runner (0.3–3 s on a busy machine), the same for
	// both workflows; the comparison is on what comes after the items exist.
	const itemsRun = runData[ITEMS_NODE]?.[0];
	const itemsReadyAt = itemsRun ? itemsRun.startTime + (itemsRun.executionTime ?? 0) : startedAt;
	return {
		status: execution.status,
		error: execution.data.resultData.error?.message,
		videos: outputs.filter((item) => item.binary && Object.values(item.binary).some((binary) => /^video\//.test(binary.mimeType))).length,
		executionMs: stoppedAt - startedAt,
		afterItemsMs: stoppedAt - itemsReadyAt,
		nodeRuns: Object.values(runData).reduce((sum, runs) => sum + runs.length, 0),
		// Per node: when it first started (ms after the execution started) and its total run time.
		nodeTimes: Object.fromEntries(
			Object.entries(runData).map(([name, runs]) => [
				name,
				{ firstStartMs: runs[0].startTime - startedAt, totalMs: runs.reduce((sum, run) => sum + (run.executionTime ?? 0), 0), runs: runs.length },
			]),
		),
	};
}

async function runOne(ctx, fake, workflow, items) {
	fake.log.length = 0;
	const started = Date.now();
	const { execution } = await local.executeWorkflow(ctx, workflow.id);
	const processMs = Date.now() - started;
	const summary = summariseExecution(execution, workflow);
	if (summary.status !== 'success' || summary.videos !== items) {
		throw new Error(`"${workflow.name}" ended ${summary.status} with ${summary.videos}/${items} videos: ${summary.error ?? ''}`);
	}
	const submits = fake.requests('submit');
	const downloads = fake.requests('download');
	return {
		name: workflow.name,
		nodes: workflow.nodes.length,
		...summary,
		processMs,
		firstSubmitToLastDownloadMs: downloads.at(-1).time - submits[0].time,
		requests: countByKind(fake.log, KINDS),
		totalRequests: fake.log.length,
	};
}

/** One side-by-side: both workflows with fal jobs of `jobMs`. */
async function compare(ctx, fake, setJobMs, { diy, ours, items, jobMs }) {
	setJobMs(jobMs);
	const node = await runOne(ctx, fake, ours, items);
	const diyRun = await runOne(ctx, fake, diy, items);
	const speedUp = diyRun.afterItemsMs / node.afterItemsMs;
	const describe = (r) =>
		`${round(r.afterItemsMs / 1000)} s = ${round(r.afterItemsMs / jobMs)} × T (whole execution ${round(r.executionMs / 1000)} s), ` +
		`${r.nodes} nodes, ${r.nodeRuns} node runs, ` +
		`${r.totalRequests} requests (${KINDS.map((kind) => `${kind} ${r.requests[kind]}`).join(', ')})`;
	const t = `T = ${jobMs / 1000} s`;
	const rows = [
		{ metric: `${t}: (a) our node, ${items} items`, value: describe(node), target: 'reference' },
		{ metric: `${t}: (b) do-it-yourself workflow, ${items} items`, value: describe(diyRun), target: 'reference' },
		{
			metric: `${t}: speed-up of (a) over (b), items → last video`,
			value: `${round(speedUp, 2)}×`,
			target: `≥ ${TARGET_SPEED_UP}×`,
			ok: speedUp >= TARGET_SPEED_UP,
		},
	];
	return { rows, data: { jobMs, ours: node, diy: diyRun, speedUp: round(speedUp, 3) } };
}

async function run(config) {
	const diy = JSON.parse(fs.readFileSync(DIY_WORKFLOW_FILE, 'utf8'));
	const ours = ourWorkflow(diy);
	const items = config.n8nItems;
	const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'seedance-bench-n8n-'));
	let jobMs = config.jobMs;
	const fake = await startFakeFal({ apiKey: API_KEY, queueMs: 0, jobMs, behaviour: () => ({ jobMs }) });
	try {
		const { nodeBin, n8nBin } = await local.provision({ echo: true });
		const userFolder = path.join(workDir, 'user');
		await local.installPackage(await local.packPackage(workDir), userFolder);
		const env = local.n8nEnv({
			userFolder,
			n8nBin,
			hermetic: true,
			// The DIY workflow reads the fake's address from $env, which n8n 2.x blocks by default.
			extra: { N8N_BLOCK_ENV_ACCESS_IN_NODE: 'false', FAL_QUEUE_URL: fake.url },
		});
		const ctx = { nodeBin, n8nBin, env };
		const credentials = [
			local.falCredential({ ...FAL_CREDENTIAL, apiKey: API_KEY, apiHost: fake.url }),
			{ ...HEADER_CREDENTIAL, type: 'httpHeaderAuth', data: { name: 'Authorization', value: `Key ${API_KEY}` } },
		];
		await local.n8nCommand(ctx, ['import:credentials', '--input', local.writeTempJson('credentials', credentials)]);
		await local.n8nCommand(ctx, ['import:workflow', '--input', local.writeTempJson('workflows', [diy, ours])]);

		const rows = [];
		const comparisons = [];
		for (const t of config.n8nJobMs) {
			const comparison = await compare(ctx, fake, (ms) => (jobMs = ms), { diy, ours, items, jobMs: t });
			rows.push(...comparison.rows);
			comparisons.push(comparison.data);
		}
		return { rows, data: { items, comparisons, targetSpeedUp: TARGET_SPEED_UP } };
	} finally {
		await fake.close();
		fs.rmSync(workDir, { recursive: true, force: true });
	}
}

const skipReason = (config) => (config.skipN8n ? '--skip-n8n (real n8n not run)' : undefined);

module.exports = { id: 'n8n', title: '5. Real n8n: our node vs do-it-yourself', run, skipReason };
