'use strict';
/**
 * 3. Overhead per item: items one after another (Concurrency 1) in n8n-core's engine; the wall
 * time is split by the fake's log into the fal job (T), the wait until the node noticed the end
 * (polling lag), the download, and what is left: the engine, the node's own work, submit/result
 * round trips. Plus the HTTP requests each item cost, by kind.
 */
const { startFakeFal } = require('../../test/fake-fal');
const { API_KEY, generateParameters, promptItems, runNode } = require('../lib/harness');
const { spreadJobTimes } = require('../lib/jobTimes');
const { countByKind, requestIdOf, round, trackAnswers } = require('../lib/stats');

const TARGET_OVERHEAD_MS = 50;
/** Job times T … T + one poll interval, so the polling lag is a fair average, not a phase artefact. */
const JOB_SPREAD_MS = 500;
const KINDS = ['submit', 'status-stream', 'status', 'result', 'download'];

function perJobTimeline(fake, answeredAt) {
	const timeline = new Map();
	for (const job of fake.jobs.values()) timeline.set(job.requestId, { submittedAt: job.submittedAt, completedAt: job.completedAt });
	for (const entry of fake.log) {
		const item = timeline.get(requestIdOf(entry));
		if (!item) continue;
		if (entry.kind === 'result') item.resultAt ??= entry.time;
		if (entry.kind === 'download') {
			item.downloadStart ??= entry.time;
			item.downloadEnd = answeredAt.get(entry);
		}
	}
	return [...timeline.values()].sort((a, b) => a.submittedAt - b.submittedAt);
}

const mean = (values) => values.reduce((sum, value) => sum + value, 0) / values.length;

async function run(config) {
	const items = config.overheadItems;
	const jobMs = config.overheadJobMs;
	const fake = await startFakeFal({
		apiKey: API_KEY,
		queueMs: 0,
		jobMs,
		behaviour: spreadJobTimes(jobMs, JOB_SPREAD_MS),
		...(config.videoOption ? { video: config.videoOption } : {}),
	});
	const answeredAt = trackAnswers(fake);
	try {
		const started = Date.now();
		await runNode(fake, { parameters: generateParameters({ options: { concurrency: 1 } }), items: promptItems(items) });
		const wallMs = Date.now() - started;
		const timeline = perJobTimeline(fake, answeredAt);
		const job = mean(timeline.map((t) => t.completedAt - t.submittedAt));
		const pollLag = mean(timeline.map((t) => t.resultAt - t.completedAt));
		const resultToDownload = mean(timeline.map((t) => t.downloadStart - t.resultAt));
		const download = mean(timeline.map((t) => t.downloadEnd - t.downloadStart));
		const perItem = wallMs / items;
		const beyondJobAndDownload = perItem - job - download;
		const engineAndNode = beyondJobAndDownload - pollLag;
		const counts = countByKind(fake.log, KINDS);
		const requestsPerItem = Object.fromEntries(Object.entries(counts).map(([kind, count]) => [kind, round(count / items, 1)]));
		const rows = [
			{
				metric: `Per item beyond T + download (${items} items in sequence, T = ${jobMs / 1000}–${(jobMs + JOB_SPREAD_MS) / 1000} s)`,
				value: `${Math.round(beyondJobAndDownload)} ms = polling lag ${Math.round(pollLag)} ms + engine/node/round trips ${Math.round(engineAndNode)} ms`,
				target: `≤ ${TARGET_OVERHEAD_MS} ms`,
				ok: beyondJobAndDownload <= TARGET_OVERHEAD_MS,
			},
			{
				metric: 'Same, polling lag left out',
				value: `${Math.round(engineAndNode)} ms (result → download request ${Math.round(resultToDownload)} ms; download ${Math.round(download)} ms)`,
				target: `≤ ${TARGET_OVERHEAD_MS} ms`,
				ok: engineAndNode <= TARGET_OVERHEAD_MS,
			},
			{
				metric: `HTTP requests per item (T = ${jobMs / 1000} s)`,
				value: KINDS.map((kind) => `${kind} ${requestsPerItem[kind]}`).join(', '),
				target: 'reference',
			},
		];
		return {
			rows,
			data: {
				items,
				jobMs,
				wallMs,
				perItemMs: round(perItem, 1),
				meanMs: { falJob: round(job, 1), pollLag: round(pollLag, 1), resultToDownload: round(resultToDownload, 1), download: round(download, 1) },
				beyondJobAndDownloadMs: round(beyondJobAndDownload, 1),
				engineNodeAndRoundTripsMs: round(engineAndNode, 1),
				requestsPerItem,
				targetMs: TARGET_OVERHEAD_MS,
			},
		};
	} finally {
		await fake.close();
	}
}

module.exports = { id: 'overhead', title: '3. Overhead per item', run };
