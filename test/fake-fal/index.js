'use strict';
/**
 * A protocol-faithful fake of fal.ai's queue, storage, CDN and webhooks for Seedance 2.0, on one
 * 127.0.0.1 port (the node's transport sends every fal request to one `apiHost`). Plain CommonJS on Node
 * built-ins, so the tests, the offline demo and the benchmark can all `require` it.
 * Protocol facts: shared/docs/fal-protocol.md. Options and fault scripting: ./README.md.
 */
const crypto = require('crypto');
const http = require('http');
const { EventEmitter } = require('events');
const { Readable, pipeline } = require('stream');

const { createFaultScript, defaultFaultBody } = require('./faults');
const { classifyPricingRequest, createPricing } = require('./pricing');
const { OWNER_APP, MARKER_CONTENT_POLICY, MARKER_NEVER_FINISH, variantForEndpoint, validateInput, contentPolicyError } =
	require('./seedance-schema');
const { createWebhookSigner, postJson } = require('./webhook-signer');
const { DEFAULT_VIDEO_FILE, resolveVideoSource } = require('./video-source');
const { createDraftStore } = require('./drafts');
const { createMediaStore, classifyPlatformRequest } = require('./media');

const DEFAULT_OPTIONS = {
	host: '127.0.0.1',
	port: 0,
	apiKey: 'test-key',
	queueMs: 50,
	jobMs: 200,
	/** Jobs IN_PROGRESS at once; more wait IN_QUEUE, as on fal (2 for new accounts, up to 40). */
	concurrency: Infinity,
	webhookDelayMs: 0,
	webhookRetries: 5,
	webhookRetryMs: 200,
	/**
	 * More accounts: `{ [apiKey]: userId }`. Each key sees only its own requests (another key's
	 * request id answers 404 like an unknown one), and its jobs' webhooks carry its user id.
	 */
	otherAccounts: {},
	/** fal sends an SSE comment every 15 s on status streams. */
	sseKeepAliveMs: 15_000,
};

/** A job that fails validation ends this soon after it starts (fal rejects before generating). */
const VALIDATION_FAIL_MS = 20;
const PAYLOAD_ERROR_TEXT =
	'Response payload is not JSON serializable. Either return a JSON serializable object or use the queue endpoint to retrieve the response.';
const REQUEST_ID_HEADER = 'x-fal-request-id';

/** Request kinds that need `Authorization: Key <apiKey>` (the upload PUT, downloads and JWKS do not). */
const AUTHENTICATED_KINDS = new Set(['submit', 'status', 'status-stream', 'result', 'cancel', 'upload-initiate', 'sign', 'delete-payloads', 'request-history']);

/** Maps a method and path to a request kind and its path parameters. */
function classifyRequest(method, path) {
	const verb = method === 'HEAD' ? 'GET' : method;
	let match;
	const platform = classifyPlatformRequest(verb, path);
	if (platform) return platform;
	if (verb === 'GET' && path === '/.well-known/jwks.json') return { kind: 'jwks' };
	const pricing = classifyPricingRequest(verb, path);
	if (pricing) return pricing;
	if (verb === 'POST' && (match = path.match(/^\/storage\/upload\/(initiate|initiate-multipart)$/))) {
		return { kind: 'upload-initiate', multipart: match[1] === 'initiate-multipart' };
	}
	if (verb === 'PUT' && (match = path.match(/^\/upload\/([0-9a-f]+)$/))) return { kind: 'upload-put', token: match[1] };
	if (verb === 'PUT' && (match = path.match(/^\/upload\/([0-9a-f]+)\/(\d+)$/))) {
		return { kind: 'upload-part', token: match[1], partNumber: Number(match[2]) };
	}
	if (verb === 'POST' && (match = path.match(/^\/upload\/([0-9a-f]+)\/complete$/))) {
		return { kind: 'upload-complete', token: match[1] };
	}
	if (verb === 'GET' && (match = path.match(/^\/files\/uploads\/([0-9a-f]+)\/[^/]+$/))) {
		return { kind: 'download', uploadToken: match[1] };
	}
	if (verb === 'GET' && (match = path.match(/^\/files\/([0-9a-f-]+)\.mp4$/))) return { kind: 'download', requestId: match[1] };
	// Output URLs on fal's host forms (media.js `mediaBaseUrl`): v3b.fal.media/fal.media, storage.googleapis.com.
	if (verb === 'GET' && (match = path.match(/^\/(?:files\/b|falserverless\/fake)\/([0-9a-f-]+)\/output\.mp4$/))) return { kind: 'download', requestId: match[1] };
	if ((match = path.match(/^\/([^/]+\/[^/]+)\/requests\/([^/]+)(\/status|\/status\/stream|\/cancel)?$/))) {
		const [, app, requestId, tail = ''] = match;
		if (verb === 'GET' && tail === '') return { kind: 'result', app, requestId };
		if (verb === 'GET' && tail === '/status') return { kind: 'status', app, requestId };
		if (verb === 'GET' && tail === '/status/stream') return { kind: 'status-stream', app, requestId };
		if (verb === 'PUT' && tail === '/cancel') return { kind: 'cancel', app, requestId };
	}
	if (verb === 'POST' && (match = path.match(/^\/([^/]+\/[^/]+(?:\/[^/]+)*)\/?$/))) return { kind: 'submit', endpoint: match[1] };
	return { kind: 'unknown' };
}

