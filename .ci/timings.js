'use strict';
/**
 * Passes `npm test`'s output through unchanged and, at the end, prints how long each npm script it
 * ran took (npm announces each one with a "> package@version script" line) and the provisioning
 * steps' own timings ("[provision] …: done in …").
 */
const readline = require('node:readline');

const started = Date.now();
const phases = [];
const provisioning = [];
const seconds = (ms) => `${(ms / 1000).toFixed(0)} s`;

readline.createInterface({ input: process.stdin }).on('line', (line) => {
	process.stdout.write(`${line}\n`);
	const script = /^> \S+@\S+ (\S+)$/.exec(line);
	if (script) {
		const now = Date.now();
		const last = phases.at(-1);
		if (last && last.name !== 'test') last.ms = now - last.start;
		phases.push({ name: script[1], start: now });
	}
	if (/^\[provision\] .*( in \d+m\d+s|: failed)/.test(line)) provisioning.push(line.replace('[provision] ', ''));
	if (/^\[(chromium|e2e)\] .* in [\d.]+ s/.test(line)) provisioning.push(line.replace(/^\[\w+\] /, ''));
}).on('close', () => {
	const end = Date.now();
	const last = phases.at(-1);
	if (last && last.ms === undefined) last.ms = end - last.start;
	const lines = phases.filter((phase) => phase.name !== 'test').map((phase) => `  npm run ${phase.name.padEnd(12)} ${seconds(phase.ms)}`);
	console.log(`\ntimings (npm test, ${seconds(end - started)} in all):\n${lines.join('\n')}`);
	if (provisioning.length) console.log(provisioning.map((line) => `    ${line}`).join('\n'));
});
