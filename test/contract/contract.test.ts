/**
 * The contract: every scenario runs once through fal's official client (`@fal-ai/client`, the
 * reference) and once through the node's transport inside n8n-core's real execution context, each
 * against its own fake fal, and the fake must have seen the same requests: method, path, query, the
 * headers that matter and the body (request ids, upload tokens and signatures anonymised). Where our
 * transport differs on purpose, the test says so and asserts the difference.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { startFakeFal, type FakeFal, type FakeFalOptions, type LogEntry } from '../fake-fal';
import { runWithReference, runWithTransport, type ContractClient, type Outcome } from './clients';

const API_KEY = 'contract-key-0123456789:secret-abcdef';
const ENDPOINT = 'bytedance/seedance-2.0/fast/image-to-video';
const VALID_INPUT = { prompt: 'The cat blinks slowly', image_url: 'https://example.com/cat.png', resolution: '720p' };
/** A job that stays IN_PROGRESS, so a status answer does not depend on how long retries waited. */
const ENDLESS_INPUT = { ...VALID_INPUT, prompt: 'The cat blinks slowly [never]' };
const SAMPLE_FILE = readFileSync(join(__dirname, '../fake-fal/fixtures/sample.mp4'));

type Scenario<T> = (client: ContractClient, fake: FakeFal) => Promise<T>;

interface Exchange<T> {
	outcome: Outcome<T>;
	requests: NormalisedRequest[];
}

interface NormalisedRequest {
	kind: string;
	method: string;
	path: string;
	query: Record<string, string>;
	headers: Record<string, string | undefined>;
	body: unknown;
	responseStatus: LogEntry['responseStatus'];
}

/** The headers fal acts on. Content-Type only counts where there is a body. */
const HEADERS_THAT_MATTER = ['authorization', 'x-fal-queue-priority', 'x-fal-request-timeout', 'content-length'];

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;
const TOKEN = /\b[0-9a-f]{32}\b/g;

