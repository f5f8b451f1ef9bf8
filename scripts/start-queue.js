#!/usr/bin/env node
'use strict';
/**
 * `npm run start:queue`: the offline demo of `npm start`, with n8n in queue mode on this machine:
 *   1. builds, packs and installs the package (as `npm start` does) into .n8n-queue/;
 *   2. installs redis-server / PostgreSQL with apt-get where missing (scripts/provision-queue.sh);
 *   3. starts the fake fal, a private PostgreSQL cluster and a private Redis in a temporary folder;
 *   4. `n8n start` (main) migrates the database; the demo credential and examples/ are imported;
 *   5. two `n8n worker`s and one `n8n webhook` processor join.
 * Every port is chosen by the OS (--port N fixes the main's). Ctrl-C stops every process it
 * started and deletes the temporary folder (database, Redis dump, logs).
 * Options: --port N (main), --workers 2, --job-ms 3000 (fake job time), --fal-concurrency N,
 * --dir <folder for the installed package> (default .n8n-queue), --no-build (use the dist/ already built).
 */
const fs = require('node:fs');
const path = require('node:path');

const local = require('./lib/n8n-local');
const { QueueStack } = require('./lib/queue-stack');
const { stopOwned } = require('./lib/owned-processes');
const { startFakeFal } = require('../test/fake-fal');

const LOCAL_DIR = path.resolve(local.ROOT, textOption('dir', '.n8n-queue'));
const EXAMPLES_DIR = path.join(local.ROOT, 'examples');
const DEMO_API_KEY = 'demo-key';
const DEMO_CREDENTIAL = { id: 'falLocalDemo0001', name: 'Fal API (local demo)' };
const EXAMPLE_OUTPUT_DIR = '/tmp/seedance-videos';
const COLOURS = { main: 32, webhook: 35, postgres: 34, redis: 31 };

function textOption(name, fallback) {
	const index = process.argv.indexOf(`--${name}`);
	return index > 0 && process.argv[index + 1] ? process.argv[index + 1] : fallback;
}

function option(name, fallback) {
	const index = process.argv.indexOf(`--${name}`);
	return index > 0 && process.argv[index + 1] ? Number(process.argv[index + 1]) : fallback;
}

const say = (message) => console.log(`\x1b[36m[start:queue]\x1b[0m ${message}`);
const printLine = (name, line) => console.log(`\x1b[${COLOURS[name] ?? 33}m[${name}]\x1b[0m ${line}`);

let stack;
let fake;
let stopping = false;

/**
 * Ctrl-C, SIGTERM, a closed terminal or output pipe. Whatever start-up step is in flight cannot
 * start a process any more; one still running (an import) is stopped too. If this process is
 * killed outright, the watchdog of scripts/lib/owned-processes.js stops everything instead.
 */
async function stopAll(exitCode) {
	if (stopping) return;
	stopping = true;
	sayQuietly('stopping n8n (main, workers, webhook), Redis, PostgreSQL and the fake fal …');
	await stack?.stop();
	await stopOwned();
	await fake?.close();
	stack?.remove();
	sayQuietly('stopped');
	process.exit(exitCode);
}

/** A message that must not throw when the terminal or pipe it goes to is gone. */
function sayQuietly(message) {
	try {
		say(message);
	} catch {
		// output closed
	}
}

async function timed(label, step) {
	const started = Date.now();
	say(`${label} …`);
	const result = await step();
	say(`${label}: done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
	return result;
}

async function main() {
	const started = Date.now();
	for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => stopAll(0));
	for (const stream of [process.stdout, process.stderr]) stream.on('error', () => stopAll(1));

	if (!process.argv.includes('--no-build')) {
		await timed('building the package (npm run build)', () => local.run('npm', ['run', 'build']));
	}
	const { nodeBin, n8nBin } = await timed('provisioning Node 24 + n8n (cached after the first run)', () => local.provision({ echo: true }));
	await timed('packing and installing the package into .n8n-queue/', async () => {
		await local.installPackage(await local.packPackage(path.join(LOCAL_DIR, 'pack')), LOCAL_DIR);
	});

	fake = await timed('starting the fake fal', () =>
		startFakeFal({ apiKey: DEMO_API_KEY, queueMs: 500, jobMs: option('job-ms', 3000), concurrency: option('fal-concurrency', Infinity) }),
	);
	fake.on('request', (entry) => printLine('fake fal', `${entry.method} ${entry.path} ${entry.kind} → ${entry.responseStatus}`));
	fake.on('webhook-sent', (w) => printLine('fake fal', `webhook ${w.status} → ${w.url} answered ${w.responseStatus}`));
	fs.mkdirSync(EXAMPLE_OUTPUT_DIR, { recursive: true });

	const workflows = fs
		.readdirSync(EXAMPLES_DIR)
		.filter((file) => file.endsWith('.json'))
		.map((file) => JSON.parse(fs.readFileSync(path.join(EXAMPLES_DIR, file), 'utf8')));
	const credential = local.falCredential({ ...DEMO_CREDENTIAL, apiKey: DEMO_API_KEY, apiHost: fake.url });

	stack = new QueueStack({
		nodeBin,
		n8nBin,
		nodesDir: path.join(LOCAL_DIR, '.n8n', 'nodes'),
		workers: option('workers', 2),
		mainPort: option('port', undefined),
		env: { N8N_RESTRICT_FILE_ACCESS_TO: EXAMPLE_OUTPUT_DIR },
		say,
		onLine: printLine,
		onExit: (name, how) => {
			say(`${name} exited (${how})`);
			if (!stopping) stopAll(1);
		},
	});
	say(`working folder ${stack.dir}`);
	await stack.start({
		importData: async (s) => {
			await local.n8nImport((args) => s.n8nCommand(args), 'credentials', [credential]);
			await local.n8nImport((args) => s.n8nCommand(args), 'workflow', workflows);
		},
	});

	const base = `http://localhost:${stack.mainPort}`;
	console.log(`
\x1b[32mn8n (queue mode) is ready\x1b[0m after ${((Date.now() - started) / 1000).toFixed(0)} s:  ${base}
  Log in as   ${local.DEMO_OWNER.email}  /  ${local.DEMO_OWNER.password}
  Main        ${base}  (editor, REST API; production webhooks off)
  Webhooks    ${stack.webhookUrl}  (n8n webhook: /webhook/…, /webhook-waiting/… ; WEBHOOK_URL)
  Workers     ${stack.workerNames.join(', ')} (Redis 127.0.0.1:${stack.redisPort}, PostgreSQL 127.0.0.1:${stack.pgPort})
  Binary data database mode (videos written by a worker, shown by the main)
  Credential  "${DEMO_CREDENTIAL.name}" → fake fal at ${fake.url}
  Examples:
${workflows.map((wf) => `    ${base}/workflow/${wf.id}   ${wf.name}`).join('\n')}
Ctrl-C stops every process above and deletes ${stack.dir}.
`);
}

main().catch((error) => {
	if (!stopping) console.error(`\x1b[31m[start:queue] ${error.message}\x1b[0m`);
	stopAll(1);
});
