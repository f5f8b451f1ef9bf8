#!/usr/bin/env node
'use strict';
/**
 * `npm start`: this package inside a real, local n8n, with a fake fal so nothing leaves the machine.
 *   1. builds the package and `npm pack`s it;
 *   2. provisions Node 24 + n8n 2.41.1 into ~/.cache/n8n-nodes-seedance (once, a few minutes);
 *   3. installs the tarball into .n8n-local/ the way n8n installs a community package;
 *   4. starts the fake fal (test/fake-fal/cli.js) on 127.0.0.1:9710;
 *   5. imports the credential "Fal API (local demo)" and the workflows in examples/;
 *   6. runs `n8n start` on http://localhost:5678 with a ready owner account (no setup screen).
 * Ctrl-C stops n8n and the fake. Options: --port 5678, --fal-port 9710, --job-ms 3000 (fake job time),
 * --dir <n8n user folder> (default .n8n-local), --no-build (use the dist/ already built).
 */
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const local = require('./lib/n8n-local');
const { filterN8nOutput } = require('./lib/n8n-noise');
const { spawnOwned, stopOwned } = require('./lib/owned-processes');

const LOCAL_DIR = path.resolve(local.ROOT, textOption('dir', '.n8n-local'));
const EXAMPLES_DIR = path.join(local.ROOT, 'examples');
const DEMO_API_KEY = 'demo-key';
const DEMO_CREDENTIAL = { id: 'falLocalDemo0001', name: 'Fal API (local demo)' };
/** Where the batch example writes its MP4s; n8n 2.x only lets nodes touch allow-listed folders. */
const EXAMPLE_OUTPUT_DIR = '/tmp/seedance-videos';
const STOP_GRACE_MS = 15000;

function textOption(name, fallback) {
	const index = process.argv.indexOf(`--${name}`);
	return index > 0 && process.argv[index + 1] ? process.argv[index + 1] : fallback;
}

function option(name, fallback) {
	const index = process.argv.indexOf(`--${name}`);
	return index > 0 && process.argv[index + 1] ? Number(process.argv[index + 1]) : fallback;
}

const say = (message) => console.log(`\x1b[36m[start]\x1b[0m ${message}`);

let stopping = false;

/**
 * Ctrl-C, SIGTERM, a closed terminal or output pipe: stops n8n, the fake fal and any command still
 * running (and nothing starts after this). If this process is killed outright, the watchdog of
 * scripts/lib/owned-processes.js stops them instead.
 */
