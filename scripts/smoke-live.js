#!/usr/bin/env node
/**
 * `npm run smoke:live -- --max-usd 1` with FAL_KEY: the cheapest real generation (Seedance 2.0 Mini
 * text-to-video, 480p, 4 s), made private (initial ACL forbid),
 * expiring after 10 minutes and with X-Fal-Store-IO: 0, then every fact the fake fal assumes is
 * checked against fal's real answers (scripts/lib/liveFacts.js): submit and result shapes, the media
 * host, the 403 of an unsigned read, the signed URL, the delete. Prints the estimated cost and every
 * difference; exits 1 when there is one. Never in CI; refuses to start without --max-usd, and
 * before anything is sent when the estimate is over it. Run it before each release (README).
 * `--with-draft` adds the cheapest Seedance 2.5 draft (text-to-video, draft: true, 480p, the shortest
 * duration; private and expiring too), inside the same cap, and checks what the fake assumes about
 * drafts: the `draft_id` in the result, and how draft/complete refuses a draft nobody made (that
 * request renders nothing). The draft is never completed: a 1080p render is what the cap avoids.
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

/** Where a run sends its requests: fal's hosts, or one stand-in (`--api-host`). */
function hostsOf(apiHost) {
	return { queue: apiHost ?? 'https://queue.fal.run', platform: apiHost ? `${apiHost}/v1` : 'https://api.fal.ai/v1' };
}

/**
 * Submits one private, expiring, unstored request and waits for it: `{ submit, result, requestId }`,
 * or `{ submit, timedOut }` (the request is cancelled). A failed request's result is its error answer.
 */
async function submitAndWait({ key, apiHost, endpoint, input, fetchImpl, log, sleep }) {
	const { queue } = hostsOf(apiHost);
	const auth = { Authorization: `Key ${key}` };
	const lifecycle = JSON.stringify({ expiration_duration_seconds: EXPIRY_SECONDS, initial_acl: { default: 'forbid' } });
	const submit = await call(fetchImpl, `${queue}/${endpoint}`, {
		method: 'POST',
		headers: { ...auth, 'Content-Type': 'application/json', 'X-Fal-Object-Lifecycle-Preference': lifecycle, 'X-Fal-Store-IO': '0' },
		body: JSON.stringify(input),
	});
	const requestId = submit.body?.request_id;
	if (submit.status >= 300 || typeof requestId !== 'string') return { submit };
	log(`submitted ${requestId} (${endpoint})`);
	const app = endpoint.split('/').slice(0, 2).join('/');
	const started = Date.now();
	for (;;) {
		const status = await call(fetchImpl, `${queue}/${app}/requests/${requestId}/status`, { headers: auth });
		if (status.body?.status === 'COMPLETED') break;
		if (Date.now() - started > MAX_WAIT_MS) {
			await call(fetchImpl, `${queue}/${app}/requests/${requestId}/cancel`, { method: 'PUT', headers: auth });
			return { submit, requestId, timedOut: true };
		}
		await sleep(POLL_MS);
	}
	return { submit, requestId, result: await call(fetchImpl, `${queue}/${app}/requests/${requestId}`, { headers: auth }) };
}

const defaultSleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** One private, expiring, unstored generation and the reads and Platform calls around it. */
async function runSmoke({ key, apiHost, endpoint, input, fetchImpl = fetch, log = () => undefined, sleep = defaultSleep }) {
	const { platform } = hostsOf(apiHost);
	const auth = { Authorization: `Key ${key}` };
	const o = {};
	const run = await submitAndWait({ key, apiHost, endpoint, input, fetchImpl, log, sleep });
	o.submit = run.submit;
	if (run.timedOut) o.timedOut = true;
	if (!run.result) return o;
	const { requestId } = run;
	o.result = run.result;
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

/**
 * The cheapest Seedance 2.5 draft (`draftEndpoint`, `draftInput`), then draft/complete asked for a
 * draft nobody made (fal refuses it; nothing is rendered). The real draft is left uncompleted.
 */
async function runDraftSmoke({ key, apiHost, draftEndpoint, draftInput, completeEndpoint, fetchImpl = fetch, log = () => undefined, sleep = defaultSleep }) {
	const draft = await submitAndWait({ key, apiHost, endpoint: draftEndpoint, input: draftInput, fetchImpl, log, sleep });
	const unknownDraftId = `draft-smoke-nobody-made-${Date.now()}`;
	const unknown = await submitAndWait({ key, apiHost, endpoint: completeEndpoint, input: { draft_id: unknownDraftId }, fetchImpl, log, sleep });
	return { submit: draft.submit, result: draft.result, timedOut: draft.timedOut, unknownDraftId, unknownSubmit: unknown.submit, unknownResult: unknown.result };
}

/** The cheapest Seedance 2.5 draft the schema allows: text-to-video at the draft's resolution, shortest duration. */
function cheapestDraft(schema) {
	const version = schema.VERSIONS.find((candidate) => candidate.draft);
	if (!version) return undefined;
	const variant = schema.variantsOf('text-to-video', version.id)[0];
	const duration = String(Math.min(...version.durations.filter((value) => value !== 'auto').map(Number)));
	const input = { prompt: PROMPT, draft: true, duration, aspect_ratio: '16:9', generate_audio: false };
	const estimate = schema.estimateCostUsd(variant, { resolution: version.draft.resolution, duration });
	return { variant, input, estimate, resolution: version.draft.resolution, completeEndpoint: version.draft.completeEndpoint };
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
	const draft = args.withDraft ? cheapestDraft(schema) : undefined;
	if (args.withDraft && !draft) {
		out.error('Not started: --with-draft, but the schema has no model with drafts.');
		return 2;
	}
	const total = estimate === undefined || (draft && draft.estimate === undefined) ? undefined : round(estimate + (draft?.estimate ?? 0));
	const what = `${variant.endpoint}, 480p, 4 s${draft ? ` + ${draft.variant.endpoint} draft, ${draft.resolution}, ${draft.input.duration} s` : ''}`;
	if (total === undefined || total > args.maxUsd) {
		out.error(`Not started: the run is estimated at $${total} (${what}), over --max-usd ${args.maxUsd}.`);
		return 2;
	}
	out.log(`Seedance live smoke test: ${what}, estimated $${total} (cap $${args.maxUsd})${args.apiHost ? `, against ${args.apiHost}` : ''}`);
	if (!draft) out.log('Seedance 2.5 draft: skipped (add --with-draft to check drafts too).');
	const log = (line) => out.log(`  ${line}`);
	const observations = await runSmoke({ key: env.FAL_KEY, apiHost: args.apiHost, endpoint: variant.endpoint, input, log });
	if (draft) {
		observations.draft = await runDraftSmoke({ key: env.FAL_KEY, apiHost: args.apiHost, draftEndpoint: draft.variant.endpoint, draftInput: draft.input, completeEndpoint: draft.completeEndpoint, log });
		// fal's own wording for a draft it does not know, which the fake can only guess (test/fake-fal/drafts.js).
		out.log(`  draft/complete of an unknown draft answered ${describeRefusal(observations.draft)}`);
	}
	const { checked, differences } = compareWithFake(observations, { apiHost: args.apiHost });
	out.log(`Cost: about $${total} (schema prices for ${what}; fal's billing shows the exact amount).`);
	out.log(`Checked ${checked} facts the fake fal assumes; ${differences.length} difference${differences.length === 1 ? '' : 's'}.`);
	for (const difference of differences) out.log(`  DIFFERENT ${difference.id}: the fake assumes ${difference.fake}; fal answered ${difference.observed}`);
	return differences.length === 0 ? 0 : 1;
}

function round(usd) {
	return Math.round(usd * 10000) / 10000;
}

function describeRefusal(draft) {
	const answer = draft.unknownResult ?? draft.unknownSubmit;
	return `${answer?.status} ${JSON.stringify(answer?.body ?? null).slice(0, 400)}`;
}

module.exports = { main, runSmoke, runDraftSmoke };

if (require.main === module) {
	main().then(
		(code) => process.exit(code),
		(error) => {
			console.error(`smoke:live failed: ${error.message}`);
			process.exit(1);
		},
	);
}
