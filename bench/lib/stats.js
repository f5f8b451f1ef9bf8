'use strict';
/** Small statistics and request-log helpers shared by the scenarios. */

/** The q-quantile (0…1) of `values` by nearest rank; undefined for an empty list. */
function quantile(values, q) {
	if (values.length === 0) return undefined;
	const sorted = [...values].sort((a, b) => a - b);
	const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
	return sorted[rank];
}

function summarise(values) {
	return {
		count: values.length,
		median: quantile(values, 0.5),
		p95: quantile(values, 0.95),
		max: values.length ? Math.max(...values) : undefined,
		mean: values.length ? values.reduce((sum, value) => sum + value, 0) / values.length : undefined,
	};
}

/** The fal request id a queue or download path names, if any. */
function requestIdOf(entry) {
	const match = /\/requests\/([0-9a-f-]{36})|\/files\/([0-9a-f-]{36})\.mp4$/.exec(entry.path);
	return match ? (match[1] ?? match[2]) : undefined;
}

/** Requests of the given kinds in the fake's log, counted per kind (all kinds when none given). */
function countByKind(log, kinds) {
	const counts = {};
	for (const kind of kinds ?? []) counts[kind] = 0;
	for (const entry of log) if (!kinds || kinds.includes(entry.kind)) counts[entry.kind] = (counts[entry.kind] ?? 0) + 1;
	return counts;
}

/**
 * Records when the fake finished answering each request (the log has only arrival times): for a
 * download that is when the last byte went out. Returns a Map<logEntry, answeredAt>.
 */
function trackAnswers(fake) {
	const answeredAt = new Map();
	fake.on('request', (entry) => answeredAt.set(entry, Date.now()));
	return answeredAt;
}

const seconds = (ms) => (ms === undefined ? undefined : Math.round(ms) / 1000);
const round = (value, digits = 2) => (value === undefined ? undefined : Number(value.toFixed(digits)));

module.exports = { quantile, summarise, requestIdOf, countByKind, trackAnswers, seconds, round };