async function stopAll(exitCode) {
	if (stopping) return;
	stopping = true;
	sayQuietly('stopping n8n and the fake fal …');
	await stopOwned({ graceMs: STOP_GRACE_MS });
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

/** Starts the fake fal CLI and resolves with its URL once it listens. */
function startFakeFal(port, jobMs) {
	const cli = path.join(local.ROOT, 'test', 'fake-fal', 'cli.js');
	const child = spawnOwned(process.execPath, [cli, '--port', String(port), '--key', DEMO_API_KEY, '--job-ms', String(jobMs)], {
		stdio: ['ignore', 'pipe', 'inherit'],
	});
	return new Promise((resolve, reject) => {
		let buffered = '';
		child.once('exit', (code) => reject(new Error(`fake fal exited (${code}); is port ${port} in use?`)));
		child.stdout.on('data', (chunk) => {
			const text = chunk.toString();
			if (buffered !== null) {
				buffered += text;
				const match = buffered.match(/https?:\/\/[^\s)"]+/);
				if (match) {
					buffered = null;
					resolve(match[0].replace(/\/+$/, ''));
				}
				return;
			}
			for (const line of text.split('\n')) if (line.trim()) console.log(`\x1b[2m[fake fal] ${line}\x1b[0m`);
		});
	});
}

/**
 * Imports the demo credential and examples/*.json. Skipped when neither they nor the fake's URL
 * changed since the last run (each n8n CLI command takes a few seconds to boot).
 */
async function importDemoData(ctx, fakeUrl) {
	const workflows = fs
		.readdirSync(EXAMPLES_DIR)
		.filter((file) => file.endsWith('.json'))
		.map((file) => JSON.parse(fs.readFileSync(path.join(EXAMPLES_DIR, file), 'utf8')));
	const credential = local.falCredential({ ...DEMO_CREDENTIAL, apiKey: DEMO_API_KEY, apiHost: fakeUrl });
	const fingerprint = crypto.createHash('sha256').update(JSON.stringify({ workflows, credential })).digest('hex');
	const marker = path.join(LOCAL_DIR, '.imported');
	if (fs.existsSync(marker) && fs.readFileSync(marker, 'utf8') === fingerprint) {
		say('credential and example workflows unchanged since the last run: not re-imported');
		return workflows;
	}
	const n8nCommand = (args) => local.n8nCommand(ctx, args);
	await timed('importing the credential "Fal API (local demo)"', () => local.n8nImport(n8nCommand, 'credentials', [credential]));
	await timed(`importing ${workflows.length} example workflows`, () => local.n8nImport(n8nCommand, 'workflow', workflows));
	fs.writeFileSync(marker, fingerprint);
	return workflows;
}

async function main() {
	const started = Date.now();
	const port = option('port', 5678);
	const falPort = option('fal-port', 9710);
	const jobMs = option('job-ms', 3000);
	for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => stopAll(0));
	for (const stream of [process.stdout, process.stderr]) stream.on('error', () => stopAll(1));

	if (!process.argv.includes('--no-build')) {
		await timed('building the package (npm run build)', () => local.run('npm', ['run', 'build']));
	}
	const { nodeBin, n8nBin } = await timed('provisioning Node 24 + n8n (cached after the first run)', () =>
		local.provision({ echo: true }),
	);
	const tarball = await timed('packing and installing the package into .n8n-local/', async () => {
		const packed = await local.packPackage(path.join(LOCAL_DIR, 'pack'));
		await local.installPackage(packed, LOCAL_DIR);
		return packed;
	});
	say(`installed ${path.relative(local.ROOT, tarball)} into ${path.relative(local.ROOT, LOCAL_DIR)}/.n8n/nodes/node_modules/${local.PACKAGE_NAME}`);

	const fakeUrl = await timed(`starting the fake fal on port ${falPort}`, () => startFakeFal(falPort, jobMs));
	fs.mkdirSync(EXAMPLE_OUTPUT_DIR, { recursive: true });
	const env = local.n8nEnv({
		userFolder: LOCAL_DIR,
		n8nBin,
		port,
		extra: { N8N_RESTRICT_FILE_ACCESS_TO: EXAMPLE_OUTPUT_DIR },
	});
	const ctx = { nodeBin, n8nBin, env };
	const workflows = await importDemoData(ctx, fakeUrl);

	say(`starting n8n on http://localhost:${port} …`);
	const n8n = spawnOwned(nodeBin, [n8nBin, 'start'], {
		env: { ...env, N8N_RUNNERS_BROKER_PORT: String(await local.freePort()) },
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	filterN8nOutput(n8n.stdout, process.stdout);
	filterN8nOutput(n8n.stderr, process.stderr);
	n8n.once('exit', (code, signal) => {
		if (!stopping) {
			say(`n8n exited (${signal ?? code})`);
			stopAll(code ?? 1);
		}
	});
	await local.waitForHttpOk(`http://127.0.0.1:${port}/healthz/readiness`, {
		timeoutMs: 180000,
		isAlive: () => n8n.exitCode === null && n8n.signalCode === null,
	});

	await local.setUpOwner(`http://127.0.0.1:${port}`, n8nBin);
	const base = `http://localhost:${port}`;
	console.log(`
\x1b[32mn8n is ready\x1b[0m after ${((Date.now() - started) / 1000).toFixed(0)} s:  ${base}
  Log in as   ${local.DEMO_OWNER.email}  /  ${local.DEMO_OWNER.password}   (local demo owner)
  Credential  "${DEMO_CREDENTIAL.name}" → fake fal at ${fakeUrl} (no real fal calls, no cost)
  Examples:
${workflows.map((wf) => `    ${base}/workflow/${wf.id}   ${wf.name}`).join('\n')}
  Batch example writes MP4s to ${EXAMPLE_OUTPUT_DIR}/
Ctrl-C stops n8n and the fake fal.
`);
}

main().catch((error) => {
	if (!stopping) console.error(`\x1b[31m[start] ${error.message}\x1b[0m`);
	stopAll(1);
});
