'use strict';
/**
 * `npm run test:e2e`: the real-n8n suites (test/e2e) once per n8n line in scripts/n8n-versions.json
 * (2.x, then the 1.x LTS line), each in its own jest run with SEEDANCE_N8N_LINE set, so its
 * globalSetup provisions and uses that n8n. Every line runs even when an earlier one failed; the
 * exit code is non-zero if any did. Arguments go to jest (e.g. a test file).
 * `--queue` (`npm run test:e2e:queue`) runs the queue-mode suites (test/e2e-queue) the same way.
 * SEEDANCE_E2E_LINES=1.x,2.x picks lines; SEEDANCE_N8N_LINE=… with `npx jest -c test/e2e/jest.config.js`
 * runs one line by hand.
 */
const { spawnSync } = require('node:child_process');
const path = require('node:path');

const { N8N_LINES } = require('./lib/n8n-local');

const ROOT = path.resolve(__dirname, '..');
const queue = process.argv.includes('--queue');
const jestArgs = process.argv.slice(2).filter((arg) => arg !== '--queue');
const config = queue ? 'test/e2e-queue/jest.config.js' : 'test/e2e/jest.config.js';
const wanted = process.env.SEEDANCE_E2E_LINES ? process.env.SEEDANCE_E2E_LINES.split(',').map((line) => line.trim()) : Object.keys(N8N_LINES);
const unknown = wanted.filter((line) => !N8N_LINES[line]);
if (unknown.length > 0) {
	console.error(`[e2e] unknown n8n line(s) ${unknown.join(', ')}; scripts/n8n-versions.json has ${Object.keys(N8N_LINES).join(', ')}`);
	process.exit(2);
}

const jest = require.resolve('jest/bin/jest');
const outcomes = wanted.map((line) => {
	const started = Date.now();
	console.log(`\n[e2e] ${queue ? 'queue mode, ' : ''}n8n ${N8N_LINES[line].n8n} (line ${line}, Node ${N8N_LINES[line].node})`);
	const result = spawnSync(process.execPath, [jest, '-c', config, ...jestArgs], {
		cwd: ROOT,
		stdio: 'inherit',
		env: { ...process.env, SEEDANCE_N8N_LINE: line },
	});
	return { line, status: result.status ?? 1, seconds: Math.round((Date.now() - started) / 1000) };
});
for (const { line, status, seconds } of outcomes) {
	console.log(`[e2e] n8n ${N8N_LINES[line].n8n}: ${status === 0 ? 'passed' : 'FAILED'} in ${seconds} s`);
}
process.exit(outcomes.some(({ status }) => status !== 0) ? 1 : 0);
