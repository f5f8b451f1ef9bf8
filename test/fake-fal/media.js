'use strict';
/**
 * fal's media as the fake plays it (fal docs: model-apis media-expiration, file-access-controls,
 * inference/payloads; Platform APIs for Storage and Models → Requests):
 * - output files on several host forms: `mediaBaseUrl` ('http://v3b.fal.media', 'http://fal.media',
 *   'http://storage.googleapis.com'…) names them on a real fal host, reached through a forward proxy
 *   that maps those names to the fake (test/proxy/forwardProxy.ts `hosts`); default: the fake's URL;
 * - an ACL per file: `X-Fal-Object-Lifecycle-Preference` `initial_acl` on the submit (outputs) and
 *   `X-Fal-Object-Lifecycle[-Preference]` on the upload initiate (inputs), else the account default
 *   (`privateByDefault`). `forbid` answers 403 to an unsigned read, `hide` 404;
 * - signed URLs: `POST /v1/storage/files/sign?url=` `{expiration_seconds}` (1 s–7 days, key scope
 *   `assets:read`) answers `{signed_url}`: the file's URL plus `?identity=…&expires=…`, readable
 *   whatever the ACL until it expires;
 * - lifecycle expiry: `expiration_duration_seconds` on the same headers; past it the file is gone (404);
 * - payloads: stored per request unless `X-Fal-Store-IO: 0`; `GET /v1/models/requests/by-endpoint`
 *   lists them as fal's request history does (json_input/json_output only when stored);
 * - `DELETE /v1/models/requests/{id}/payloads` (key scope `admin`): deletes the payloads and the
 *   output files, not the inputs, answering `{cdn_delete_results: [{link, exception}]}`.
 * Key scopes: `keyScopes: { [apiKey]: ['assets:read', 'admin'] }`; a key not listed has both.
 * The clock (`fake.media.clock.advance(ms)`) moves expiry and signatures forward without waiting.
 */
const crypto = require('crypto');

const MAX_SIGNED_SECONDS = 7 * 24 * 60 * 60;
const ALL_SCOPES = ['assets:read', 'admin'];

function parseLifecycle(value) {
	if (typeof value !== 'string' || value === '') return undefined;
	try {
		const parsed = JSON.parse(value);
		return parsed && typeof parsed === 'object' ? parsed : undefined;
	} catch {
		return undefined;
	}
}

/** The Platform API routes this module answers (under `/v1`), or undefined. */
function classifyPlatformRequest(method, path) {
	let match;
	if (method === 'POST' && path === '/v1/storage/files/sign') return { kind: 'sign' };
	if (method === 'DELETE' && (match = path.match(/^\/v1\/models\/requests\/([^/]+)\/payloads$/))) return { kind: 'delete-payloads', requestId: decodeURIComponent(match[1]) };
	if (method === 'GET' && path === '/v1/models/requests/by-endpoint') return { kind: 'request-history' };
	return undefined;
}

function createClock() {
	let offsetMs = 0;
	return { now: () => Date.now() + offsetMs, advance: (ms) => void (offsetMs += ms) };
}

/**
 * @param {object} options the fake's options: mediaBaseUrl, privateByDefault, keyScopes
 */