function readBody(req) {
	return new Promise((resolve, reject) => {
		const chunks = [];
		req.on('data', (chunk) => chunks.push(chunk));
		req.on('end', () => resolve(Buffer.concat(chunks)));
		req.on('error', reject);
	});
}

/** The body as the log shows it: parsed JSON, `{bytes:n}` for anything else, undefined when empty. */
function describeBody(raw, kind) {
	if (raw.length === 0) return undefined;
	if (kind === 'upload-put' || kind === 'upload-part') return { bytes: raw.length };
	try {
		return JSON.parse(raw.toString('utf8'));
	} catch {
		return { bytes: raw.length };
	}
}

function sendJson(res, status, body, headers = {}) {
	const text = JSON.stringify(body);
	res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
	res.end(text);
}

function sendFault(res, fault) {
	const body = fault.body ?? defaultFaultBody(fault.status);
	const errorType = typeof body === 'object' && body !== null ? body.error_type : undefined;
	const headers = { ...(errorType ? { 'x-fal-error-type': errorType } : {}), ...(fault.headers ?? {}) };
	if (typeof body === 'string') {
		// e.g. a proxy's HTML 502 page: the client then throws "HTTP 502: Bad Gateway" without a body.
		res.writeHead(fault.status, { 'content-type': 'text/html', 'content-length': Buffer.byteLength(body), ...headers });
		res.end(body);
		return;
	}
	sendJson(res, fault.status, body, headers);
}

/** Parses `Range: bytes=a-b | a- | -n` against a size; undefined = whole file, null = unsatisfiable. */
function parseRange(header, size) {
	if (!header) return undefined;
	const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
	if (!match || (match[1] === '' && match[2] === '')) return undefined;
	let start;
	let end;
	if (match[1] === '') {
		start = Math.max(0, size - Number(match[2]));
		end = size - 1;
	} else {
		start = Number(match[1]);
		end = match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1);
	}
	if (start > end || start >= size) return null;
	return { start, end };
}

/** Streams a `{size, open(range)}` source with content-length, ranges and back-pressure (pipeline). */
function serveFile(req, res, source, contentType) {
	const range = parseRange(req.headers.range, source.size);
	if (range === null) {
		res.writeHead(416, { 'content-range': `bytes */${source.size}` });
		res.end();
		return;
	}
	const { start, end } = range ?? { start: 0, end: source.size - 1 };
	const headers = {
		'content-type': contentType,
		'content-length': end - start + 1,
		'accept-ranges': 'bytes',
		...(range ? { 'content-range': `bytes ${start}-${end}/${source.size}` } : {}),
	};
	res.writeHead(range ? 206 : 200, headers);
	if (req.method === 'HEAD' || source.size === 0) {
		res.end();
		return;
	}
	// pipeline destroys the source when the client goes away mid-download.
	pipeline(source.open({ start, end }), res, () => {});
}

function bufferSource(bytes) {
	return { size: bytes.length, open: ({ start, end }) => Readable.from([bytes.subarray(start, end + 1)]) };
}

/**
 * Starts the fake on 127.0.0.1 (random port unless `port`). See README.md for every option.
 * @returns {Promise<EventEmitter & object>} the fake: url, log, requests(kind), jobs, uploads, fault, sendWebhook, close…
 */
