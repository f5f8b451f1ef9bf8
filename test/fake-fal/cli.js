#!/usr/bin/env node
'use strict';
/**
 * Runs the fake fal server standalone, for the offline demo:
 *   node test/fake-fal/cli.js --port 9710 [--job-ms 3000] [--queue-ms 500] [--key demo-key]
 *                             [--video-mb 20] [--concurrency 2] [--quiet]
 * Prints its URL, then one line per request. Ctrl-C / SIGTERM closes it.
 */
const { startFakeFal } = require('./index');

const USAGE = `usage: node test/fake-fal/cli.js [--port 9710] [--host 127.0.0.1] [--job-ms 3000] [--queue-ms 500]
       [--key demo-key] [--video-mb N] [--concurrency N] [--quiet]`;

/** `--job-ms 3000` → { 'job-ms': '3000' }; `--quiet` → { quiet: true }. */
function parseArgs(argv) {
	const args = {};
	for (let i = 0; i < argv.length; i++) {
		const arg = argv[i];
		if (!arg.startsWith('--')) throw new Error(`unexpected argument "${arg}"`);
		const [name, inline] = arg.slice(2).split('=', 2);
		if (inline !== undefined) args[name] = inline;
		else if (argv[i + 1] !== undefined && !argv[i + 1].startsWith('--')) args[name] = argv[++i];
		else args[name] = true;
	}
	return args;
}

function numberArg(args, name, fallback) {
	if (args[name] === undefined) return fallback;
	const value = Number(args[name]);
	if (!Number.isFinite(value) || value < 0) throw new Error(`--${name} must be a number ≥ 0`);
	return value;
}

/** `12:03:04.512  POST /bytedance/seedance-2.0/fast/image-to-video  submit → 200` */
function formatEntry(entry) {
	const time = new Date(entry.time).toISOString().slice(11, 23);
	const fault = entry.fault ? '  (scripted fault)' : '';
	return `${time}  ${entry.method.padEnd(4)} ${entry.path}  ${entry.kind} → ${entry.responseStatus}${fault}`;
}

async function main() {
	const args = parseArgs(process.argv.slice(2));
	if (args.help) {
		console.log(USAGE);
		return;
	}
	const videoMb = numberArg(args, 'video-mb', undefined);
	const fake = await startFakeFal({
		host: typeof args.host === 'string' ? args.host : '127.0.0.1',
		port: numberArg(args, 'port', 9710),
		apiKey: typeof args.key === 'string' ? args.key : 'demo-key',
		jobMs: numberArg(args, 'job-ms', 3000),
		queueMs: numberArg(args, 'queue-ms', 500),
		concurrency: numberArg(args, 'concurrency', Infinity),
		...(videoMb !== undefined ? { video: { sizeBytes: Math.round(videoMb * 1024 * 1024) } } : {}),
	});
	console.log(`fake fal listening on ${fake.url} (API key "${fake.options.apiKey}")`);
	if (!args.quiet) {
		fake.on('request', (entry) => console.log(formatEntry(entry)));
		fake.on('completed', (job) => console.log(`              job ${job.requestId} COMPLETED (${job.outcome.status})`));
		fake.on('cancelled', (job) => console.log(`              job ${job.requestId} cancelled`));
		fake.on('webhook-sent', (w) => console.log(`              webhook ${w.status} → ${w.url} answered ${w.responseStatus}`));
	}
	let stopping = false;
	const stop = async () => {
		if (stopping) return;
		stopping = true;
		await fake.close();
		process.exit(0);
	};
	process.on('SIGINT', stop);
	process.on('SIGTERM', stop);
}

main().catch((error) => {
	console.error(`fake-fal: ${error.message}\n${USAGE}`);
	process.exit(1);
});