function createMediaStore(options = {}) {
	const clock = createClock();
	const secret = crypto.randomBytes(16);
	/** path (`/files/…`) → { url, kind: 'output'|'input', requestId?, ownerKey, acl, expiresAt?, deleted } */
	const files = new Map();
	/** requestId → { endpoint, ownerKey, storeIo, lifecycle, input, output, payloadsDeleted } */
	const requests = new Map();

	function scopesOf(key) {
		const scopes = options.keyScopes?.[key];
		return Array.isArray(scopes) ? scopes : ALL_SCOPES;
	}

	function aclFrom(lifecycle) {
		const wanted = lifecycle?.initial_acl?.default;
		if (wanted === 'allow' || wanted === 'forbid' || wanted === 'hide') return wanted;
		return options.privateByDefault ? 'forbid' : 'allow';
	}

	function expiryFrom(lifecycle) {
		const seconds = lifecycle?.expiration_duration_seconds;
		return Number.isFinite(seconds) && seconds > 0 ? clock.now() + seconds * 1000 : undefined;
	}

	function signature(path, expires) {
		return crypto.createHmac('sha256', secret).update(`${path}|${expires}`).digest('hex').slice(0, 40);
	}

	const store = {
		clock,
		files,
		requests,

		/** The output URL of a job: on `mediaBaseUrl`'s host form, else the fake's own `/files/<id>.mp4`. */
		outputUrl(job, fakeUrl) {
			const base = options.mediaBaseUrl;
			if (!base) return `${fakeUrl}/files/${job.requestId}.mp4`;
			const host = new URL(base).hostname;
			if (host === 'storage.googleapis.com') return `${base}/falserverless/fake/${job.requestId}/output.mp4`;
			return `${base}/files/b/${job.requestId}/output.mp4`;
		},

		/** A submit: what fal is asked to keep of this request. */
		noteSubmit(job, headers) {
			const lifecycle = parseLifecycle(headers['x-fal-object-lifecycle-preference']);
			requests.set(job.requestId, {
				requestId: job.requestId,
				endpoint: job.endpoint,
				ownerKey: job.ownerKey,
				storeIo: headers['x-fal-store-io'] !== '0',
				lifecycle,
				input: job.input,
				output: undefined,
				payloadsDeleted: false,
			});
		},

		/** A job finished with `output`: its video becomes a file with the request's ACL and expiry. */
		noteOutput(job, output) {
			const request = requests.get(job.requestId);
			if (request) request.output = output;
			const url = output?.video?.url;
			if (typeof url !== 'string') return;
			const lifecycle = request?.lifecycle;
			files.set(new URL(url).pathname, { url, kind: 'output', requestId: job.requestId, ownerKey: job.ownerKey, acl: aclFrom(lifecycle), expiresAt: expiryFrom(lifecycle), deleted: false });
		},

		/** An upload initiated with these headers (fal-js: `X-Fal-Object-Lifecycle`; fal's Python client: both names). */
		noteUpload(fileUrl, headers, ownerKey) {
			const lifecycle = parseLifecycle(headers['x-fal-object-lifecycle'] ?? headers['x-fal-object-lifecycle-preference']);
			files.set(new URL(fileUrl).pathname, { url: fileUrl, kind: 'input', ownerKey, acl: aclFrom(lifecycle), expiresAt: expiryFrom(lifecycle), lifecycle, deleted: false });
		},

		/**
		 * Whether a CDN read of `path` with `query` may be served: undefined = yes, else the answer
		 * {status, body}. Unknown paths are the caller's business (404 there).
		 */
		checkRead(path, query) {
			const file = files.get(path);
			if (!file) return undefined;
			if (file.deleted) return { status: 404, body: { detail: 'File not found' } };
			if (file.expiresAt !== undefined && clock.now() >= file.expiresAt) return { status: 404, body: { detail: 'File not found' } };
			if (query.identity !== undefined) {
				const expires = Number(query.expires);
				if (!Number.isFinite(expires) || query.identity !== signature(path, expires)) return { status: 403, body: { detail: 'Invalid signature' } };
				if (clock.now() >= expires * 1000) return { status: 403, body: { detail: 'Signature expired' } };
				return undefined;
			}
			if (file.acl === 'forbid') return { status: 403, body: { detail: 'Access denied' } };
			if (file.acl === 'hide') return { status: 404, body: { detail: 'File not found' } };
			return undefined;
		},

		/** Answers a Platform API route (auth already checked): {status, body}. */
		handle(route, query, body, key) {
			if (route.kind === 'sign') return sign(query, body, key);
			if (route.kind === 'delete-payloads') return deletePayloads(route.requestId, key);
			return history(query, key);
		},

		/** What fal keeps of a request (test helper): undefined when it never heard of it. */
		storedPayloads(requestId) {
			const request = requests.get(requestId);
			if (!request) return undefined;
			return request.storeIo && !request.payloadsDeleted ? { input: request.input, output: request.output } : null;
		},
	};

	function sign(query, body, key) {
		if (!scopesOf(key).includes('assets:read')) return { status: 403, body: { detail: 'This API key is missing the required permission: assets:read' } };
		const target = typeof query.url === 'string' ? query.url : '';
		if (!URL.canParse(target)) return { status: 422, body: { detail: [{ loc: ['query', 'url'], msg: 'Field required', type: 'missing' }] } };
		const parsed = new URL(target);
		if (parsed.search !== '') return { status: 422, body: { detail: [{ loc: ['query', 'url'], msg: 'URL must not contain query parameters', type: 'value_error' }] } };
		const seconds = body?.expiration_seconds ?? 3600;
		if (!Number.isInteger(seconds) || seconds < 1 || seconds > MAX_SIGNED_SECONDS) {
			return { status: 422, body: { detail: [{ loc: ['body', 'expiration_seconds'], msg: `Input should be between 1 and ${MAX_SIGNED_SECONDS}`, type: 'less_than_equal' }] } };
		}
		const file = files.get(parsed.pathname);
		if (!file || file.deleted || (file.ownerKey !== undefined && key !== undefined && file.ownerKey !== key)) return { status: 404, body: { detail: 'File not found' } };
		const expires = Math.floor(clock.now() / 1000) + seconds;
		return { status: 200, body: { signed_url: `${target}?identity=${signature(parsed.pathname, expires)}&expires=${expires}` } };
	}

	function deletePayloads(requestId, key) {
		if (!scopesOf(key).includes('admin')) return { status: 403, body: { detail: 'This operation requires an ADMIN API key' } };
		const request = requests.get(requestId);
		if (!request || (key !== undefined && request.ownerKey !== key)) return { status: 404, body: { detail: `Request ${requestId} not found` } };
		request.payloadsDeleted = true;
		const results = [];
		for (const file of files.values()) {
			if (file.kind !== 'output' || file.requestId !== requestId || file.deleted) continue;
			file.deleted = true;
			results.push({ link: file.url, exception: null });
		}
		return { status: 200, body: { cdn_delete_results: results } };
	}

	function history(query, key) {
		const items = [...requests.values()]
			.filter((request) => request.ownerKey === key && (!query.endpoint_id || request.endpoint === query.endpoint_id))
			.map((request) => {
				const stored = request.storeIo && !request.payloadsDeleted;
				return { request_id: request.requestId, endpoint_id: request.endpoint, ...(stored ? { json_input: request.input, json_output: request.output ?? null } : {}) };
			});
		return { status: 200, body: { items, has_more: false, next_cursor: null } };
	}

	return store;
}

module.exports = { createMediaStore, classifyPlatformRequest, MAX_SIGNED_SECONDS };
