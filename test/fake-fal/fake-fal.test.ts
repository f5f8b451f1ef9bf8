/**
 * The fake fal server, driven through the real @fal-ai/client pointed at it the way our node does
 * (createReferenceFalClient with an apiHost, test/contract/referenceClient.ts). If the real client is happy with the fake, the node's
 * tests against the fake mean something.
 */
import crypto from 'crypto';
import fs from 'fs';
import http from 'http';
import type { AddressInfo } from 'net';
import { ApiError, ValidationError } from '@fal-ai/client';

import { createReferenceFalClient } from '../contract/referenceClient';
import { DEFAULT_VIDEO_FILE, generatedVideoSha256, startFakeFal, type FakeFal, type FakeFalOptions } from './index';

const API_KEY = 'test-key';
const FAST = 'bytedance/seedance-2.0/fast/image-to-video';
const VALID_INPUT = { prompt: 'The cat blinks slowly', image_url: 'https://example.com/cat.png', resolution: '720p' };

/** Tests that cost several seconds run only with FAKE_FAL_SLOW=1. */
const slowTest = process.env.FAKE_FAL_SLOW ? test : test.skip;

const fakes: FakeFal[] = [];
const servers: http.Server[] = [];

async function fakeFal(options: FakeFalOptions = {}): Promise<FakeFal> {
	const fake = await startFakeFal({ apiKey: API_KEY, ...options });
	fakes.push(fake);
	return fake;
}

function clientFor(fake: FakeFal, apiKey = API_KEY) {
	return createReferenceFalClient({ apiKey, apiHost: fake.url });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor<T>(check: () => T | undefined, timeoutMs = 5000): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const value = check();
		if (value) return value;
		if (Date.now() > deadline) throw new Error('waitFor timed out');
		await sleep(10);
	}
}

interface Received {
	headers: http.IncomingHttpHeaders;
	raw: Buffer;
}