async function startFakeFal(userOptions = {}) {
	const options = { ...DEFAULT_OPTIONS, ...userOptions };
	const defaultVideo = resolveVideoSource(options.video ?? { file: DEFAULT_VIDEO_FILE });
	const signer = createWebhookSigner(options.userId ? { userId: options.userId } : {});
	const faults = createFaultScript();
	const uploadSecret = crypto.randomBytes(16);
	const drafts = createDraftStore(userOptions);
	const media = createMediaStore(options);

	const fake = new EventEmitter();
	const timers = new Set();
	const openStreams = new Set();
	const outgoing = new Set();
	/** requestId → { timers, watchers, script, video, invalid } — kept out of the public job records. */
	const internals = new Map();
	/** token → initiated upload */
	const pendingUploads = new Map();
	/** jobs past their queue time waiting for a free slot, in order */
	const readyQueue = [];
	let closed = false;

	fake.log = [];
	fake.jobs = new Map();
	fake.uploads = new Map();
	fake.webhooks = [];
	fake.maxConcurrentJobs = 0;
	fake.options = options;
	fake.drafts = drafts;
	fake.media = media;
	fake.requests = (kind) => fake.log.filter((entry) => kind === undefined || entry.kind === kind);
	fake.fault = (fault) => {
		faults.add(fault);
	};
	fake.pendingFaults = () => faults.pending.map((fault) => ({ ...fault }));
	/** Finishes a queued or running job now, with the outcome it would have had: no waiting on jobMs. */
	fake.finish = async (requestId) => {
		const job = fake.jobs.get(requestId);
		if (!job) throw new Error(`the fake has no job ${requestId}`);
		if (job.status === 'COMPLETED') return job;
		if (job.cancelled) throw new Error(`job ${requestId} was cancelled`);
		removeFromReadyQueue(job);
		if (job.status === 'IN_QUEUE') {
			job.startedAt = Date.now();
			setStatus(job, 'IN_PROGRESS');
		}
		const errors = outcomeErrors(job);
		completeJob(job, errors ? errors.outcome : successOutcome(job));
		return job;
	};

	function later(ms, fn, jobTimers) {
		const timer = setTimeout(() => {
			timers.delete(timer);
			jobTimers?.delete(timer);
			if (!closed) fn();
		}, ms);
		timers.add(timer);
		jobTimers?.add(timer);
		return timer;
	}

	function sleep(ms) {
		return new Promise((resolve) => later(ms, resolve));
	}

	// ---- jobs -------------------------------------------------------------------------------------

	function isActive(job) {
		return !job.cancelled && job.status !== 'COMPLETED';
	}

	function activeCount() {
		let count = 0;
		for (const job of fake.jobs.values()) if (isActive(job)) count += 1;
		return count;
	}

	function runningCount() {
		let count = 0;
		for (const job of fake.jobs.values()) if (isActive(job) && job.status === 'IN_PROGRESS') count += 1;
		return count;
	}

	function jobUrls(job) {
		const ownerApp = job.endpoint.split('/').slice(0, 2).join('/') || OWNER_APP;
		const base = `${fake.url}/${ownerApp}/requests/${job.requestId}`;
		return { response_url: base, status_url: `${base}/status`, cancel_url: `${base}/cancel` };
	}

	function queuePosition(job) {
		let position = 0;
		for (const other of fake.jobs.values()) {
			if (other === job) break;
			if (isActive(other) && other.status === 'IN_QUEUE') position += 1;
		}
		return position;
	}

	function addLog(job, message, level = 'INFO') {
		job.logs.push({ message, level, source: 'user', timestamp: new Date().toISOString() });
		notify(job);
	}

	function setStatus(job, status) {
		job.status = status;
		job.events.push({ type: status, time: Date.now() });
		notify(job);
	}

	function notify(job) {
		for (const watcher of internals.get(job.requestId).watchers) watcher(job);
	}

	function statusBody(job, withLogs) {
		const body = { status: job.status, request_id: job.requestId, ...jobUrls(job) };
		if (job.status === 'IN_QUEUE') body.queue_position = queuePosition(job);
		if (withLogs) body.logs = job.status === 'IN_QUEUE' ? [] : job.logs;
		if (job.status === 'COMPLETED') body.metrics = { inference_time: (job.completedAt - (job.startedAt ?? job.completedAt)) / 1000 };
		return body;
	}

	function submitJob(endpoint, input, query, headers, ownerKey) {
		const variant = variantForEndpoint(endpoint);
		const script = (options.behaviour && options.behaviour(input, endpoint)) || {};
		const prompt = typeof input?.prompt === 'string' ? input.prompt : '';
		const job = {
			requestId: crypto.randomUUID(),
			endpoint,
			version: variant?.version,
			tier: variant?.tier,
			kind: variant?.kind,
			input,
			webhookUrl: query.fal_webhook,
			ownerKey,
			userId: ownerKey !== undefined && ownerKey !== options.apiKey ? options.otherAccounts[ownerKey] : signer.userId,
			status: 'IN_QUEUE',
			cancelled: false,
			submittedAt: Date.now(),
			startedAt: undefined,
			completedAt: undefined,
			events: [{ type: 'IN_QUEUE', time: Date.now() }],
			logs: [],
			outcome: undefined,
		};
		job.renderedResolution = drafts.renderedResolution(job) ?? input?.resolution;
		const internal = {
			timers: new Set(),
			watchers: new Set(),
			script,
			neverFinish: Boolean(script.neverFinish) || prompt.includes(MARKER_NEVER_FINISH),
			video: script.video ? resolveVideoSource(script.video) : defaultVideo,
		};
		fake.jobs.set(job.requestId, job);
		internals.set(job.requestId, internal);
		media.noteSubmit(job, headers);
		fake.maxConcurrentJobs = Math.max(fake.maxConcurrentJobs, activeCount());
		fake.emit('submitted', job);

		later(script.queueMs ?? options.queueMs, () => enqueueReady(job), internal.timers);
		// A start timeout (seconds) that runs out while queued ends the job with a "user" 504.
		const startTimeout = Number(headers['x-fal-request-start-timeout'] ?? headers['x-fal-request-timeout']);
		if (startTimeout > 0) {
			later(startTimeout * 1000, () => {
				if (!isActive(job) || job.status !== 'IN_QUEUE') return;
				removeFromReadyQueue(job);
				const body = { detail: 'Request timed out', error_type: 'request_timeout' };
				completeJob(job, {
					status: 504,
					body,
					headers: { 'x-fal-request-timeout-type': 'user', 'x-fal-error-type': 'request_timeout' },
				});
			}, internal.timers);
		}
		return job;
	}

	function removeFromReadyQueue(job) {
		const index = readyQueue.indexOf(job);
		if (index !== -1) readyQueue.splice(index, 1);
	}

	function enqueueReady(job) {
		if (!isActive(job)) return;
		readyQueue.push(job);
		startReadyJobs();
	}

	function startReadyJobs() {
		while (readyQueue.length > 0 && runningCount() < options.concurrency) startJob(readyQueue.shift());
	}

	function startJob(job) {
		const internal = internals.get(job.requestId);
		job.startedAt = Date.now();
		setStatus(job, 'IN_PROGRESS');
		addLog(job, `Starting ${job.endpoint}`);
		const errors = outcomeErrors(job);
		if (errors && errors.validation) {
			later(Math.min(VALIDATION_FAIL_MS, internal.script.jobMs ?? options.jobMs), () => completeJob(job, errors.outcome), internal.timers);
			return;
		}
		if (internal.neverFinish) return;
		const jobMs = internal.script.jobMs ?? options.jobMs;
		later(jobMs / 2, () => addLog(job, 'Generating video: 50%'), internal.timers);
		later(jobMs, () => completeJob(job, errors ? errors.outcome : successOutcome(job)), internal.timers);
	}

	/** The error a job will end with, if any: scripted, schema validation, or the content checker. */
	function outcomeErrors(job) {
		const { script } = internals.get(job.requestId);
		if (script.error) return { outcome: { status: script.error.status ?? 422, body: script.error.body, headers: script.error.headers } };
		if (drafts.isComplete(job.endpoint)) {
			const draftDetail = drafts.validate(job);
			return draftDetail.length > 0 ? { validation: true, outcome: { status: 422, body: { detail: draftDetail } } } : undefined;
		}
		if (!job.tier) {
			return { validation: true, outcome: { status: 404, body: { detail: `Path /${job.endpoint} not found` } } };
		}
		const detail = validateInput(job.input, job.tier, isKnownUpload, job.kind, job.version);
		if (detail.length > 0) return { validation: true, outcome: { status: 422, body: { detail } } };
		if (typeof job.input.prompt === 'string' && job.input.prompt.includes(MARKER_CONTENT_POLICY)) {
			return { outcome: { status: 422, body: { detail: [contentPolicyError(job.input.prompt)] } } };
		}
		return undefined;
	}

	function successOutcome(job) {
		const { script, video } = internals.get(job.requestId);
		const output = script.output ?? {
			video: { url: media.outputUrl(job, fake.url), content_type: 'video/mp4', file_name: 'output.mp4', file_size: video.size },
			seed: Number.isInteger(job.input.seed) ? job.input.seed : crypto.randomInt(0, 2 ** 31),
		};
		return { status: 200, body: drafts.finishOutput(job, output) };
	}

	function completeJob(job, outcome) {
		const internal = internals.get(job.requestId);
		for (const timer of internal.timers) clearTimeout(timer);
		internal.timers.clear();
		job.outcome = outcome;
		job.completedAt = Date.now();
		if (!job.startedAt) job.startedAt = job.completedAt;
		if (outcome.status < 300) {
			addLog(job, 'Video generated');
			media.noteOutput(job, outcome.body);
		}
		setStatus(job, 'COMPLETED');
		fake.emit('completed', job);
		startReadyJobs();
		if (job.webhookUrl) deliverWebhook(job).catch(() => {});
	}

	function cancelJob(job) {
		const internal = internals.get(job.requestId);
		job.cancelled = true;
		job.events.push({ type: 'CANCELLED', time: Date.now() });
		for (const timer of internal.timers) clearTimeout(timer);
		internal.timers.clear();
		removeFromReadyQueue(job);
		fake.emit('cancelled', job);
		startReadyJobs();
	}

	// ---- webhooks ---------------------------------------------------------------------------------

	function webhookPayload(job) {
		const { script } = internals.get(job.requestId);
		const base = { request_id: job.requestId, gateway_request_id: job.requestId };
		if (script.webhookPayloadError) return { ...base, status: 'OK', payload: null, payload_error: PAYLOAD_ERROR_TEXT };
		if (job.outcome.status < 300) return { ...base, status: 'OK', payload: job.outcome.body };
		return { ...base, status: 'ERROR', error: `Invalid status code: ${job.outcome.status}`, payload: job.outcome.body };
	}

	function trackOutgoing(request) {
		outgoing.add(request);
		return () => outgoing.delete(request);
	}

	/** POSTs the signed result, retrying non-2xx and connection errors with exponential backoff. */
	async function deliverWebhook(job) {
		const payload = webhookPayload(job);
		const rawBody = Buffer.from(JSON.stringify(payload));
		if (options.webhookDelayMs > 0) await sleep(options.webhookDelayMs);
		for (let attempt = 1; attempt <= options.webhookRetries + 1 && !closed; attempt++) {
			const headers = signer.headersFor(rawBody, { requestId: job.requestId, userId: job.userId });
			const record = { time: Date.now(), url: job.webhookUrl, requestId: job.requestId, attempt, headers, body: payload };
			fake.webhooks.push(record);
			try {
				const response = await postJson(job.webhookUrl, rawBody, headers, trackOutgoing);
				record.responseStatus = response.status;
			} catch (error) {
				record.responseStatus = 0;
				record.error = error.message;
			}
			if (closed) return;
			fake.emit('webhook-sent', { url: job.webhookUrl, status: payload.status, responseStatus: record.responseStatus, attempt, requestId: job.requestId, error: record.error });
			if (record.responseStatus >= 200 && record.responseStatus < 300) return;
			if (attempt <= options.webhookRetries) await sleep(options.webhookRetryMs * 2 ** (attempt - 1));
		}
		if (!closed) fake.emit('webhook-failed', { url: job.webhookUrl, requestId: job.requestId });
	}

	/**
	 * Sends one webhook POST (no retries), signed like fal unless told otherwise, for tests of a receiver.
	 * Options: forge (key not in the JWKS), staleSeconds, timestamp, unsigned, requestId, userId,
	 * tamper (body changed after signing), rawBody, reuse (a previous result or {headers}: replay).
	 */
	fake.sendWebhook = async (url, payload, sendOptions = {}) => {
		const rawBody = Buffer.from(sendOptions.rawBody ?? JSON.stringify(payload));
		const requestId = sendOptions.requestId ?? payload?.request_id ?? crypto.randomUUID();
		const timestamp = sendOptions.timestamp ?? Math.floor(Date.now() / 1000) - (sendOptions.staleSeconds ?? 0);
		// userId: signed as that account's delivery (fal signs every account's webhooks with its own key).
		let headers = signer.headersFor(rawBody, { requestId, timestamp, forge: sendOptions.forge, userId: sendOptions.userId });
		if (sendOptions.unsigned) headers = {};
		if (sendOptions.reuse) headers = { ...(sendOptions.reuse.sentHeaders ?? sendOptions.reuse.headers) };
		const sentBody = sendOptions.tamper ? Buffer.from(JSON.stringify({ ...payload, tampered: true })) : rawBody;
		const response = await postJson(url, sentBody, headers, trackOutgoing);
		return { ...response, sentHeaders: headers, sentBody: sentBody.toString('utf8') };
	};
	fake.webhookUserId = signer.userId;
	fake.jwks = signer.jwks;
	fake.webhookPublicKey = signer.publicKey;

	// ---- storage ----------------------------------------------------------------------------------

	function uploadSignature(token) {
		return crypto.createHmac('sha256', uploadSecret).update(token).digest('hex').slice(0, 32);
	}

	/** false for a URL on our own storage that was never uploaded; undefined for anything else. */
	function isKnownUpload(url) {
		if (!url.startsWith(`${fake.url}/files/uploads/`)) return undefined;
		return fake.uploads.has(url.split('?')[0]) ? true : false;
	}

	function initiateUpload(req, res, body, multipart, key) {
		if (!body || typeof body.content_type !== 'string') {
			sendJson(res, 422, { detail: [{ loc: ['body', 'content_type'], msg: 'Field required', type: 'missing' }] });
			return;
		}
		const token = crypto.randomBytes(16).toString('hex');
		const fileName = typeof body.file_name === 'string' && body.file_name !== '' ? body.file_name : `${Date.now()}.bin`;
		const fileUrl = `${fake.url}/files/uploads/${token}/${encodeURIComponent(fileName)}`;
		pendingUploads.set(token, { fileUrl, contentType: body.content_type, fileName, multipart, parts: new Map() });
		media.noteUpload(fileUrl, req.headers, key);
		// The signed query mimics a pre-signed URL and proves that the client keeps `search` intact.
		sendJson(res, 200, { upload_url: `${fake.url}/upload/${token}?signature=${uploadSignature(token)}`, file_url: fileUrl });
	}

	function checkUploadUrl(res, route, query) {
		const pending = pendingUploads.get(route.token);
		if (!pending) {
			sendJson(res, 404, { detail: 'Upload not found' });
			return undefined;
		}
		if (query.signature !== uploadSignature(route.token)) {
			sendJson(res, 403, { detail: 'Invalid upload signature' });
			return undefined;
		}
		return pending;
	}

	function storeUpload(pending, contentType, bytes) {
		const upload = { fileUrl: pending.fileUrl, contentType: contentType || pending.contentType, fileName: pending.fileName, bytes };
		fake.uploads.set(pending.fileUrl, upload);
		return upload;
	}

	function handleStorage(req, res, route, query, raw, body, key) {
		if (route.kind === 'upload-initiate') return initiateUpload(req, res, body, route.multipart, key);
		const pending = checkUploadUrl(res, route, query);
		if (!pending) return;
		if (route.kind === 'upload-put') {
			storeUpload(pending, req.headers['content-type'], raw);
			res.writeHead(200, { 'content-length': 0 });
			res.end();
			return;
		}
		if (route.kind === 'upload-part') {
			const etag = crypto.createHash('md5').update(raw).digest('hex');
			pending.parts.set(route.partNumber, { etag, bytes: raw });
			sendJson(res, 200, { partNumber: route.partNumber, etag });
			return;
		}
		// upload-complete
		const listed = Array.isArray(body?.parts) ? body.parts : [];
		const missing = listed.find((part) => pending.parts.get(part.partNumber)?.etag !== part.etag);
		if (listed.length === 0 || missing) {
			sendJson(res, 400, { detail: `Invalid part list${missing ? `: part ${missing.partNumber}` : ''}` });
			return;
		}
		const bytes = Buffer.concat(listed.map((part) => pending.parts.get(part.partNumber).bytes));
		storeUpload(pending, undefined, bytes);
		sendJson(res, 200, { file_url: pending.fileUrl });
	}

	function handleDownload(req, res, route, path, query) {
		const refused = media.checkRead(path, query);
		if (refused) return sendJson(res, refused.status, refused.body);
		if (route.uploadToken) {
			const pending = pendingUploads.get(route.uploadToken);
			const upload = pending && fake.uploads.get(pending.fileUrl);
			if (!upload) return sendJson(res, 404, { detail: 'File not found' });
			return serveFile(req, res, bufferSource(upload.bytes), upload.contentType);
		}
		const job = fake.jobs.get(route.requestId);
		if (!job || job.status !== 'COMPLETED' || job.outcome.status >= 300) return sendJson(res, 404, { detail: 'File not found' });
		serveFile(req, res, internals.get(job.requestId).video, 'video/mp4');
	}

	// ---- queue ------------------------------------------------------------------------------------

	/**
	 * The job for a status/result/cancel URL: ids are global, but the owner/app must match, and
	 * the key must be the one that submitted it (fal tells another account nothing: 404).
	 */
	function findJob(route, key) {
		const job = fake.jobs.get(route.requestId);
		if (!job || !job.endpoint.startsWith(`${route.app}/`)) return undefined;
		if (job.ownerKey !== undefined && job.ownerKey !== key) return undefined;
		return job;
	}

	function handleQueue(req, res, route, query, body, key) {
		if (route.kind === 'submit') {
			const job = submitJob(route.endpoint, body, query, req.headers, key);
			const answer = { status: 'IN_QUEUE', request_id: job.requestId, ...jobUrls(job), queue_position: queuePosition(job) };
			const send = () => sendJson(res, 200, answer, { [REQUEST_ID_HEADER]: job.requestId });
			// A test can hold fal's answer until something has happened (e.g. a callback that must
			// certainly arrive before the submitter knows its request id).
			const hold = fake.holdSubmitAnswer?.(job);
			if (hold) return void Promise.resolve(hold).finally(send);
			return send();
		}
		const job = findJob(route, key);
		if (route.kind === 'cancel') {
			if (!job) return sendJson(res, 404, { status: 'NOT_FOUND' });
			if (job.status === 'COMPLETED') return sendJson(res, 400, { status: 'ALREADY_COMPLETED' });
			if (!job.cancelled) cancelJob(job);
			return sendJson(res, 202, { status: 'CANCELLATION_REQUESTED' });
		}
		if (!job) return sendJson(res, 404, { detail: `Request ${route.requestId} not found` });
		const idHeader = { [REQUEST_ID_HEADER]: job.requestId };
		const withLogs = query.logs === '1' || query.logs === 'true';
		if (route.kind === 'status') {
			return sendJson(res, job.status === 'COMPLETED' ? 200 : 202, statusBody(job, withLogs), idHeader);
		}
		if (route.kind === 'status-stream') return streamStatus(req, res, job, withLogs);
		// result
		if (job.status !== 'COMPLETED') return sendJson(res, 400, { detail: 'Request is still in progress' }, idHeader);
		const { status, body: resultBody, headers = {} } = job.outcome;
		return sendJson(res, status, resultBody, { ...headers, ...idHeader });
	}

	/** SSE: one `data:` event per change, a comment as keep-alive, closed after COMPLETED. */
	function streamStatus(req, res, job, withLogs) {
		res.writeHead(200, {
			'content-type': 'text/event-stream',
			'cache-control': 'no-cache',
			connection: 'keep-alive',
			[REQUEST_ID_HEADER]: job.requestId,
		});
		const { watchers } = internals.get(job.requestId);
		const keepAlive = setInterval(() => res.write(': keep-alive\n\n'), options.sseKeepAliveMs);
		const stop = () => {
			clearInterval(keepAlive);
			watchers.delete(send);
			openStreams.delete(stop);
		};
		function send(current) {
			res.write(`data: ${JSON.stringify(statusBody(current, withLogs))}\n\n`);
			if (current.status === 'COMPLETED') {
				stop();
				res.end();
			}
		}
		watchers.add(send);
		openStreams.add(stop);
		res.on('close', stop);
		send(job);
	}

	// ---- HTTP -------------------------------------------------------------------------------------

	function isAuthorised(req) {
		if (options.apiKey === null) return { ok: true, key: undefined };
		const header = req.headers.authorization;
		if (!header) return { ok: false, detail: 'Missing authorization header' };
		const key = header.startsWith('Key ') ? header.slice(4) : '';
		if (key !== options.apiKey && !Object.hasOwn(options.otherAccounts, key)) return { ok: false, detail: 'Invalid API key' };
		return { ok: true, key };
	}

	async function handle(req, res) {
		const parsed = new URL(req.url, 'http://fake');
		const path = parsed.pathname;
		const query = Object.fromEntries(parsed.searchParams);
		const route = classifyRequest(req.method, path);
		const raw = await readBody(req);
		const body = describeBody(raw, route.kind);
		const entry = { time: Date.now(), kind: route.kind, method: req.method, path, query, headers: { ...req.headers }, body, responseStatus: undefined };
		fake.log.push(entry);
		res.on('finish', () => {
			entry.responseStatus = res.statusCode;
		});
		res.on('close', () => {
			if (entry.responseStatus === undefined) entry.responseStatus = res.headersSent ? res.statusCode : 'dropped';
			fake.emit('request', entry);
		});

		const fault = faults.take(route.kind);
		if (fault) {
			entry.fault = true;
			if (fault.delayMs) await sleep(fault.delayMs);
			if (fault.drop) return void req.socket.destroy();
			return sendFault(res, fault);
		}
		let key;
		if (AUTHENTICATED_KINDS.has(route.kind)) {
			const auth = isAuthorised(req);
			if (!auth.ok) return sendJson(res, 401, { detail: auth.detail });
			key = auth.key;
		}
		switch (route.kind) {
			case 'pricing':
			case 'pricing-estimate':
				return pricing.handle(req, res, route, parsed.searchParams, body);
			case 'jwks':
				return sendJson(res, 200, signer.jwks, { 'cache-control': 'max-age=86400' });
			case 'upload-initiate':
			case 'upload-put':
			case 'upload-part':
			case 'upload-complete':
				return handleStorage(req, res, route, query, raw, body, key);
			case 'download':
				return handleDownload(req, res, route, path, query);
			case 'sign':
			case 'delete-payloads':
			case 'request-history': {
				const answer = media.handle(route, query, body, key);
				return sendJson(res, answer.status, answer.body);
			}
			case 'unknown':
				return sendJson(res, 404, { detail: `Not found: ${req.method} ${path}` });
			default:
				return handleQueue(req, res, route, query, body, key);
		}
	}

	const pricing = createPricing(fake, { sendJson, isAuthorised });

	const server = http.createServer((req, res) => {
		handle(req, res).catch((error) => {
			if (!res.headersSent) sendJson(res, 500, { detail: `fake-fal bug: ${error.message}` });
			else res.destroy();
		});
	});

	await new Promise((resolve, reject) => {
		server.once('error', reject);
		server.listen(options.port, options.host, resolve);
	});
	const { port } = server.address();
	fake.port = port;
	fake.url = `http://${options.host}:${port}`;
	fake.jwksUrl = `${fake.url}/.well-known/jwks.json`;
	fake.server = server;

	/** Stops timers, SSE streams, webhook deliveries and every socket; resolves when the port is free. */
	fake.close = async () => {
		if (closed) return;
		closed = true;
		for (const timer of timers) clearTimeout(timer);
		timers.clear();
		for (const stop of [...openStreams]) stop();
		for (const request of outgoing) request.destroy();
		outgoing.clear();
		const done = new Promise((resolve) => server.close(() => resolve()));
		server.closeAllConnections();
		await done;
	};

	return fake;
}

module.exports = { startFakeFal, classifyRequest, DEFAULT_OPTIONS, DEFAULT_VIDEO_FILE };
Object.assign(module.exports, require('./video-source'), {
	webhookSigner: require('./webhook-signer'),
	seedanceSchema: require('./seedance-schema'),
});