/** Ids, upload tokens and signatures differ from run to run; everything else must match. */
function anonymise<T>(value: T): T {
	if (value === undefined) return value;
	const text = JSON.stringify(value).replace(UUID, '<request-id>').replace(TOKEN, '<token>');
	return JSON.parse(text.replace(/"signature":"[^"]*"/g, '"signature":"<signature>"')) as T;
}

function header(entry: LogEntry, name: string): string | undefined {
	const value = entry.headers[name];
	return Array.isArray(value) ? value.join(', ') : value;
}

function normalise(entry: LogEntry): NormalisedRequest {
	const headers: Record<string, string | undefined> = {};
	for (const name of HEADERS_THAT_MATTER) headers[name] = header(entry, name);
	if (entry.body !== undefined) headers['content-type'] = header(entry, 'content-type');
	return anonymise({
		kind: entry.kind,
		method: entry.method,
		path: entry.path,
		query: entry.query,
		headers,
		body: entry.body,
		responseStatus: entry.responseStatus,
	});
}

const fakes: FakeFal[] = [];

async function exchange<T>(
	runner: typeof runWithReference,
	scenario: Scenario<T>,
	setup: (fake: FakeFal) => void = () => undefined,
	options: FakeFalOptions = {},
): Promise<Exchange<T> & { log: LogEntry[] }> {
	const fake = await startFakeFal({ apiKey: API_KEY, queueMs: 20, jobMs: 80, sseKeepAliveMs: 60_000, ...options });
	fakes.push(fake);
	setup(fake);
	const outcome = await runner({ apiKey: API_KEY, apiHost: fake.url }, async (client) => await scenario(client, fake));
	return { outcome, requests: fake.log.map(normalise), log: [...fake.log] };
}

/** Runs the scenario through both clients; answers both exchanges. */
async function bothClients<T>(scenario: Scenario<T>, setup?: (fake: FakeFal) => void, options?: FakeFalOptions) {
	const reference = await exchange(runWithReference, scenario, setup, options);
	const ours = await exchange(runWithTransport, scenario, setup, options);
	return { reference, ours };
}

/** Resolves once the fake has finished the job (or at once if it already has). */
async function completion(fake: FakeFal, requestId: string): Promise<void> {
	if (fake.jobs.get(requestId)?.status === 'COMPLETED') return;
	await new Promise<void>((resolve) => {
		const listener = (job: { requestId: string }) => {
			if (job.requestId !== requestId) return;
			fake.off('completed', listener);
			resolve();
		};
		fake.on('completed', listener);
	});
}

function valueOf<T>(outcome: Outcome<T>): T {
	if (!outcome.ok) throw new Error(`the scenario failed: ${outcome.message}`);
	return outcome.value;
}

afterAll(async () => {
	await Promise.all(fakes.map(async (fake) => await fake.close()));
});

describe('queue', () => {
	test('submit with a webhook, a start timeout and low priority', async () => {
		const { reference, ours } = await bothClients(async (client) => {
			const submitted = await client.submit({ endpoint: ENDPOINT, input: VALID_INPUT, webhookUrl: 'https://n8n.example.com/webhook/x?a=1&b=2', startTimeout: 120, priority: 'low' });
			return submitted.status;
		});
		expect(ours.requests).toEqual(reference.requests);
		expect(ours.requests).toEqual([
			expect.objectContaining({
				kind: 'submit',
				method: 'POST',
				path: `/${ENDPOINT}`,
				query: { fal_webhook: 'https://n8n.example.com/webhook/x?a=1&b=2' },
				headers: expect.objectContaining({ authorization: `Key ${API_KEY}`, 'x-fal-queue-priority': 'low', 'x-fal-request-timeout': '120', 'content-type': 'application/json' }),
				body: VALID_INPUT,
			}),
		]);
		expect(ours.outcome).toEqual(reference.outcome);
		// Deliberate: fal's docs name the start timeout X-Fal-Request-Start-Timeout and deprecate the
		// older name fal-js 1.10.1 still sends; we send both, so either reading applies it.
		expect(ours.log[0].headers['x-fal-request-start-timeout']).toBe('120');
		expect(reference.log[0].headers['x-fal-request-start-timeout']).toBeUndefined();
	});

	test('the status stream is followed to COMPLETED in one request', async () => {
		const { reference, ours } = await bothClients(async (client) => {
			const { request_id: requestId } = await client.submit({ endpoint: ENDPOINT, input: VALID_INPUT });
			return (await client.streamStatus(ENDPOINT, requestId))?.status;
		});
		expect(valueOf(ours.outcome)).toBe('COMPLETED');
		expect(ours.outcome).toEqual(reference.outcome);
		expect(ours.requests).toEqual(reference.requests);
		expect(ours.requests.map((entry) => `${entry.kind} ${entry.path}?${new URLSearchParams(entry.query).toString()}`)).toEqual([
			`submit /${ENDPOINT}?`,
			'status-stream /bytedance/seedance-2.0/requests/<request-id>/status/stream?logs=0',
		]);
		for (const { log } of [reference, ours]) expect(header(log[1], 'accept')).toContain('text/event-stream');
	});

	test('when the stream is refused, status polls (with logs) still work', async () => {
		const { reference, ours } = await bothClients(
			async (client, fake) => {
				const { request_id: requestId } = await client.submit({ endpoint: ENDPOINT, input: VALID_INPUT });
				const stream = await client.streamStatus(ENDPOINT, requestId).then(
					() => 'streamed',
					(error: { status?: number }) => `stream failed with ${error.status}`,
				);
				await completion(fake, requestId);
				const status = await client.status(ENDPOINT, requestId, true);
				return { stream, status: status.status, hasLogs: Array.isArray(status.logs) };
			},
			(fake) => fake.fault({ on: 'status-stream', status: 500 }),
		);
		expect(valueOf(ours.outcome)).toEqual({ stream: 'stream failed with 500', status: 'COMPLETED', hasLogs: true });
		expect(ours.outcome).toEqual(reference.outcome);
		expect(ours.requests).toEqual(reference.requests);
		expect(ours.requests.at(-1)).toMatchObject({ kind: 'status', query: { logs: '1' }, responseStatus: 200 });
	});

	test("the result is the model's output, with fal's request id", async () => {
		const { reference, ours } = await bothClients(async (client, fake) => {
			const { request_id: requestId } = await client.submit({ endpoint: ENDPOINT, input: VALID_INPUT });
			await completion(fake, requestId);
			return await client.result(ENDPOINT, requestId);
		});
		// The fake draws a random seed and listens on its own port: compare the rest.
		const comparable = (outcome: typeof ours.outcome) => {
			const { data, requestId } = valueOf(outcome) as { data: { seed: unknown; video: { url: string } }; requestId: string };
			return anonymise({ requestId, seed: typeof data.seed, video: { ...data.video, url: new URL(data.video.url).pathname } });
		};
		expect(comparable(ours.outcome)).toEqual(comparable(reference.outcome));
		expect(comparable(ours.outcome)).toMatchObject({ seed: 'number', video: { url: '/files/<request-id>.mp4', content_type: 'video/mp4' } });
		expect(valueOf(ours.outcome).requestId).toMatch(UUID);
		expect(ours.requests).toEqual(reference.requests);
	});

	test('cancel: a running job is cancelled; a finished one answers 400 ALREADY_COMPLETED', async () => {
		const { reference, ours } = await bothClients(async (client, fake) => {
			const running = await client.submit({ endpoint: ENDPOINT, input: { ...VALID_INPUT, prompt: 'wait [never]' } });
			await client.cancel(ENDPOINT, running.request_id);
			const finished = await client.submit({ endpoint: ENDPOINT, input: VALID_INPUT });
			await completion(fake, finished.request_id);
			return await client.cancel(ENDPOINT, finished.request_id);
		});
		expect(ours.outcome).toMatchObject({ ok: false, status: 400, body: { status: 'ALREADY_COMPLETED' } });
		expect(ours.outcome).toEqual(reference.outcome);
		expect(ours.requests).toEqual(reference.requests);
		expect(ours.requests.filter((entry) => entry.kind === 'cancel').map((entry) => entry.responseStatus)).toEqual([202, 400]);
	});
});

describe('storage', () => {
	test('a small file: initiate with the key, then PUT the bytes without it', async () => {
		const { reference, ours } = await bothClients(async (client, fake) => {
			const url = await client.upload(SAMPLE_FILE, 'sample.mp4', 'video/mp4');
			return fake.uploads.get(url)?.bytes.equals(SAMPLE_FILE);
		});
		expect(valueOf(ours.outcome)).toBe(true);
		expect(valueOf(reference.outcome)).toBe(true);
		expect(ours.requests).toEqual(reference.requests);
		expect(ours.requests).toEqual([
			expect.objectContaining({ kind: 'upload-initiate', query: { storage_type: 'fal-cdn-v3' }, body: { content_type: 'video/mp4', file_name: 'sample.mp4' } }),
			expect.objectContaining({ kind: 'upload-put', query: { signature: '<signature>' }, body: { bytes: SAMPLE_FILE.length } }),
		]);
		expect(ours.requests[0].headers.authorization).toBe(`Key ${API_KEY}`);
		expect(ours.requests[1].headers).toEqual({ authorization: undefined, 'content-type': 'video/mp4', 'content-length': String(SAMPLE_FILE.length), 'x-fal-queue-priority': undefined, 'x-fal-request-timeout': undefined });
	});

	test('a file over 90 MB goes up in 10 MB parts, then the parts are completed', async () => {
		const large = Buffer.alloc(90 * 1024 * 1024 + 12_345, 7);
		const { reference, ours } = await bothClients(async (client, fake) => {
			const url = await client.upload(large, 'clip.mp4', 'video/mp4');
			return fake.uploads.get(url)?.bytes.equals(large);
		});
		expect(valueOf(ours.outcome)).toBe(true);
		expect(valueOf(reference.outcome)).toBe(true);
		expect(ours.requests).toEqual(reference.requests);
		expect(ours.requests.map((entry) => entry.kind)).toEqual(['upload-initiate', ...Array<string>(10).fill('upload-part'), 'upload-complete']);
		expect(ours.requests[0].path).toBe('/storage/upload/initiate-multipart');
		expect(ours.requests.filter((entry) => entry.kind !== 'upload-initiate').every((entry) => entry.headers.authorization === undefined)).toBe(true);
	}, 120_000);
});

describe('what fal keeps: the lifecycle header as fal-js sends it (storageSettings, upload lifecycle)', () => {
	const storage = { privateFiles: true, expiresInSeconds: 600 };
	const expected = { expiration_duration_seconds: 600, initial_acl: { default: 'forbid' } };

	test('a submit with private outputs and an expiry carries the same X-Fal-Object-Lifecycle-Preference', async () => {
		const { reference, ours } = await bothClients(async (client) => (await client.submit({ endpoint: ENDPOINT, input: VALID_INPUT, storage })).status);
		expect(ours.requests).toEqual(reference.requests);
		const sent = [reference.log[0], ours.log[0]].map((entry) => JSON.parse(String(entry.headers['x-fal-object-lifecycle-preference'])));
		expect(sent).toEqual([expected, expected]);
		// Only the expiry: the same JSON without the ACL.
		const expiryOnly = await bothClients(async (client) => (await client.submit({ endpoint: ENDPOINT, input: VALID_INPUT, storage: { expiresInSeconds: 60 } })).status);
		expect(expiryOnly.ours.log[0].headers['x-fal-object-lifecycle-preference']).toBe(expiryOnly.reference.log[0].headers['x-fal-object-lifecycle-preference']);
	});

	test("an upload's initiate carries the file's own lifecycle as X-Fal-Object-Lifecycle, as fal-js sends it", async () => {
		const { reference, ours } = await bothClients(async (client) => await client.upload(SAMPLE_FILE, 'sample.mp4', 'video/mp4', storage));
		expect(ours.requests).toEqual(reference.requests);
		const [referenceInitiate, ourInitiate] = [reference.log[0], ours.log[0]];
		expect(JSON.parse(String(ourInitiate.headers['x-fal-object-lifecycle']))).toEqual(expected);
		expect(ourInitiate.headers['x-fal-object-lifecycle']).toBe(referenceInitiate.headers['x-fal-object-lifecycle']);
		// Deliberate: we also send it under the -Preference name, as fal's Python client does.
		expect(referenceInitiate.headers['x-fal-object-lifecycle-preference']).toBeUndefined();
		expect(ourInitiate.headers['x-fal-object-lifecycle-preference']).toBe(ourInitiate.headers['x-fal-object-lifecycle']);
	});
});

describe("fal's errors", () => {
	test('401: a wrong key is refused once, not retried', async () => {
		const { reference, ours } = await exchangeWithKey('wrong-key-000000');
		expect(ours.outcome).toMatchObject({ ok: false, status: 401, body: { detail: 'Invalid API key' } });
		expect(ours.outcome).toEqual(reference.outcome);
		expect(ours.requests).toEqual(reference.requests);
		expect(ours.requests).toHaveLength(1);
	});

	test("422: invalid input surfaces at the result with fal's detail", async () => {
		const { reference, ours } = await bothClients(async (client, fake) => {
			const { request_id: requestId } = await client.submit({ endpoint: ENDPOINT, input: { ...VALID_INPUT, resolution: '4k' } });
			await completion(fake, requestId);
			return await client.result(ENDPOINT, requestId);
		});
		expect(ours.outcome).toMatchObject({ ok: false, status: 422, body: { detail: [expect.objectContaining({ loc: ['body', 'resolution'] })] } });
		expect(ours.outcome).toEqual(reference.outcome);
		expect(ours.requests).toEqual(reference.requests);
	});

	test('a burst of 429s is retried on submit and on status', async () => {
		const { reference, ours } = await bothClients(
			async (client) => {
				const { request_id: requestId } = await client.submit({ endpoint: ENDPOINT, input: ENDLESS_INPUT });
				return (await client.status(ENDPOINT, requestId, false)).status;
			},
			(fake) => {
				fake.fault({ on: 'submit', status: 429, times: 2 });
				fake.fault({ on: 'status', status: 429, times: 1 });
			},
		);
		expect(valueOf(ours.outcome)).toBe('IN_PROGRESS');
		expect(ours.requests).toEqual(reference.requests);
		expect(ours.requests.map((entry) => `${entry.kind} ${entry.responseStatus}`)).toEqual(['submit 429', 'submit 429', 'submit 200', 'status 429', 'status 202']);
	}, 30_000);

	test('a 5xx flap is retried on status and result; on submit only fal-js retries it, on purpose', async () => {
		const readFlaps = (fake: FakeFal) => {
			fake.fault({ on: 'status', status: 503 });
			fake.fault({ on: 'status', status: 500 });
			fake.fault({ on: 'result', status: 502 });
		};
		const { reference, ours } = await bothClients(async (client, fake) => {
			const { request_id: requestId } = await client.submit({ endpoint: ENDPOINT, input: VALID_INPUT });
			await completion(fake, requestId);
			const status = await client.status(ENDPOINT, requestId, false);
			const result = await client.result(ENDPOINT, requestId);
			return { status: status.status, hasVideo: typeof (result.data as { video?: unknown }).video === 'object' };
		}, readFlaps);
		expect(valueOf(ours.outcome)).toEqual({ status: 'COMPLETED', hasVideo: true });
		expect(ours.requests).toEqual(reference.requests);
		expect(ours.requests.map((entry) => `${entry.kind} ${entry.responseStatus}`)).toEqual(['submit 200', 'status 503', 'status 500', 'status 200', 'result 502', 'result 200']);

		// A 503 on submit may come after fal queued the job: fal-js submits again (a second job, a
		// second bill, if it had been queued); our transport reports the error instead.
		const submitFlap = await bothClients(
			async (client) => (await client.submit({ endpoint: ENDPOINT, input: VALID_INPUT })).status,
			(fake) => fake.fault({ on: 'submit', status: 503 }),
		);
		expect(submitFlap.reference.requests.map((entry) => entry.responseStatus)).toEqual([503, 200]);
		expect(submitFlap.ours.requests.map((entry) => entry.responseStatus)).toEqual([503]);
		expect(submitFlap.ours.outcome).toMatchObject({ ok: false, status: 503 });
		expect(submitFlap.ours.requests[0]).toEqual(submitFlap.reference.requests[0]);
	}, 30_000);

	test('a dropped connection is retried on status; a submit whose connection dropped is not retried by us, on purpose', async () => {
		const { reference, ours } = await bothClients(
			async (client) => {
				const { request_id: requestId } = await client.submit({ endpoint: ENDPOINT, input: ENDLESS_INPUT });
				return (await client.status(ENDPOINT, requestId, false)).status;
			},
			(fake) => fake.fault({ on: 'status', drop: true }),
		);
		expect(valueOf(ours.outcome)).toBe('IN_PROGRESS');
		expect(ours.requests).toEqual(reference.requests);
		expect(ours.requests.map((entry) => `${entry.kind} ${entry.responseStatus}`)).toEqual(['submit 200', 'status dropped', 'status 202']);

		// The submit reached fal before the connection dropped: fal may have queued it.
		const dropped = await bothClients(
			async (client) => (await client.submit({ endpoint: ENDPOINT, input: VALID_INPUT })).status,
			(fake) => fake.fault({ on: 'submit', drop: true }),
		);
		expect(dropped.reference.requests.map((entry) => entry.responseStatus)).toEqual(['dropped', 200]);
		expect(dropped.ours.requests.map((entry) => entry.responseStatus)).toEqual(['dropped']);
		expect(dropped.ours.outcome).toMatchObject({ ok: false, message: expect.stringMatching(/ECONNRESET/) });
		expect(dropped.ours.requests[0]).toEqual(dropped.reference.requests[0]);
	}, 30_000);
});

async function exchangeWithKey(apiKey: string) {
	const scenario = async (client: ContractClient) => await client.submit({ endpoint: ENDPOINT, input: VALID_INPUT });
	const run = async (runner: typeof runWithReference) => {
		const fake = await startFakeFal({ apiKey: API_KEY });
		fakes.push(fake);
		const outcome = await runner({ apiKey, apiHost: fake.url }, scenario);
		return { outcome, requests: fake.log.map(normalise) };
	};
	return { reference: await run(runWithReference), ours: await run(runWithTransport) };
}