/** A webhook receiver that answers with the next status of `answers` (then 200) and records what came in. */
async function webhookReceiver(answers: number[] = []) {
	const received: Received[] = [];
	const server = http.createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (chunk: Buffer) => chunks.push(chunk));
		req.on('end', () => {
			received.push({ headers: req.headers, raw: Buffer.concat(chunks) });
			res.writeHead(answers.shift() ?? 200, { 'content-type': 'application/json' });
			res.end('{}');
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	servers.push(server);
	return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhook`, received };
}

/** How a receiver verifies fal's signature: JWKS key, message `id\nuser\nts\nsha256hex(body)`, hex sig. */
async function verifiesWithJwks(jwksUrl: string, received: Received): Promise<boolean> {
	const { keys } = (await (await fetch(jwksUrl)).json()) as { keys: crypto.JsonWebKey[] };
	const header = (name: string) => String(received.headers[name]);
	const message = Buffer.from(
		[
			header('x-fal-webhook-request-id'),
			header('x-fal-webhook-user-id'),
			header('x-fal-webhook-timestamp'),
			crypto.createHash('sha256').update(received.raw).digest('hex'),
		].join('\n'),
		'utf8',
	);
	const signature = Buffer.from(header('x-fal-webhook-signature'), 'hex');
	return keys.some((jwk) => crypto.verify(null, message, crypto.createPublicKey({ key: jwk, format: 'jwk' }), signature));
}

afterEach(async () => {
	await Promise.all(fakes.splice(0).map((fake) => fake.close()));
	await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

describe('fake fal, through the real @fal-ai/client', () => {
	test('a job goes IN_QUEUE → IN_PROGRESS → COMPLETED and its video downloads as the sample MP4', async () => {
		const fake = await fakeFal({ queueMs: 150, jobMs: 300 });
		const client = clientFor(fake);

		const submitted = await client.queue.submit(FAST, { input: VALID_INPUT });
		expect(submitted.status).toBe('IN_QUEUE');
		expect(submitted.status_url).toBe(`${fake.url}/bytedance/seedance-2.0/requests/${submitted.request_id}/status`);

		const seen: string[] = [];
		for (;;) {
			const status = await client.queue.status(FAST, { requestId: submitted.request_id, logs: true });
			if (seen[seen.length - 1] !== status.status) seen.push(status.status);
			if (status.status === 'COMPLETED') break;
			await sleep(20);
		}
		expect(seen).toEqual(['IN_QUEUE', 'IN_PROGRESS', 'COMPLETED']);

		const result = await client.queue.result(FAST, { requestId: submitted.request_id });
		expect(result.requestId).toBe(submitted.request_id);
		const data = result.data as { video: { url: string; content_type: string; file_size: number }; seed: number };
		expect(data.video.url).toBe(`${fake.url}/files/${submitted.request_id}.mp4`);
		expect(data.video.content_type).toBe('video/mp4');
		expect(Number.isInteger(data.seed)).toBe(true);

		const download = await fetch(data.video.url);
		expect(download.headers.get('content-type')).toBe('video/mp4');
		const bytes = Buffer.from(await download.arrayBuffer());
		expect(bytes.equals(fs.readFileSync(DEFAULT_VIDEO_FILE))).toBe(true);
		expect(data.video.file_size).toBe(bytes.length);

		const job = fake.jobs.get(submitted.request_id);
		expect(job?.events.map((event) => event.type)).toEqual(['IN_QUEUE', 'IN_PROGRESS', 'COMPLETED']);
		expect(fake.requests('submit')[0].headers.authorization).toBe(`Key ${API_KEY}`);
		expect(fake.requests('status')[0].query.logs).toBe('1');
	});

	test('a status stream (SSE) resolves with COMPLETED', async () => {
		const fake = await fakeFal({ queueMs: 20, jobMs: 100 });
		const client = clientFor(fake);
		const { request_id: requestId } = await client.queue.submit(FAST, { input: VALID_INPUT });
		const done = await client.queue.subscribeToStatus(FAST, { requestId, mode: 'streaming' });
		expect(done.status).toBe('COMPLETED');
		expect(fake.requests('status-stream')).toHaveLength(1);
	});

	test('an input fal rejects surfaces at result() as a ValidationError naming the field', async () => {
		const fake = await fakeFal({ queueMs: 10, jobMs: 50 });
		const client = clientFor(fake);
		const { request_id: requestId } = await client.queue.submit(FAST, { input: { ...VALID_INPUT, resolution: '1080p' } });
		const done = await client.queue.subscribeToStatus(FAST, { requestId, pollInterval: 20 });
		expect(done.status).toBe('COMPLETED');

		const error = await client.queue.result(FAST, { requestId }).catch((caught: unknown) => caught);
		expect(error).toBeInstanceOf(ValidationError);
		const validation = error as ValidationError;
		expect(validation.status).toBe(422);
		expect(validation.body.detail[0].loc).toEqual(['body', 'resolution']);
		expect(validation.getFieldErrors('resolution')[0].msg).toBe("Input should be '480p' or '720p'");
	});

	test('a flagged prompt fails with content_policy_violation on the prompt', async () => {
		const fake = await fakeFal({ queueMs: 10, jobMs: 50 });
		const client = clientFor(fake);
		const { request_id: requestId } = await client.queue.submit(FAST, {
			input: { ...VALID_INPUT, prompt: 'something [content-policy]' },
		});
		await client.queue.subscribeToStatus(FAST, { requestId, pollInterval: 20 });
		const error = (await client.queue.result(FAST, { requestId }).catch((caught: unknown) => caught)) as ValidationError;
		expect(error).toBeInstanceOf(ValidationError);
		expect(error.body.detail[0]).toMatchObject({ loc: ['body', 'prompt'], type: 'content_policy_violation' });
	});

	test('a wrong API key gets a 401 ApiError, on the queue and on the credential test (upload initiate)', async () => {
		const fake = await fakeFal();
		const client = clientFor(fake, 'wrong-key');

		const error = (await client.queue.submit(FAST, { input: VALID_INPUT }).catch((caught: unknown) => caught)) as ApiError<{
			detail: string;
		}>;
		expect(error).toBeInstanceOf(ApiError);
		expect(error.status).toBe(401);
		expect(error.body.detail).toBe('Invalid API key');

		const upload = (await client.storage.upload(new Blob(['x'], { type: 'image/png' })).catch((caught: unknown) => caught)) as ApiError<unknown>;
		expect(upload).toBeInstanceOf(ApiError);
		expect(upload.status).toBe(401);
		expect(fake.jobs.size).toBe(0);
	});

	test('two scripted 429s on submit are retried by the client, and the third submit succeeds', async () => {
		const fake = await fakeFal();
		fake.fault({ on: 'submit', status: 429, times: 2 });
		const client = clientFor(fake);

		const submitted = await client.queue.submit(FAST, { input: VALID_INPUT });
		expect(submitted.request_id).toBeTruthy();
		expect(fake.requests('submit').map((entry) => entry.responseStatus)).toEqual([429, 429, 200]);
		expect(fake.jobs.size).toBe(1);
	});

	test('a dropped connection on status is retried by the client', async () => {
		const fake = await fakeFal({ queueMs: 10, jobMs: 30 });
		const client = clientFor(fake);
		const { request_id: requestId } = await client.queue.submit(FAST, { input: VALID_INPUT });
		fake.fault({ on: 'status', drop: true });
		const status = await client.queue.status(FAST, { requestId });
		expect(['IN_QUEUE', 'IN_PROGRESS', 'COMPLETED']).toContain(status.status);
		expect(fake.requests('status').map((entry) => entry.responseStatus)).toEqual(['dropped', expect.any(Number)]);
	});

	test('an uploaded image comes back byte for byte from its file_url, and the PUT carries no auth', async () => {
		const fake = await fakeFal();
		const client = clientFor(fake);
		const image = crypto.randomBytes(200 * 1024);

		const fileUrl = await client.storage.upload(new Blob([image], { type: 'image/png' }));
		expect(fileUrl.startsWith(`${fake.url}/files/uploads/`)).toBe(true);

		const served = await fetch(fileUrl);
		expect(served.headers.get('content-type')).toBe('image/png');
		expect(Buffer.from(await served.arrayBuffer()).equals(image)).toBe(true);
		expect(fake.uploads.get(fileUrl)?.bytes.equals(image)).toBe(true);

		const [initiate] = fake.requests('upload-initiate');
		expect(initiate.query.storage_type).toBe('fal-cdn-v3');
		expect(initiate.body).toMatchObject({ content_type: 'image/png' });
		const [put] = fake.requests('upload-put');
		expect(put.body).toEqual({ bytes: image.length });
		expect(put.headers.authorization).toBeUndefined();
	});

	// ~6 s of client-side work for 91 MB: run with FAKE_FAL_SLOW=1.
	slowTest('a file over 90 MB goes through the multipart upload and comes back whole', async () => {
		const fake = await fakeFal();
		const client = clientFor(fake);
		const bytes = Buffer.alloc(91 * 1024 * 1024, 7);
		bytes.write('first', 0);
		bytes.write('last', bytes.length - 4);

		const fileUrl = await client.storage.upload(new Blob([bytes], { type: 'video/mp4' }));
		expect(fake.requests('upload-initiate')[0].path).toBe('/storage/upload/initiate-multipart');
		expect(fake.requests('upload-part')).toHaveLength(10);
		expect(fake.requests('upload-complete')).toHaveLength(1);
		expect(fake.uploads.get(fileUrl)?.bytes.equals(bytes)).toBe(true);
	});

	test('an image_url on the fake storage that was never uploaded fails like a download error', async () => {
		const fake = await fakeFal({ queueMs: 10, jobMs: 30 });
		const client = clientFor(fake);
		const { request_id: requestId } = await client.queue.submit(FAST, {
			input: { ...VALID_INPUT, image_url: `${fake.url}/files/uploads/00ff/missing.png` },
		});
		await client.queue.subscribeToStatus(FAST, { requestId, pollInterval: 20 });
		const error = (await client.queue.result(FAST, { requestId }).catch((caught: unknown) => caught)) as ValidationError;
		expect(error.body.detail[0]).toMatchObject({ loc: ['body', 'image_url'], type: 'file_download_error' });
	});

	test('finish() completes a queued job at once, with its result, instead of waiting for the job time', async () => {
		const slow = await startFakeFal({ apiKey: null, queueMs: 60_000, jobMs: 60_000 });
		try {
			const submitted = await fetch(`${slow.url}/bytedance/seedance-2.0/fast/text-to-video`, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify({ prompt: 'a cat waves' }),
			}).then(async (response) => (await response.json()) as { request_id: string });
			const job = await slow.finish(submitted.request_id);
			expect(job.status).toBe('COMPLETED');
			const result = await fetch(`${slow.url}/bytedance/seedance-2.0/requests/${submitted.request_id}`);
			expect(result.status).toBe(200);
			expect(((await result.json()) as { video: { url: string } }).video.url).toContain(slow.url);
		} finally {
			await slow.close();
		}
	});

	test('cancelling a running job answers 202 and the job never completes; a finished job answers 400', async () => {
		const fake = await fakeFal({ queueMs: 10, jobMs: 200 });
		const client = clientFor(fake);
		const completed: string[] = [];
		fake.on('completed', (job) => completed.push(job.requestId));

		const { request_id: requestId } = await client.queue.submit(FAST, { input: VALID_INPUT });
		await waitFor(() => fake.jobs.get(requestId)?.status === 'IN_PROGRESS');
		await client.queue.cancel(FAST, { requestId });
		expect(fake.requests('cancel')[0].responseStatus).toBe(202);
		expect(fake.jobs.get(requestId)?.cancelled).toBe(true);

		await sleep(300);
		expect(completed).toEqual([]);
		const status = await client.queue.status(FAST, { requestId });
		expect(status.status).toBe('IN_PROGRESS');

		const { request_id: doneId } = await client.queue.submit(FAST, { input: VALID_INPUT });
		await client.queue.subscribeToStatus(FAST, { requestId: doneId, pollInterval: 20 });
		const error = (await client.queue.cancel(FAST, { requestId: doneId }).catch((caught: unknown) => caught)) as ApiError<{
			status: string;
		}>;
		expect(error).toBeInstanceOf(ApiError);
		expect(error.status).toBe(400);
		expect(error.body.status).toBe('ALREADY_COMPLETED');
	});

	test('a "[never]" prompt stays IN_PROGRESS until cancelled', async () => {
		const fake = await fakeFal({ queueMs: 10, jobMs: 20 });
		const client = clientFor(fake);
		const { request_id: requestId } = await client.queue.submit(FAST, { input: { ...VALID_INPUT, prompt: 'wait [never]' } });
		await sleep(150);
		expect(fake.jobs.get(requestId)?.status).toBe('IN_PROGRESS');
		const early = (await client.queue.result(FAST, { requestId }).catch((caught: unknown) => caught)) as ApiError<{ detail: string }>;
		expect(early.status).toBe(400);
		expect(early.body.detail).toBe('Request is still in progress');
	});

	test('a 50 MB generated video streams with the right content-length and bytes', async () => {
		const sizeBytes = 50 * 1024 * 1024;
		const fake = await fakeFal({ queueMs: 0, jobMs: 10, video: { sizeBytes } });
		const client = clientFor(fake);
		const { request_id: requestId } = await client.queue.submit(FAST, { input: VALID_INPUT });
		await client.queue.subscribeToStatus(FAST, { requestId, pollInterval: 20 });
		const { data } = await client.queue.result(FAST, { requestId });
		const { video } = data as { video: { url: string; file_size: number } };
		expect(video.file_size).toBe(sizeBytes);

		const response = await fetch(video.url);
		expect(response.headers.get('content-length')).toBe(String(sizeBytes));
		const hash = crypto.createHash('sha256');
		let received = 0;
		const reader = (response.body as ReadableStream<Uint8Array>).getReader();
		for (;;) {
			const { done, value } = await reader.read();
			if (done) break;
			received += value.length;
			hash.update(value);
		}
		expect(received).toBe(sizeBytes);
		expect(hash.digest('hex')).toBe(await generatedVideoSha256(sizeBytes));
		expect(fake.requests('download')).toHaveLength(1);
	});

	test('parallel submits overlap, and a concurrency limit keeps the rest IN_QUEUE', async () => {
		const fake = await fakeFal({ queueMs: 10, jobMs: 150, concurrency: 2 });
		const client = clientFor(fake);
		const ids = await Promise.all([1, 2, 3].map(() => client.queue.submit(FAST, { input: VALID_INPUT })));
		await sleep(80);
		const statuses = ids.map(({ request_id }) => fake.jobs.get(request_id)?.status);
		expect(statuses.filter((status) => status === 'IN_PROGRESS')).toHaveLength(2);
		expect(statuses.filter((status) => status === 'IN_QUEUE')).toHaveLength(1);
		expect(fake.maxConcurrentJobs).toBe(3);
		await Promise.all(ids.map(({ request_id }) => client.queue.subscribeToStatus(FAST, { requestId: request_id, pollInterval: 20 })));
	});

	test('the webhook is signed with a JWKS key, and a 409 from the receiver is retried', async () => {
		const fake = await fakeFal({ queueMs: 10, jobMs: 30, webhookRetryMs: 50 });
		const receiver = await webhookReceiver([409]);
		const client = clientFor(fake);
		const attempts: number[] = [];
		fake.on('webhook-sent', (attempt) => attempts.push(attempt.responseStatus));

		const { request_id: requestId } = await client.queue.submit(FAST, { input: VALID_INPUT, webhookUrl: receiver.url });
		expect(fake.requests('submit')[0].query.fal_webhook).toBe(receiver.url);
		await waitFor(() => attempts.includes(200));
		expect(attempts).toEqual([409, 200]);

		const delivered = receiver.received[1];
		const body = JSON.parse(delivered.raw.toString('utf8'));
		expect(body).toMatchObject({ request_id: requestId, gateway_request_id: requestId, status: 'OK' });
		expect(body.payload.video.url).toBe(`${fake.url}/files/${requestId}.mp4`);
		expect(delivered.headers['x-fal-webhook-request-id']).toBe(requestId);
		expect(Math.abs(Number(delivered.headers['x-fal-webhook-timestamp']) - Date.now() / 1000)).toBeLessThan(5);

		const jwks = (await (await fetch(fake.jwksUrl)).json()) as { keys: Array<Record<string, string>> };
		expect(jwks.keys[0]).toMatchObject({ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA', use: 'sig' });
		expect(Buffer.from(jwks.keys[0].x, 'base64url')).toHaveLength(32);
		expect(await verifiesWithJwks(fake.jwksUrl, delivered)).toBe(true);
	});

	test('a failed job sends an ERROR webhook with the 422 detail', async () => {
		const fake = await fakeFal({ queueMs: 10, jobMs: 30 });
		const receiver = await webhookReceiver();
		const client = clientFor(fake);
		await client.queue.submit(FAST, { input: { ...VALID_INPUT, prompt: '' }, webhookUrl: receiver.url });
		await waitFor(() => receiver.received[0]);
		const body = JSON.parse(receiver.received[0].raw.toString('utf8'));
		expect(body).toMatchObject({ status: 'ERROR', error: 'Invalid status code: 422' });
		expect(body.payload.detail[0].loc).toEqual(['body', 'prompt']);
	});

	test('a webhook whose payload fal could not serialise carries payload null and payload_error', async () => {
		const fake = await fakeFal({ queueMs: 10, jobMs: 30, behaviour: () => ({ webhookPayloadError: true }) });
		const receiver = await webhookReceiver();
		await clientFor(fake).queue.submit(FAST, { input: VALID_INPUT, webhookUrl: receiver.url });
		await waitFor(() => receiver.received[0]);
		const body = JSON.parse(receiver.received[0].raw.toString('utf8'));
		expect(body).toMatchObject({ status: 'OK', payload: null });
		expect(body.payload_error).toMatch(/^Response payload is not JSON serializable/);
	});

	test('sendWebhook can forge, age and tamper with signatures for receiver tests', async () => {
		const fake = await fakeFal();
		const receiver = await webhookReceiver();
		const payload = { request_id: 'req-1', gateway_request_id: 'req-1', status: 'OK', payload: { seed: 1 } };

		await fake.sendWebhook(receiver.url, payload);
		await fake.sendWebhook(receiver.url, payload, { forge: true });
		await fake.sendWebhook(receiver.url, payload, { tamper: true });
		const stale = await fake.sendWebhook(receiver.url, payload, { staleSeconds: 400 });
		const replay = await fake.sendWebhook(receiver.url, payload, { reuse: stale });
		await fake.sendWebhook(receiver.url, payload, { unsigned: true });

		const [genuine, forged, tampered, aged, replayed, unsigned] = receiver.received;
		expect(await verifiesWithJwks(fake.jwksUrl, genuine)).toBe(true);
		expect(await verifiesWithJwks(fake.jwksUrl, forged)).toBe(false);
		expect(await verifiesWithJwks(fake.jwksUrl, tampered)).toBe(false);
		expect(await verifiesWithJwks(fake.jwksUrl, aged)).toBe(true);
		expect(Number(aged.headers['x-fal-webhook-timestamp'])).toBeLessThan(Date.now() / 1000 - 390);
		expect(replayed.headers['x-fal-webhook-signature']).toBe(stale.sentHeaders['x-fal-webhook-signature']);
		expect(replay.status).toBe(200);
		expect(unsigned.headers['x-fal-webhook-signature']).toBeUndefined();
	});
});
