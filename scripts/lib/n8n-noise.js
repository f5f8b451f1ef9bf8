'use strict';
/**
 * `npm start` shows n8n's own output, less the start-up lines that are about n8n's defaults rather
 * than this package and would make a new user think something is broken. Each dropped kind is
 * replaced once by a dimmed line saying what it was and why it is harmless here.
 * Set SEEDANCE_N8N_VERBOSE=1 to see n8n's output unfiltered.
 */
const readline = require('node:readline');

/** Start of a block, and what we say instead; the block runs to the next blank line. */
const BLOCKS = [
	{
		start: /^There are deprecations related to your n8n setup/,
		note: "n8n lists settings whose defaults change in later versions (N8N_RUNNERS_MODE, …); npm start's local setup needs none of them",
	},
];
/** Single lines, and what we say instead (undefined: dropped silently, routine start-up detail). */
const LINES = [
	{
		match: /^Failed to start Python task runner/,
		note: "n8n has no Python task runner here: only the Code node's Python mode needs one; JavaScript and this package's nodes run",
	},
	{ match: /^\[license SDK\] Skipping renewal/ },
	{ match: /^(Discovered \d+ cluster checks|Instance registered|Recorded version change|Sandbox: enabled=)/ },
	{ match: /^(Building workflow dependency index|Finished building workflow dependency index)/ },
	{ match: /^N8N_INSTANCE_OWNER_MANAGED_BY_ENV is enabled/ },
];

/** Copies `input` to `output` line by line, without the noise above. */
function filterN8nOutput(input, output) {
	if (process.env.SEEDANCE_N8N_VERBOSE) return input.pipe(output);
	const said = new Set();
	const explain = (note) => {
		if (note && !said.has(note)) output.write(`\x1b[2m[start] (${note})\x1b[0m\n`);
		said.add(note);
	};
	let inBlock = false;
	readline.createInterface({ input }).on('line', (line) => {
		if (inBlock) {
			if (line.trim() === '') inBlock = false;
			return;
		}
		const block = BLOCKS.find(({ start }) => start.test(line));
		if (block) {
			inBlock = true;
			return explain(block.note);
		}
		const noise = LINES.find(({ match }) => match.test(line));
		if (noise) return explain(noise.note);
		output.write(`${line}\n`);
	});
}

module.exports = { filterN8nOutput };
