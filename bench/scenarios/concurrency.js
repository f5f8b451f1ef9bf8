'use strict';
/**
 * 1. Concurrency: N items whose fal jobs each take T, through our node with Concurrency N and 1.
 * Overlapped, the batch should take about one T; one after another, N·T.
 */
const { startFakeFal } = require('../../test/fake-fal');
const { API_KEY, generateParameters, promptItems, runNode } = require('../lib/harness');
const { countByKind, requestIdOf, round } = require('../lib/stats');

const TARGET_WALL_OVER_T = 1.3;
const KINDS = ['submit', 'status-stream', 'status', 'result', 'download'];

async function runBatch(fake, items, concurrency) {
	fake.log.length = 0;
	fake.maxConcurrentJobs = 0;
	const started = Date.now();
	const result = await runNode(fake, { parameters: generateParameters({ options: { concurrency } }), items: promptItems(items) });
	const wallMs = Date.now() - started;
	if (result.items.length !== items) throw new Error(`expected ${items} output items, got ${result.items.length}`);
	return { concurrency, wallMs, maxJobsAtFal: fake.maxConcurrentJobs, requests: countByKind(fake.log, KINDS), log: [...fake.log] };
}

/** Requests of each kind per item, from one batch's log. */
function requestsPerItem(batch, items) {
	const perItem = {};
	for (const [kind, count] of Object.entries(batch.requests)) perItem[kind] = round(count / items, 1);
	const ids = new Set(batch.log.map(requestIdOf).filter(Boolean));
	return { ...perItem, items: ids.size };
}

async function run(config) {
	const { jobMs, items, videoOption } = config;
	const fake = await startFakeFal({ apiKey: API_KEY, queueMs: 0, jobMs, ...(videoOption ? { video: videoOption } : {}) });
	try {
		const parallel = await runBatch(fake, items, items);
		const serial = config.skipSerial ? undefined : await runBatch(fake, items, 1);
		const ratio = parallel.wallMs / jobMs;
		const rows = [
			{
				metric: `${items} items, Concurrency ${items}: wall time`,
				value: `${round(parallel.wallMs / 1000)} s = ${round(ratio)} × T (${parallel.maxJobsAtFal} jobs at fal at once)`,
				target: `≤ ${TARGET_WALL_OVER_T} × T`,
				ok: ratio <= TARGET_WALL_OVER_T,
			},
			serial && {
				metric: `${items} items, Concurrency 1: wall time`,
				value: `${round(serial.wallMs / 1000)} s = ${round(serial.wallMs / jobMs)} × T (${serial.maxJobsAtFal} at once)`,
				target: 'reference',
			},
			serial && {
				metric: 'Speed-up from concurrency',
				value: `${round(serial.wallMs / parallel.wallMs, 1)}×`,
				target: 'reference',
			},
		].filter(Boolean);
		return {
			rows,
			data: {
				jobMs,
				items,
				parallel: { ...parallel, log: undefined, wallOverT: round(ratio, 3), requestsPerItem: requestsPerItem(parallel, items) },
				serial: serial && { ...serial, log: undefined, wallOverT: round(serial.wallMs / jobMs, 3) },
				targetWallOverT: TARGET_WALL_OVER_T,
			},
		};
	} finally {
		await fake.close();
	}
}

module.exports = { id: 'concurrency', title: '1. Concurrency', run };
