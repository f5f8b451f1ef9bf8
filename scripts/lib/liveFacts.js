'use strict';
/**
 * What the fake fal (test/fake-fal) assumes about the real fal, as checks on what a live run saw
 * (scripts/smoke-live.js). Pure: `parseSmokeArgs` reads the command line, `compareWithFake` lists
 * every fact the observations contradict. Tested against the fake itself (test/scripts/smokeLive.test.ts).
 */

class UsageError extends Error {}

const USAGE = 'Usage: FAL_KEY=… npm run smoke:live -- --max-usd <dollars> [--with-draft] [--api-host <url>]';

/** `--max-usd` is required (a positive number); `--api-host` points every fal host at one stand-in. */
function parseSmokeArgs(argv, env) {
	const args = { maxUsd: undefined, apiHost: undefined, withDraft: false };
	for (let i = 0; i < argv.length; i++) {
		const [flag, inline] = argv[i].split(/=(.*)/s, 2);
		if (argv[i] === '--with-draft') {
			args.withDraft = true;
			continue;
		}
		const value = inline ?? argv[i + 1];
		if (flag === '--max-usd' || flag === '--api-host') {
			if (value === undefined || value.startsWith('--')) throw new UsageError(`${flag} needs a value. ${USAGE}`);
			if (inline === undefined) i++;
			if (flag === '--max-usd') args.maxUsd = Number(value);
			else args.apiHost = value.replace(/\/+$/, '');
			if (flag === '--max-usd' && !(Number.isFinite(args.maxUsd) && args.maxUsd > 0)) throw new UsageError(`--max-usd must be a positive number of dollars, not "${value}". ${USAGE}`);
		} else {
			throw new UsageError(`Unknown argument "${argv[i]}". ${USAGE}`);
		}
	}
	if (args.maxUsd === undefined) throw new UsageError(`Refusing to start without an explicit --max-usd: this spends real money on fal. ${USAGE}`);
	if (env.CI && env.CI !== 'false' && env.CI !== '0') throw new UsageError('Refusing to run in CI (CI is set): the live smoke test calls the real fal with a real key.');
	if (!env.FAL_KEY) throw new UsageError(`FAL_KEY is not set. ${USAGE}`);
	if (args.apiHost !== undefined && !/^https?:\/\/[^/]+/.test(args.apiHost)) throw new UsageError(`--api-host must be an http(s) URL, not "${args.apiHost}".`);
	return args;
}

const FAL_MEDIA_HOST = /^(?:fal\.media|[a-z0-9-]+(?:\.[a-z0-9-]+)*\.fal\.media|storage\.googleapis\.com)$/;

/**
 * The facts, each with what the fake does and a check of the observations. `apiHost`: a stand-in
 * serves fal's files on its own host (the node trusts it the same way).
 */
