/**
 * The Seedance Trigger's webhook() inside n8n-core's real WebhookContext, behind a real HTTP
 * endpoint, receiving real signed calls from the fake fal server (test/fake-fal): signature checks
 * against the fake's JWKS, the video downloaded through the real BinaryDataService, the result
 * read from the fake's queue when fal leaves it out of the webhook.
 */
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { WebhookContext } from 'n8n-core';
import type {
	ICredentialDataDecryptedObject,
	INode,
	INodeParameters,
	IWebhookData,
	IWebhookResponseData,
	IWorkflowExecuteAdditionalData,
} from 'n8n-workflow';
import { Workflow } from 'n8n-workflow';

import { FalApi } from '../../credentials/FalApi.credentials';
import { TIERS } from '../../nodes/SeedanceImageToVideo/model';
import { createReferenceFalClient } from '../contract/referenceClient';
import { SeedanceTrigger } from '../../nodes/SeedanceTrigger/SeedanceTrigger.node';
import { sharedJwksCache, sharedReplayGuard } from '../../nodes/shared/jwksCache';
import { DEFAULT_VIDEO_FILE, startFakeFal, type FakeFal, type FakeJob } from '../fake-fal/index';
import { HarnessCredentialsHelper, HarnessCredentialTypes } from '../harness/credentials';
import { initEngine } from '../harness/engine';
import { HarnessNodeTypes } from '../harness/nodeTypes';

const API_KEY = 'trigger-test-key';
const TRIGGER_TYPE = 'n8n-nodes-seedance.seedanceTrigger';
const WORKFLOW_ID = 'trigger-workflow';
const VALID_INPUT = { prompt: 'The cat blinks slowly', image_url: 'https://example.com/cat.png', resolution: '720p' };

/** What one call to the trigger's URL did. */
interface Delivery {
	result?: IWebhookResponseData;
	error?: unknown;
}

interface TriggerEndpoint {
	url: string;
	deliveries: Delivery[];
	/** Resolves with the next delivery the trigger finished handling. */
	nextDelivery(): Promise<Delivery>;
	close(): Promise<void>;
}

/**
 * Stands in for n8n's webhook server: keeps the raw body as n8n's rawBodyReader does, builds a
 * WebhookContext for the trigger node and calls webhook(); answers like n8n when the node did not.
 */
