/**
 * The README's "What it costs" table, generated from the schema through the node's own estimate
 * (helpers/costEstimate.ts at the schema's prices): what the budget guard counts per video and for
 * a 200-row batch at 720p, with duration auto (the longest clip the model makes) and a fixed 5 s.
 */
const path = require('path');

const BATCH_ROWS = 200;
const RESOLUTION = '720p';

/** The build by default; the TypeScript sources under jest (readme-fields.js `useSources`). */
const modules = { root: path.join(__dirname, '..', 'dist') };

function useSources() {
	modules.root = path.join(__dirname, '..');
}

function load() {
	const from = (relative) => require(path.join(modules.root, relative));
	return {
		schema: from('nodes/shared/schema'),
		cost: from('nodes/shared/seedance/helpers/costEstimate'),
		prices: from('nodes/shared/seedance/helpers/prices'),
	};
}

function renderBudgetTable({ schema, cost, prices } = load()) {
	const usd = (value) => `$${value.toFixed(2)}`;
	const lines = [
		`| Image-to-Video at ${RESOLUTION} | One video, 5 s | One video, auto (guard counts) | ${BATCH_ROWS} videos, 5 s | ${BATCH_ROWS} videos, auto: at least … at most (guard counts) |`,
		'|---|---|---|---|---|',
	];
	for (const variant of schema.VARIANTS.filter((candidate) => candidate.kind === 'image-to-video' && candidate.resolutions.includes(RESOLUTION))) {
		const price = prices.schemaPrice(variant, 'schema', 0);
		const facts = (duration) => ({ variant, resolution: RESOLUTION, duration, videos: { count: 0, seconds: 0 } });
		const fixed = cost.estimateItemCost(facts('5'), price);
		const auto = cost.estimateItemCost(facts('auto'), price);
		const name = schema.modelName(variant);
		lines.push(
			`| ${name} | ${usd(fixed.maxUsd)} | ${usd(auto.minUsd)} … ${usd(auto.maxUsd)} | ${usd(fixed.maxUsd * BATCH_ROWS)} | ${usd(auto.minUsd * BATCH_ROWS)} … ${usd(auto.maxUsd * BATCH_ROWS)} |`,
		);
	}
	return lines.join('\n');
}

module.exports = { renderBudgetTable, useSources, BATCH_ROWS };