function fakeFacts(apiHost) {
	const standIn = apiHost ? new URL(apiHost).hostname : undefined;
	return [
		{ id: 'submit-shape', fake: 'submit answers request_id, status_url, response_url and cancel_url', check: (o) => ['request_id', 'status_url', 'response_url', 'cancel_url'].every((key) => typeof o.submit?.body?.[key] === 'string') },
		{ id: 'submit-headers-accepted', fake: 'a submit with X-Fal-Object-Lifecycle-Preference and X-Fal-Store-IO: 0 is accepted (2xx)', check: (o) => o.submit?.status >= 200 && o.submit?.status < 300 },
		{ id: 'result-video', fake: 'the result has video.url (and content_type video/mp4)', check: (o) => typeof o.result?.body?.video?.url === 'string' && o.result.body.video.content_type === 'video/mp4' },
		{
			id: 'media-host',
			fake: 'the video is on fal.media, a *.fal.media host or storage.googleapis.com',
			check: (o) => {
				const url = o.result?.body?.video?.url;
				if (typeof url !== 'string' || !URL.canParse(url)) return false;
				const host = new URL(url).hostname;
				return FAL_MEDIA_HOST.test(host) || host === standIn;
			},
		},
		{ id: 'private-unsigned-403', fake: 'an unsigned read of an output made with initial_acl forbid answers 403', check: (o) => o.unsignedRead?.status === 403 },
		{ id: 'sign-shape', fake: 'sign answers 200 {signed_url}', check: (o) => o.sign?.status === 200 && typeof o.sign?.body?.signed_url === 'string' },
		{
			id: 'signed-url-form',
			fake: 'the signed URL is the file URL plus a query (identity=…)',
			check: (o) => {
				const signed = o.sign?.body?.signed_url;
				const file = o.result?.body?.video?.url;
				return typeof signed === 'string' && typeof file === 'string' && signed.startsWith(`${file.split('?')[0]}?`) && /[?&]identity=/.test(signed);
			},
		},
		{ id: 'signed-read', fake: 'the signed URL reads the file (200, video/*), without the key', check: (o) => o.signedRead?.status === 200 && /^video\//.test(o.signedRead?.contentType ?? '') },
		{
			id: 'delete-shape',
			fake: 'delete answers 200 {cdn_delete_results: [{link, exception}]}, or 401/403 for a key that is not ADMIN',
			check: (o) => {
				if (o.deletion?.status === 401 || o.deletion?.status === 403) return true;
				const results = o.deletion?.body?.cdn_delete_results;
				return o.deletion?.status === 200 && Array.isArray(results) && results.every((entry) => typeof entry.link === 'string' && 'exception' in entry);
			},
		},
		{
			id: 'deleted-gone',
			fake: 'after a successful delete the output no longer reads, even signed (403/404)',
			check: (o) => o.deletion?.status !== 200 || (o.readAfterDelete !== undefined && o.readAfterDelete.status !== 200),
		},
	];
}

/**
 * What the fake assumes about Seedance 2.5 drafts (test/fake-fal/drafts.js), checked when the run made
 * one (`o.draft`, `--with-draft`): the draft's result carries `draft_id`, and draft/complete refuses a
 * draft nobody made with a 4xx naming `draft_id` (the fake: a 422 at result time, loc body.draft_id).
 */
function draftFacts() {
	const namesDraftId = (answer) => answer?.status >= 400 && answer?.status < 500 && JSON.stringify(answer.body ?? '').includes('draft_id');
	return [
		{ id: 'draft-submit-accepted', fake: 'a 2.5 generate request with draft: true is accepted (2xx)', check: (o) => o.draft?.submit?.status >= 200 && o.draft?.submit?.status < 300 },
		{ id: 'draft-result-id', fake: "a finished draft's result has a draft_id string", check: (o) => typeof o.draft?.result?.body?.draft_id === 'string' && o.draft.result.body.draft_id.length > 0 },
		{ id: 'draft-result-video', fake: "a finished draft's result has video.url (video/mp4), like any generation", check: (o) => typeof o.draft?.result?.body?.video?.url === 'string' && o.draft.result.body.video.content_type === 'video/mp4' },
		{
			id: 'draft-unknown-refused',
			fake: 'draft/complete of a draft nobody made is refused with a 4xx naming draft_id (a 422 at result time)',
			check: (o) => (o.draft?.unknownSubmit?.status < 300 ? namesDraftId(o.draft?.unknownResult) : namesDraftId(o.draft?.unknownSubmit)),
		},
	];
}

/** Every fact the observations contradict, with what was seen. */
function compareWithFake(observations, options = {}) {
	const facts = [...fakeFacts(options.apiHost), ...(observations.draft ? draftFacts() : [])];
	const differences = [];
	for (const fact of facts) {
		let holds = false;
		try {
			holds = fact.check(observations) === true;
		} catch {
			holds = false;
		}
		if (!holds) differences.push({ id: fact.id, fake: fact.fake, observed: describe(fact.id, observations) });
	}
	return { checked: facts.length, differences };
}

function describe(id, o) {
	const pick = {
		'submit-shape': o.submit,
		'submit-headers-accepted': o.submit,
		'result-video': o.result?.body?.video ?? o.result,
		'media-host': o.result?.body?.video?.url,
		'private-unsigned-403': o.unsignedRead,
		'sign-shape': o.sign,
		'signed-url-form': o.sign?.body,
		'signed-read': o.signedRead,
		'delete-shape': o.deletion,
		'deleted-gone': o.readAfterDelete,
		'draft-submit-accepted': o.draft?.submit,
		'draft-result-id': o.draft?.result?.body ?? o.draft?.result,
		'draft-result-video': o.draft?.result?.body?.video ?? o.draft?.result,
		'draft-unknown-refused': o.draft?.unknownResult ?? o.draft?.unknownSubmit,
	}[id];
	// A signed URL is a credential for a while: never printed whole.
	const text = JSON.stringify(pick ?? null).replace(/(identity|signature|token)=[^&"\s]+/gi, '$1=…');
	return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}

module.exports = { parseSmokeArgs, compareWithFake, fakeFacts, draftFacts, UsageError, USAGE };