async function startTriggerEndpoint(
	parameters: INodeParameters,
	credentials?: ICredentialDataDecryptedObject,
): Promise<TriggerEndpoint> {
	await initEngine();
	const trigger = new SeedanceTrigger();
	const node: INode = {
		id: 'seedance-trigger',
		name: 'Seedance Trigger',
		type: TRIGGER_TYPE,
		typeVersion: 1,
		position: [0, 0],
		parameters,
		webhookId: 'c0ffee00-0000-4000-8000-000000000001',
		...(credentials ? { credentials: { falApi: { id: 'fal-cred', name: 'Fal account' } } } : {}),
	};
	const workflow = new Workflow({
		id: WORKFLOW_ID,
		name: 'Trigger workflow',
		nodes: [node],
		connections: {},
		nodeTypes: new HarnessNodeTypes({ [TRIGGER_TYPE]: trigger }),
		settings: { executionOrder: 'v1' },
		active: true,
	});
	const credentialsHelper = new HarnessCredentialsHelper(
		new HarnessCredentialTypes([new FalApi()]),
		credentials ? { falApi: credentials } : {},
	);

	const deliveries: Delivery[] = [];
	const waiting: Array<(delivery: Delivery) => void> = [];
	const record = (delivery: Delivery) => {
		deliveries.push(delivery);
		waiting.shift()?.(delivery);
	};

	const server: Server = createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (chunk: Buffer) => chunks.push(chunk));
		req.on('end', () => {
			(req as IncomingMessage & { rawBody: Buffer }).rawBody = Buffer.concat(chunks);
			const additionalData = {
				credentialsHelper,
				httpRequest: req,
				httpResponse: res,
				webhookBaseUrl: 'http://127.0.0.1:5678/webhook',
				webhookTestBaseUrl: 'http://127.0.0.1:5678/webhook-test',
				webhookWaitingBaseUrl: 'http://127.0.0.1:5678/webhook-waiting',
				instanceBaseUrl: 'http://127.0.0.1:5678',
				variables: {},
			} as unknown as IWorkflowExecuteAdditionalData;
			const description = trigger.description.webhooks?.[0];
			if (!description) throw new Error('the trigger declares no webhook');
			const webhookData: IWebhookData = {
				httpMethod: 'POST',
				node: node.name,
				path: `${node.webhookId}/seedance`,
				webhookDescription: description,
				workflowId: WORKFLOW_ID,
				workflowExecuteAdditionalData: additionalData,
				webhookId: node.webhookId,
			};
			const context = new WebhookContext(workflow, node, additionalData, 'webhook', webhookData, [], null);
			trigger.webhook
				.call(context)
				.then((result) => {
					if (!res.headersSent && !result.noWebhookResponse) {
						res.writeHead(200, { 'content-type': 'application/json' });
						res.end(JSON.stringify({ message: 'Workflow was started' }));
					}
					record({ result });
				})
				.catch((error: unknown) => {
					if (!res.headersSent) {
						res.writeHead(500, { 'content-type': 'application/json' });
						res.end(JSON.stringify({ message: String(error) }));
					}
					record({ error });
				});
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	const endpoint: TriggerEndpoint = {
		url: `http://127.0.0.1:${port}/webhook/${node.webhookId}/seedance`,
		deliveries,
		nextDelivery: async () => await new Promise<Delivery>((resolve) => waiting.push(resolve)),
		close: async () => await new Promise<void>((resolve) => server.close(() => resolve())),
	};
	endpoints.push(endpoint);
	return endpoint;
}

const endpoints: TriggerEndpoint[] = [];
const fakes: FakeFal[] = [];

async function fakeFal(options: Parameters<typeof startFakeFal>[0] = {}): Promise<FakeFal> {
	const fake = await startFakeFal({ apiKey: API_KEY, ...options });
	fakes.push(fake);
	return fake;
}

/** Sends a signed call and waits until the trigger has finished with it. */
async function deliver(fake: FakeFal, endpoint: TriggerEndpoint, payload: unknown, options = {}) {
	const handled = endpoint.nextDelivery();
	const response = await fake.sendWebhook(endpoint.url, payload, options);
	return { response, delivery: await handled };
}

function okPayload(fake: FakeFal, requestId: string) {
	return {
		request_id: requestId,
		gateway_request_id: `gw-${requestId}`,
		status: 'OK',
		payload: { video: { url: `${fake.url}/files/${requestId}.mp4`, content_type: 'video/mp4', file_name: 'output.mp4' }, seed: 7 },
	};
}

async function readBinary(delivery: Delivery, property = 'data'): Promise<Buffer> {
	const { binaryDataService } = await initEngine();
	const binary = delivery.result?.workflowData?.[0][0].binary?.[property];
	if (!binary) throw new Error(`no binary "${property}" in the output`);
	return await binaryDataService.getAsBuffer(binary);
}

function outputJson(delivery: Delivery) {
	return delivery.result?.workflowData?.[0][0].json;
}

/** The fake's default result: run one job through the fake's queue so its video URL is real. */
async function completedJob(fake: FakeFal, webhookUrl?: string): Promise<FakeJob> {
	const fal = createReferenceFalClient({ apiKey: API_KEY, apiHost: fake.url });
	const completed = new Promise<FakeJob>((resolve) => fake.once('completed', resolve));
	await fal.queue.submit(TIERS[0].endpoint, { input: VALID_INPUT, ...(webhookUrl ? { webhookUrl } : {}) });
	return await completed;
}

beforeEach(() => {
	sharedJwksCache.clear();
	sharedReplayGuard.clear();
});

afterAll(async () => {
	await Promise.all(endpoints.map(async (endpoint) => await endpoint.close()));
	await Promise.all(fakes.map(async (fake) => await fake.close()));
});

describe('Seedance Trigger webhook()', () => {
	it('a finished generation starts the workflow with the video as binary data', async () => {
		const fake = await fakeFal({ jobMs: 20, queueMs: 0 });
		const endpoint = await startTriggerEndpoint({ options: { jwksUrl: fake.jwksUrl } });
		const job = await completedJob(fake);
		const payload = {
			request_id: job.requestId,
			gateway_request_id: `gw-${job.requestId}`,
			status: 'OK',
			payload: job.outcome?.body,
		};

		const { response, delivery } = await deliver(fake, endpoint, payload);

		expect(response.status).toBe(200);
		expect(response.body).toEqual({ received: true });
		expect(outputJson(delivery)).toMatchObject({
			requestId: job.requestId,
			gatewayRequestId: `gw-${job.requestId}`,
			status: 'OK',
			result: payload.payload,
			video: { url: expect.stringContaining(fake.url) },
		});
		expect(await readBinary(delivery)).toEqual(readFileSync(DEFAULT_VIDEO_FILE));
		expect(fake.requests('download').at(-1)?.responseStatus).toBe(200);
		// Filesystem mode: the video went to disk as a stream, the item only holds its id.
		expect(delivery.result?.workflowData?.[0][0].binary?.data).toMatchObject({
			mimeType: 'video/mp4',
			fileName: expect.stringMatching(/\.mp4$/),
			id: expect.stringMatching(/^filesystem-v2:/),
		});
	});

	it('refuses a forged call with 401 and does not start the workflow', async () => {
		const fake = await fakeFal();
		const endpoint = await startTriggerEndpoint({ options: { jwksUrl: fake.jwksUrl } });
		const { response, delivery } = await deliver(fake, endpoint, okPayload(fake, 'req-forged'), { forge: true });
		expect(response.status).toBe(401);
		expect(response.body).toMatchObject({ error: 'bad-signature' });
		expect(delivery.result).toEqual({ noWebhookResponse: true });
		expect(fake.requests('download')).toHaveLength(0);
	});

	it.each([
		['unsigned', { unsigned: true }],
		['stale', { staleSeconds: 301 }],
		['bad-signature', { tamper: true }],
	])('refuses a %s call with 401', async (reason, options) => {
		const fake = await fakeFal();
		const endpoint = await startTriggerEndpoint({ options: { jwksUrl: fake.jwksUrl } });
		const { response, delivery } = await deliver(fake, endpoint, okPayload(fake, `req-${reason}`), options);
		expect(response.status).toBe(401);
		expect(response.body).toMatchObject({ error: reason });
		expect(delivery.result?.workflowData).toBeUndefined();
	});

	it('a replay of an accepted call is acknowledged but does not start the workflow again', async () => {
		const fake = await fakeFal();
		const endpoint = await startTriggerEndpoint({ options: { jwksUrl: fake.jwksUrl }, downloadVideo: false });
		const first = await deliver(fake, endpoint, okPayload(fake, 'req-replay'));
		expect(first.delivery.result?.workflowData).toHaveLength(1);
		const replay = await deliver(fake, endpoint, okPayload(fake, 'req-replay'), { reuse: first.response });
		expect(replay.response.status).toBe(200);
		expect(replay.response.body).toMatchObject({ duplicate: true });
		expect(replay.delivery.result?.workflowData).toBeUndefined();
	});

	it('answers 503 when fal\'s keys cannot be loaded, so fal delivers again later', async () => {
		const fake = await fakeFal();
		const endpoint = await startTriggerEndpoint({ options: { jwksUrl: `${fake.url}/no-such-jwks` } });
		const { response, delivery } = await deliver(fake, endpoint, okPayload(fake, 'req-nokeys'));
		expect(response.status).toBe(503);
		expect(response.body).toMatchObject({ error: 'jwks-unavailable' });
		expect(delivery.result?.workflowData).toBeUndefined();
	});

	it('with signature checks off, an unsigned call starts the workflow', async () => {
		const fake = await fakeFal();
		const endpoint = await startTriggerEndpoint({ verifySignature: false, downloadVideo: false });
		const { response, delivery } = await deliver(fake, endpoint, okPayload(fake, 'req-open'), { unsigned: true });
		expect(response.status).toBe(200);
		expect(outputJson(delivery)).toMatchObject({ requestId: 'req-open', status: 'OK' });
		expect(fake.requests('jwks')).toHaveLength(0);
	});

	it('a failed generation starts the workflow with a readable error naming the field', async () => {
		const fake = await fakeFal();
		const endpoint = await startTriggerEndpoint({ options: { jwksUrl: fake.jwksUrl } });
		const detail = [
			{ loc: ['body', 'image_url'], msg: 'Unsupported image format', type: 'image_load_error' },
			{ loc: ['body', 'prompt'], msg: 'Prompt flagged by the content checker', type: 'content_policy_violation' },
		];
		const { response, delivery } = await deliver(fake, endpoint, {
			request_id: 'req-error',
			gateway_request_id: 'gw-error',
			status: 'ERROR',
			error: 'Invalid status code: 422',
			payload: { detail },
		});
		expect(response.status).toBe(200);
		expect(outputJson(delivery)).toEqual({
			requestId: 'req-error',
			gatewayRequestId: 'gw-error',
			status: 'ERROR',
			error: 'Start Image (image_url): Unsupported image format; Prompt (prompt): Prompt flagged by the content checker',
			errorType: 'image_load_error',
			result: { detail },
		});
		expect(delivery.result?.workflowData?.[0][0].binary).toBeUndefined();
	});

	it('an infrastructure error with a plain-string detail reads as that text', async () => {
		const fake = await fakeFal();
		const endpoint = await startTriggerEndpoint({ options: { jwksUrl: fake.jwksUrl } });
		const { delivery } = await deliver(fake, endpoint, {
			request_id: 'req-timeout',
			status: 'ERROR',
			error: 'Invalid status code: 504',
			payload: { detail: 'Request timed out', error_type: 'request_timeout' },
		});
		expect(outputJson(delivery)).toMatchObject({ status: 'ERROR', error: 'Request timed out', errorType: 'request_timeout' });
	});

	it('only the selected events start the workflow; the others are acknowledged', async () => {
		const fake = await fakeFal();
		const endpoint = await startTriggerEndpoint({ options: { jwksUrl: fake.jwksUrl }, events: ['ERROR'] });
		const { response, delivery } = await deliver(fake, endpoint, okPayload(fake, 'req-filtered'));
		expect(response.status).toBe(200);
		expect(response.body).toMatchObject({ ignored: 'OK' });
		expect(delivery.result?.workflowData).toBeUndefined();
	});

	it('a signed body that is not a fal webhook gets 400', async () => {
		const fake = await fakeFal();
		const endpoint = await startTriggerEndpoint({ options: { jwksUrl: fake.jwksUrl } });
		const { response, delivery } = await deliver(fake, endpoint, { hello: 'world' }, { requestId: 'req-junk' });
		expect(response.status).toBe(400);
		expect(delivery.result?.workflowData).toBeUndefined();
	});

	it('puts the video in the binary field the user named', async () => {
		const fake = await fakeFal({ jobMs: 10, queueMs: 0 });
		const endpoint = await startTriggerEndpoint({ options: { jwksUrl: fake.jwksUrl }, binaryPropertyName: 'video' });
		const job = await completedJob(fake);
		const { delivery } = await deliver(fake, endpoint, { request_id: job.requestId, status: 'OK', payload: job.outcome?.body });
		expect((await readBinary(delivery, 'video')).length).toBeGreaterThan(0);
	});

	it('a video that cannot be downloaded still starts the workflow, with the URL and the reason', async () => {
		const fake = await fakeFal();
		const endpoint = await startTriggerEndpoint({ options: { jwksUrl: fake.jwksUrl } });
		const payload = okPayload(fake, 'req-gone');
		payload.payload.video.url = `${fake.url}/files/missing/never-made.mp4`;
		const { response, delivery } = await deliver(fake, endpoint, payload);
		expect(response.status).toBe(200);
		const json = outputJson(delivery);
		expect(json).toMatchObject({ status: 'OK', video: { url: payload.payload.video.url } });
		expect(json?.downloadError).toEqual(expect.stringContaining('Could not download the video'));
		expect(delivery.result?.workflowData?.[0][0].binary).toBeUndefined();
	});

	it('when fal leaves the output out (payload_error), reads it from the queue with the credential', async () => {
		const fake = await fakeFal({ jobMs: 10, queueMs: 0 });
		const endpoint = await startTriggerEndpoint(
			{ options: { jwksUrl: fake.jwksUrl } },
			{ apiKey: API_KEY, apiHost: fake.url },
		);
		const job = await completedJob(fake);
		const { delivery } = await deliver(fake, endpoint, {
			request_id: job.requestId,
			gateway_request_id: job.requestId,
			status: 'OK',
			payload: null,
			payload_error: 'Response payload is not JSON serializable.',
		});
		const json = outputJson(delivery);
		expect(json).toMatchObject({
			requestId: job.requestId,
			status: 'OK',
			payloadError: 'Response payload is not JSON serializable.',
			result: job.outcome?.body,
		});
		expect(json?.resultError).toBeUndefined();
		const resultCall = fake.requests('result').at(-1);
		expect(resultCall?.headers.authorization).toBe(`Key ${API_KEY}`);
		expect((await readBinary(delivery)).length).toBeGreaterThan(0);
	});

	it('without a credential, a payload_error event says how to get the result', async () => {
		const fake = await fakeFal();
		const endpoint = await startTriggerEndpoint({ options: { jwksUrl: fake.jwksUrl } });
		const { delivery } = await deliver(fake, endpoint, {
			request_id: 'req-noresult',
			status: 'OK',
			payload: null,
			payload_error: 'Response payload is not JSON serializable.',
		});
		expect(outputJson(delivery)).toMatchObject({ status: 'OK', result: null });
		expect(outputJson(delivery)?.resultError).toEqual(expect.stringContaining('Add a Fal API credential'));
	});

	it('end to end: a job submitted with the trigger URL as webhook reaches the workflow once', async () => {
		const fake = await fakeFal({ jobMs: 20, queueMs: 0 });
		const endpoint = await startTriggerEndpoint({ options: { jwksUrl: fake.jwksUrl } });
		const handled = endpoint.nextDelivery();
		const sent = new Promise((resolve) => fake.once('webhook-sent', resolve));
		const job = await completedJob(fake, endpoint.url);
		const delivery = await handled;
		expect(await sent).toMatchObject({ responseStatus: 200, attempt: 1 });
		expect(outputJson(delivery)).toMatchObject({ requestId: job.requestId, status: 'OK' });
		expect((await readBinary(delivery)).length).toBeGreaterThan(0);
		expect(endpoint.deliveries).toHaveLength(1);
	});
});
