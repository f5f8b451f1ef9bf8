#!/usr/bin/env node
/**
 * `npm run smoke:live -- --max-usd 1` with FAL_KEY: the cheapest real generation (Seedance 2.0 Mini
 * text-to-video, 480p, 4 s; a 2.5 draft once the schema has one), made private (initial ACL forbid),
 * expiring after 10 minutes and with X-Fal-Store-IO: 0, then every fact the fake fal assumes is
 * checked against fal's real answers (scripts/lib/liveFacts.js): submit and result shapes, the media
 * host, the 403 of an unsigned read, the signed URL, the delete. Prints the estimated cost and every
 * difference; exits 1 when there is one. Never in CI; refuses to start without --max-usd, and
 * before anything is sent when the estimate is over it. Run it before each release (README).
 * `--api-host <url>` sends everything to a stand-in instead (the tests run it against the fake).
 */
'use strict';
const path = require('node:path');

const { compareWithFake, parseSmokeArgs, UsageError } = require('./lib/liveFacts');

const PROMPT = 'A paper boat drifts on a calm pond, soft morning light';
const POLL_MS = 2000;
const MAX_WAIT_MS = 10 * 60 * 1000;
const EXPIRY_SECONDS = 600;

function loadSchema() {
	try {
		return require(path.join(__dirname, '..', 'dist', 'nodes', 'shared', 'schema'));
	} catch {
		throw new UsageError('The schema is not built: run `npm run build` first (npm run smoke:live does).');
	}
}

async function call(fetchImpl, url, init = {}) {
	const response = await fetchImpl(url, init);
	const text = await response.text();
	let body;
	try {
		body = text === '' ? undefined : JSON.parse(text);
	} catch {
		body = text.slice(0, 500);
	}
	return { status: response.status, contentType: response.headers.get('content-type') ?? '', body };
}

async function read(fetchImpl, url) {
	const response = await fetchImpl(url);
	// Only the status and type matter: the body is dropped unread.
	await response.body?.cancel?.();
	return { status: response.status, contentType: response.headers.get('content-type') ?? '' };
}

/** One private, expiring, unstored generation and the reads and Platform calls around it. */
async function runSmoke({ key, apiHost, endpoint, input, fetchImpl = fetch, log = () => undefined, sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms)) }) {
	const queue = apiHost ?? 'https://queue.fal.run';
	const platform = apiHost ? `${apiHost}/v1` : 'https://api.fal.ai/v1';
	const auth = { Authorization: `Key ${key}` };
	const o = {};
	const lifecycle = JSON.stringify({ expiration_duration_seconds: EXPIRY_SECONDS, initial_acl: { default: 'forbid' } });
	o.submit = await call(fetchImpl, `${queue}/${endpoint}`, {
		method: 'POST',
		headers: { ...auth, 'Content-Type': 'application/json', 'X-Fal-Object-Lifecycle-Preference': lifecycle, 'X-Fal-Store-IO': '0' },
		body: JSON.stringify(input),
	});
	const requestId = o.submit.body?.request_id;
	if (o.submit.status >= 300 || typeof requestId !== 'string') return o;
	log(`submitted ${requestId}`);
	const app = endpoint.split('/').slice(0, 2).join('/');
	const started = Date.now();
	for (;;) {
		const status = await call(fetchImpl, `${queue}/${app}/requests/${requestId}/status`, { headers: auth });
		if (status.body?.status === 'COMPLETED') break;
		if (Date.now() - started > MAX_WAIT_MS) {
			await call(fetchImpl, `${queue}/${app}/requests/${requestId}/cancel`, { method: 'PUT', headers: auth });
			o.timedOut = true;
			return o;
		}
		await sleep(POLL_MS);
	}
	o.result = await call(fetchImpl, `${queue}/${app}/requests/${requestId}`, { headers: auth });
	const fileUrl = o.result.body?.video?.url;
	if (typeof fileUrl !== 'string') return o;
	log(`video at ${new URL(fileUrl).host}`);
	// The CDN is read without the key, as the node reads it.
	o.unsignedRead = await read(fetchImpl, fileUrl);
	o.sign = await call(fetchImpl, `${platform}/storage/files/sign?${new URLSearchParams({ url: fileUrl.split('?')[0] })}`, {
		method: 'POST',
		headers: { ...auth, 'Content-Type': 'application/json' },
		body: JSON.stringify({ expiration_seconds: 300 }),
	});
	const signed = o.sign.body?.signed_url;
	if (typeof signed === 'string') o.signedRead = await read(fetchImpl, signed);
	o.deletion = await call(fetchImpl, `${platform}/models/requests/${encodeURIComponent(requestId)}/payloads`, { method: 'DELETE', headers: { ...auth, 'Idempotency-Key': `smoke-${requestId}` } });
	if (o.deletion.status === 200 && typeof signed === 'string') o.readAfterDelete = await read(fetchImpl, signed);
	return o;
}

async function main(argv = process.argv.slice(2), env = process.env, out = console, injectedSchema = undefined) {
	let args;
	let schema;
	try {
		args = parseSmokeArgs(argv, env);
		schema = injectedSchema ?? loadSchema();
	} catch (error) {
		if (!(error instanceof UsageError)) throw error;
		out.error(error.message);
		return 2;
	}
	const variant = schema.getVariant('text-to-video', 'mini');
	const input = { prompt: PROMPT, resolution: '480p', duration: '4', aspect_ratio: '16:9', generate_audio: false };
	const estimate = schema.estimateCostUsd(variant, { resolution: input.resolution, duration: input.duration });
	if (estimate === undefined || estimate > args.maxUsd) {
		out.error(`Not started: the run is estimated at $${estimate} (${variant.endpoint}, 480p, 4 s), over --max-usd ${args.maxUsd}.`);
		return 2;
	}
	const has25Draft = schema.VARIANTS.some((candidate) => candidate.endpoint.includes('seedance-2.5'));
	out.log(`Seedance live smoke test: ${variant.endpoint}, 480p, 4 s, estimated $${estimate} (cap $${args.maxUsd})${args.apiHost ? `, against ${args.apiHost}` : ''}`);
	if (!has25Draft) out.log('Seedance 2.5 draft: skipped, the schema has no 2.5 generate endpoint yet.');
	const observations = await runSmoke({ key: env.FAL_KEY, apiHost: args.apiHost, endpoint: variant.endpoint, input, log: (line) => out.log(`  ${line}`) });
	const { checked, differences } = compareWithFake(observations, { apiHost: args.apiHost });
	out.log(`Cost: about $${estimate} (schema price for ${variant.endpoint}; fal's billing shows the exact amount).`);
	out.log(`Checked ${checked} facts the fake fal assumes; ${differences.length} difference${differences.length === 1 ? '' : 's'}.`);
	for (const difference of differences) out.log(`  DIFFERENT ${difference.id}: the fake assumes ${difference.fake}; fal answered ${difference.observed}`);
	return differences.length === 0 ? 0 : 1;
}

module.exports = { main, runSmoke };

if (require.main === module) {
	main().then(
		(code) => process.exit(code),
		(error) => {
			console.error(`smoke:live failed: ${error.message}`);
			process.exit(1);
		},
	);
}
