/**
 * The Seedance Trigger's webhook() inside n8n-core's real WebhookContext, behind a real HTTP
 * endpoint, receiving real signed calls from the fake fal server (test/fake-fal): signature checks
 * against the fake's JWKS, the video downloaded through the real BinaryDataService, the result
 * read from the fake's queue when fal leaves it out of the webhook.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { WebhookContext } from 'n8n-core';
import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	INode,
	INodeParameters,
	IWebhookData,
	IWebhookResponseData,
	IWorkflowExecuteAdditionalData,
} from 'n8n-workflow';
import { Workflow } from 'n8n-workflow';

import { FalApi } from '../../credentials/FalApi.credentials';
import { getVariant, OWNER_APP, variantsOf } from '../../nodes/shared/schema';
import { createReferenceFalClient } from '../contract/referenceClient';
import { SeedanceTrigger } from '../../nodes/SeedanceTrigger/SeedanceTrigger.node';
import { clearDeliveredHere } from '../../nodes/SeedanceTrigger/deliveredRequests';
import { sharedJwksCache, sharedReplayGuard } from '../../nodes/shared/webhookVerification/jwksCache';
import { DEFAULT_VIDEO_FILE, startFakeFal, type FakeFal, type FakeJob } from '../fake-fal/index';
import { HarnessCredentialsHelper, HarnessCredentialTypes } from '../harness/credentials';
import { initEngine } from '../harness/engine';
import { HarnessNodeTypes } from '../harness/nodeTypes';

const TIERS = variantsOf('image-to-video');
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
	/** The workflow's static data as n8n last saved it to its database (after a call returned). */
	savedStaticData(): IDataObject;
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
	staticData?: IDataObject,
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
	// n8n's database row: each call loads the workflow (and its static data) afresh, and saves the
	// whole static data object after webhook() returns if it changed (n8n 2.41 live-webhooks.js
	// executeWebhook → WorkflowStaticDataService.saveStaticData): the last call to finish wins.
	let savedStaticData: IDataObject = JSON.parse(JSON.stringify(staticData ?? {})) as IDataObject;
	const loadWorkflow = () =>
		new Workflow({
			id: WORKFLOW_ID,
			name: 'Trigger workflow',
			nodes: [node],
			connections: {},
			nodeTypes: new HarnessNodeTypes({ [TRIGGER_TYPE]: trigger }),
			settings: { executionOrder: 'v1' },
			active: true,
			staticData: JSON.parse(JSON.stringify(savedStaticData)) as IDataObject,
		});
	const saveStaticData = (workflow: Workflow) => {
		if (workflow.staticData.__dataChanged !== true) return;
		const { __dataChanged: _changed, ...data } = JSON.parse(JSON.stringify(workflow.staticData)) as IDataObject;
		savedStaticData = data;
	};
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
			const workflow = loadWorkflow();
			const context = new WebhookContext(workflow, node, additionalData, 'webhook', webhookData, [], null);
			trigger.webhook
				.call(context)
				.then((result) => {
					saveStaticData(workflow);
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
		savedStaticData: () => JSON.parse(JSON.stringify(savedStaticData)) as IDataObject,
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

/** The trigger as users set it up: the Fal API credential (required) and the fake's JWKS. */
async function triggerFor(fake: FakeFal, parameters: INodeParameters = {}, staticData?: IDataObject): Promise<TriggerEndpoint> {
	const options = { jwksUrl: fake.jwksUrl, ...((parameters.options as IDataObject | undefined) ?? {}) };
	return await startTriggerEndpoint({ ...parameters, options }, { apiKey: API_KEY, apiHost: fake.url }, staticData);
}

/** The body fal sends for a finished job: the fake's own webhook payload. */
function webhookBodyOf(job: FakeJob) {
	const ok = (job.outcome?.status ?? 500) < 300;
	return ok
		? { request_id: job.requestId, gateway_request_id: `gw-${job.requestId}`, status: 'OK', payload: job.outcome?.body }
		: { request_id: job.requestId, gateway_request_id: `gw-${job.requestId}`, status: 'ERROR', error: `Invalid status code: ${job.outcome?.status}`, payload: job.outcome?.body };
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

/** Runs one job through the fake's queue under `apiKey`, so its video URL and result are real. */
async function completedJob(
	fake: FakeFal,
	options: { webhookUrl?: string; prompt?: string; apiKey?: string; endpoint?: string; input?: IDataObject } = {},
): Promise<FakeJob> {
	const fal = createReferenceFalClient({ apiKey: options.apiKey ?? API_KEY, apiHost: fake.url });
	const completed = new Promise<FakeJob>((resolve) => fake.once('completed', resolve));
	const input = options.input ?? { ...VALID_INPUT, prompt: options.prompt ?? VALID_INPUT.prompt };
	await fal.queue.submit(options.endpoint ?? TIERS[0].endpoint, { input, ...(options.webhookUrl ? { webhookUrl: options.webhookUrl } : {}) });
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

const TWO_ERRORS = [
	{ loc: ['body', 'image_url'], msg: 'Unsupported image format', type: 'image_load_error' },
	{ loc: ['body', 'prompt'], msg: 'Prompt flagged by the content checker', type: 'content_policy_violation' },
];
const ATTACKER_KEY = 'attacker-key';

/** A fake where prompts pick the outcome: [two-errors], [timeout], [evil-url]. */
async function scriptedFake(): Promise<FakeFal> {
	let fake: FakeFal | undefined;
	fake = await fakeFal({
		jobMs: 10,
		queueMs: 0,
		otherAccounts: { [ATTACKER_KEY]: 'attacker-user' },
		behaviour: (input: { prompt: string }) => {
			if (input.prompt.includes('[two-errors]')) return { error: { status: 422, body: { detail: TWO_ERRORS } } };
			if (input.prompt.includes('[timeout]')) return { error: { status: 504, body: { detail: 'Request timed out', error_type: 'request_timeout' }, headers: { 'x-fal-request-timeout-type': 'user' } } };
			if (input.prompt.includes('[gone]')) return { output: { video: { url: `${fake?.url}/files/missing/never-made.mp4` }, seed: 3 } };
			if (input.prompt.includes('[payload-error]')) return { webhookPayloadError: true };
			return undefined;
		},
	});
	return fake;
}

describe('Seedance Trigger webhook()', () => {
	it('a finished generation starts the workflow with the video as binary data', async () => {
		const fake = await scriptedFake();
		const endpoint = await triggerFor(fake);
		const job = await completedJob(fake);
		const payload = webhookBodyOf(job);

		const { response, delivery } = await deliver(fake, endpoint, payload);

		expect(response.status).toBe(200);
		expect(response.body).toEqual({ received: true });
		expect(outputJson(delivery)).toMatchObject({
			requestId: job.requestId,
			gatewayRequestId: `gw-${job.requestId}`,
			status: 'OK',
			result: job.outcome?.body,
			seed: (job.outcome?.body as { seed: number }).seed,
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
		const fake = await scriptedFake();
		const endpoint = await triggerFor(fake);
		const job = await completedJob(fake);
		const { response, delivery } = await deliver(fake, endpoint, webhookBodyOf(job), { forge: true });
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
		const fake = await scriptedFake();
		const endpoint = await triggerFor(fake);
		const job = await completedJob(fake);
		const { response, delivery } = await deliver(fake, endpoint, webhookBodyOf(job), options);
		expect(response.status).toBe(401);
		expect(response.body).toMatchObject({ error: reason });
		expect(delivery.result?.workflowData).toBeUndefined();
	});

	it('a replay of an accepted call is acknowledged but does not start the workflow again', async () => {
		const fake = await scriptedFake();
		const endpoint = await triggerFor(fake, { downloadVideo: false });
		const job = await completedJob(fake);
		const first = await deliver(fake, endpoint, webhookBodyOf(job));
		expect(first.delivery.result?.workflowData).toHaveLength(1);
		const replay = await deliver(fake, endpoint, webhookBodyOf(job), { reuse: first.response });
		expect(replay.response.status).toBe(200);
		expect(replay.response.body).toMatchObject({ duplicate: true });
		expect(replay.delivery.result?.workflowData).toBeUndefined();
	});

	it("answers 503 without internal details when fal's keys cannot be loaded, so fal delivers again later", async () => {
		const fake = await scriptedFake();
		const endpoint = await triggerFor(fake, { options: { jwksUrl: `${fake.url}/no-such-jwks` } });
		const job = await completedJob(fake);
		const { response, delivery } = await deliver(fake, endpoint, webhookBodyOf(job));
		expect(response.status).toBe(503);
		expect(response.body).toEqual({ error: 'jwks-unavailable', message: "Could not load fal's webhook keys; deliver again later." });
		expect(delivery.result?.workflowData).toBeUndefined();
	});

	it('with signature checks off, an unsigned call for one of your jobs starts the workflow (still confirmed with fal)', async () => {
		const fake = await scriptedFake();
		const endpoint = await triggerFor(fake, { verifySignature: false, downloadVideo: false });
		const job = await completedJob(fake);
		const { response, delivery } = await deliver(fake, endpoint, webhookBodyOf(job), { unsigned: true });
		expect(response.status).toBe(200);
		expect(outputJson(delivery)).toMatchObject({ requestId: job.requestId, status: 'OK' });
		expect(fake.requests('jwks')).toHaveLength(0);
		expect(fake.requests('status').at(-1)?.headers.authorization).toBe(`Key ${API_KEY}`);
	});

	it("a failed generation starts the workflow with fal's reason, naming the fields", async () => {
		const fake = await scriptedFake();
		const endpoint = await triggerFor(fake);
		const job = await completedJob(fake, { prompt: 'a cat [two-errors]' });
		const { response, delivery } = await deliver(fake, endpoint, webhookBodyOf(job));
		expect(response.status).toBe(200);
		expect(outputJson(delivery)).toEqual({
			requestId: job.requestId,
			gatewayRequestId: `gw-${job.requestId}`,
			status: 'ERROR',
			error: 'Start Image (image_url): Unsupported image format; Prompt (prompt): Prompt flagged by the content checker',
			errorType: 'image_load_error',
			result: { detail: TWO_ERRORS },
		});
		expect(delivery.result?.workflowData?.[0][0].binary).toBeUndefined();
	});

	it('an infrastructure error with a plain-string detail reads as that text', async () => {
		const fake = await scriptedFake();
		const endpoint = await triggerFor(fake);
		const job = await completedJob(fake, { prompt: 'a cat [timeout]' });
		const { delivery } = await deliver(fake, endpoint, webhookBodyOf(job));
		expect(outputJson(delivery)).toMatchObject({ status: 'ERROR', error: 'Request timed out', errorType: 'request_timeout' });
	});

	it("only the selected events start the workflow (judged by fal's answer); the others are acknowledged", async () => {
		const fake = await scriptedFake();
		const endpoint = await triggerFor(fake, { events: ['ERROR'] });
		const job = await completedJob(fake);
		// The body claims ERROR; fal's queue says the job succeeded.
		const { response, delivery } = await deliver(fake, endpoint, { ...webhookBodyOf(job), status: 'ERROR', payload: { detail: 'made up' } });
		expect(response.status).toBe(200);
		expect(response.body).toMatchObject({ ignored: 'OK' });
		expect(delivery.result?.workflowData).toBeUndefined();
	});

	it('a signed body that is not a fal webhook gets 400', async () => {
		const fake = await scriptedFake();
		const endpoint = await triggerFor(fake);
		const { response, delivery } = await deliver(fake, endpoint, { hello: 'world' }, { requestId: 'req-junk' });
		expect(response.status).toBe(400);
		expect(delivery.result?.workflowData).toBeUndefined();
	});

	it("a request id that is not in fal's format is refused before it goes into a URL path", async () => {
		const fake = await scriptedFake();
		const endpoint = await triggerFor(fake);
		fake.log.length = 0;
		const { response } = await deliver(fake, endpoint, { request_id: '../../storage/upload/initiate', status: 'OK', payload: {} });
		expect(response.status).toBe(400);
		expect(fake.log.filter((entry) => entry.kind !== 'jwks')).toHaveLength(0);
	});

	it('puts the video in the binary field the user named', async () => {
		const fake = await scriptedFake();
		const endpoint = await triggerFor(fake, { binaryPropertyName: 'video' });
		const job = await completedJob(fake);
		const { delivery } = await deliver(fake, endpoint, webhookBodyOf(job));
		expect((await readBinary(delivery, 'video')).length).toBeGreaterThan(0);
	});

	it('a video that cannot be downloaded still starts the workflow, with the URL and the reason', async () => {
		const fake = await scriptedFake();
		const endpoint = await triggerFor(fake);
		const job = await completedJob(fake, { prompt: 'a cat [gone]' });
		const { response, delivery } = await deliver(fake, endpoint, webhookBodyOf(job));
		expect(response.status).toBe(200);
		const json = outputJson(delivery);
		expect(json).toMatchObject({ status: 'OK', video: { url: `${fake.url}/files/missing/never-made.mp4` } });
		expect(json?.downloadError).toBe('Could not download the video from 127.0.0.1 (HTTP 404)');
		expect(delivery.result?.workflowData?.[0][0].binary).toBeUndefined();
	});

	it('when fal leaves the output out (payload_error), the result still comes from the queue', async () => {
		const fake = await scriptedFake();
		const endpoint = await triggerFor(fake);
		const job = await completedJob(fake, { prompt: 'a cat [payload-error]' });
		const sent = fake.webhooks.length;
		const { delivery } = await deliver(fake, endpoint, {
			request_id: job.requestId,
			gateway_request_id: job.requestId,
			status: 'OK',
			payload: null,
			payload_error: 'Response payload is not JSON serializable.',
		});
		expect(fake.webhooks.length).toBe(sent);
		const json = outputJson(delivery);
		expect(json).toMatchObject({ requestId: job.requestId, status: 'OK', payloadError: 'Response payload is not JSON serializable.', result: job.outcome?.body });
		expect(fake.requests('result').at(-1)?.headers.authorization).toBe(`Key ${API_KEY}`);
		expect((await readBinary(delivery)).length).toBeGreaterThan(0);
	});

	it('end to end: a job submitted with the trigger URL as webhook reaches the workflow once', async () => {
		const fake = await scriptedFake();
		const endpoint = await triggerFor(fake);
		const handled = endpoint.nextDelivery();
		const sent = new Promise((resolve) => fake.once('webhook-sent', resolve));
		const job = await completedJob(fake, { webhookUrl: endpoint.url });
		const delivery = await handled;
		expect(await sent).toMatchObject({ responseStatus: 200, attempt: 1 });
		expect(outputJson(delivery)).toMatchObject({ requestId: job.requestId, status: 'OK' });
		expect((await readBinary(delivery)).length).toBeGreaterThan(0);
		expect(endpoint.deliveries).toHaveLength(1);
	});
});

describe('Seedance Trigger works for every kind of the family', () => {
	it.each([
		['Text-to-Video', getVariant('text-to-video', 'mini').endpoint, { prompt: 'A lighthouse at dusk', resolution: '480p' }],
		[
			'Reference-to-Video',
			getVariant('reference-to-video', 'fast').endpoint,
			{ prompt: 'The cat from the reference walks in', image_urls: ['https://example.com/cat.png'], resolution: '720p' },
		],
	])('a finished %s job starts the workflow once with the video, its request id and the result from fal', async (_kind, kindEndpoint, input) => {
		const fake = await scriptedFake();
		const endpoint = await triggerFor(fake);
		const job = await completedJob(fake, { endpoint: kindEndpoint, input });
		expect(job.endpoint).toBe(kindEndpoint);
		expect(job.outcome?.status).toBe(200);
		fake.log.length = 0;

		const { response, delivery } = await deliver(fake, endpoint, webhookBodyOf(job));

		expect(response.status).toBe(200);
		expect(response.body).toEqual({ received: true });
		expect(endpoint.deliveries).toHaveLength(1);
		expect(delivery.result?.workflowData).toEqual([[expect.anything()]]);
		expect(outputJson(delivery)).toMatchObject({
			requestId: job.requestId,
			status: 'OK',
			result: job.outcome?.body,
			video: { url: `${fake.url}/files/${job.requestId}.mp4` },
		});
		expect(await readBinary(delivery)).toEqual(readFileSync(DEFAULT_VIDEO_FILE));
		// Confirmed on fal's queue (owner/app path, this trigger's key), whatever the kind's endpoint.
		const queuePath = `/${OWNER_APP}/requests/${job.requestId}`;
		expect(fake.requests('status')).toEqual([
			expect.objectContaining({ path: `${queuePath}/status`, responseStatus: 200, headers: expect.objectContaining({ authorization: `Key ${API_KEY}` }) }),
		]);
		expect(fake.requests('result')).toEqual([
			expect.objectContaining({ path: queuePath, responseStatus: 200, headers: expect.objectContaining({ authorization: `Key ${API_KEY}` }) }),
		]);
	});
});

describe('Seedance Trigger receives Seedance 2.5 draft/complete callbacks', () => {
	it('a completed draft starts the workflow with the 1080p video, confirmed on the 2.5 app after the 2.0 app does not know it', async () => {
		const fake = await fakeFal({ jobMs: 10, queueMs: 0 });
		const endpoint = await triggerFor(fake);
		const draft = fake.drafts.create({ ownerKey: API_KEY, seed: 2525 });
		const job = await completedJob(fake, { endpoint: 'bytedance/seedance-2.5/draft/complete', input: { draft_id: draft.draftId } });
		expect(job.outcome?.status).toBe(200);
		fake.log.length = 0;

		const { response, delivery } = await deliver(fake, endpoint, webhookBodyOf(job));

		expect(response.status).toBe(200);
		expect(outputJson(delivery)).toMatchObject({ requestId: job.requestId, status: 'OK', seed: 2525, video: { url: `${fake.url}/files/${job.requestId}.mp4` } });
		expect(await readBinary(delivery)).toEqual(readFileSync(DEFAULT_VIDEO_FILE));
		expect(fake.requests('status').map((entry) => [entry.path, entry.responseStatus])).toEqual([
			[`/bytedance/seedance-2.0/requests/${job.requestId}/status`, 404],
			[`/bytedance/seedance-2.5/requests/${job.requestId}/status`, 200],
		]);
		expect(fake.requests('result').map((entry) => entry.path)).toEqual([`/bytedance/seedance-2.5/requests/${job.requestId}`]);
	});

	it('a finished Seedance 2.5 draft starts the workflow with its draftId, confirmed on the 2.5 app', async () => {
		const fake = await fakeFal({ jobMs: 10, queueMs: 0 });
		const endpoint = await triggerFor(fake);
		const job = await completedJob(fake, { endpoint: 'bytedance/seedance-2.5/image-to-video', input: { image_url: 'https://example.com/cat.png', duration: '4', resolution: '480p', draft: true } });
		const draftId = (job.outcome?.body as { draft_id?: string }).draft_id;
		expect(draftId).toMatch(/^draft-/);

		const { response, delivery } = await deliver(fake, endpoint, webhookBodyOf(job));

		expect(response.status).toBe(200);
		expect(outputJson(delivery)).toMatchObject({ requestId: job.requestId, status: 'OK', draftId });
	});

	it('a refused draft (expired) starts the workflow with status ERROR and fal\'s draft_id detail', async () => {
		const fake = await fakeFal({ jobMs: 10, queueMs: 0 });
		const endpoint = await triggerFor(fake, { events: ['OK', 'ERROR'] });
		const draft = fake.drafts.create({ ownerKey: API_KEY, createdAt: fake.drafts.clock.now() - 8 * 24 * 60 * 60 * 1000 });
		const job = await completedJob(fake, { endpoint: 'bytedance/seedance-2.5/draft/complete', input: { draft_id: draft.draftId } });

		const { response, delivery } = await deliver(fake, endpoint, webhookBodyOf(job));

		expect(response.status).toBe(200);
		expect(outputJson(delivery)).toMatchObject({ requestId: job.requestId, status: 'ERROR', result: { detail: [{ loc: ['body', 'draft_id'], type: 'draft_expired' }] } });
	});
});

describe('Seedance Trigger runs only on your own jobs', () => {
	it('requires the Fal API credential', () => {
		expect(new SeedanceTrigger().description.credentials).toEqual([expect.objectContaining({ name: 'falApi', required: true })]);
	});

	it("a correctly signed webhook for another fal account's job gets 403, runs nothing and downloads nothing", async () => {
		const fake = await scriptedFake();
		const endpoint = await triggerFor(fake);
		const theirs = await completedJob(fake, { apiKey: ATTACKER_KEY });
		fake.log.length = 0;
		const { response, delivery } = await deliver(fake, endpoint, webhookBodyOf(theirs), { userId: 'attacker-user' });

		expect(response.status).toBe(403);
		expect(response.body).toMatchObject({ error: 'not-your-request' });
		expect(delivery.result?.workflowData).toBeUndefined();
		expect(fake.requests('download')).toHaveLength(0);
		expect(fake.requests('status')[0]).toMatchObject({ responseStatus: 404, headers: { authorization: `Key ${API_KEY}` } });
	});

	it("the video URL and the seed come from fal's answer, never from the webhook body", async () => {
		const fake = await scriptedFake();
		const endpoint = await triggerFor(fake);
		const job = await completedJob(fake);
		const body = { ...webhookBodyOf(job), payload: { video: { url: 'http://169.254.169.254/latest/meta-data/iam', file_name: 'x.mp4' }, seed: 999 } };
		const { delivery } = await deliver(fake, endpoint, body);

		const json = outputJson(delivery);
		expect(json?.result).toEqual(job.outcome?.body);
		expect(json?.seed).toBe((job.outcome?.body as { seed: number }).seed);
		expect(json?.video).toMatchObject({ url: `${fake.url}/files/${job.requestId}.mp4` });
		expect(JSON.stringify(json)).not.toContain('169.254.169.254');
		expect(await readBinary(delivery)).toEqual(readFileSync(DEFAULT_VIDEO_FILE));
	});

	it('a result naming a private address is not downloaded, and the item says which host was refused', async () => {
		const fake = await fakeFal({ jobMs: 10, queueMs: 0, behaviour: () => ({ output: { video: { url: 'http://10.9.8.7/x.mp4' }, seed: 1 } }) });
		const endpoint = await triggerFor(fake);
		const job = await completedJob(fake);
		const { delivery } = await deliver(fake, endpoint, webhookBodyOf(job));
		expect(outputJson(delivery)?.downloadError).toMatch(/^Refused to download the video from 10\.9\.8\.7: it is a private, loopback or link-local address/);
	});
});

/** Resolves soon after the trigger read the job's result, i.e. as it starts the (held) download. */
async function downloadStarted(fake: FakeFal, requestId: string): Promise<void> {
	await new Promise<void>((resolve) => {
		const onRequest = (entry: { kind: string; path: string }) => {
			if (entry.kind !== 'result' || !entry.path.endsWith(requestId)) return;
			fake.off('request', onRequest);
			resolve();
		};
		fake.on('request', onRequest);
	});
	await new Promise((resolve) => setTimeout(resolve, 300));
}

/** Resolves once the trigger has finished `count` calls in all. */
async function handledCount(endpoint: TriggerEndpoint, count: number): Promise<void> {
	while (endpoint.deliveries.length < count) await endpoint.nextDelivery();
}

describe('a job delivered twice runs the workflow once', () => {
	it('a redelivery with a fresh timestamp and signature is acknowledged as a duplicate', async () => {
		const fake = await scriptedFake();
		const endpoint = await triggerFor(fake, { downloadVideo: false });
		const job = await completedJob(fake);
		const first = await deliver(fake, endpoint, webhookBodyOf(job));
		const again = await deliver(fake, endpoint, webhookBodyOf(job), { timestamp: Math.floor(Date.now() / 1000) + 1 });

		expect(first.delivery.result?.workflowData).toHaveLength(1);
		expect(again.response.headers['x-fal-webhook-signature']).toBeUndefined();
		expect(again.response.sentHeaders['x-fal-webhook-signature']).not.toBe(first.response.sentHeaders['x-fal-webhook-signature']);
		expect(again.response).toMatchObject({ status: 200, body: { received: true, duplicate: true } });
		expect(again.delivery.result?.workflowData).toBeUndefined();
	});

	it('the delivered ids live in the workflow static data, so another webhook process (or a restart) also answers duplicate', async () => {
		const fake = await scriptedFake();
		const first = await triggerFor(fake, { downloadVideo: false });
		const job = await completedJob(fake);
		await deliver(fake, first, webhookBodyOf(job));
		// n8n saves the static data after the call; the next process loads it from the database.
		clearDeliveredHere();
		const second = await triggerFor(fake, { downloadVideo: false }, first.savedStaticData());
		const again = await deliver(fake, second, webhookBodyOf(job), { timestamp: Math.floor(Date.now() / 1000) + 2 });
		expect(again.response.body).toMatchObject({ duplicate: true });
		expect(again.delivery.result?.workflowData).toBeUndefined();
	});

	it('overlapping deliveries of two jobs: neither entry is lost when n8n saves the last one', async () => {
		const fake = await scriptedFake();
		const endpoint = await triggerFor(fake);
		const slow = await completedJob(fake, { prompt: 'slow download' });
		const quick = await completedJob(fake, { prompt: 'quick download' });
		// The first download is held, so the second call starts and finishes while the first is still running.
		fake.fault({ on: 'download', status: 503, delayMs: 1500 });
		const slowSent = fake.sendWebhook(endpoint.url, webhookBodyOf(slow));
		await downloadStarted(fake, slow.requestId);
		await fake.sendWebhook(endpoint.url, webhookBodyOf(quick));
		await handledCount(endpoint, 1);
		await slowSent;
		await handledCount(endpoint, 2);

		const quickAgain = await deliver(fake, endpoint, webhookBodyOf(quick), { timestamp: Math.floor(Date.now() / 1000) + 1 });
		const slowAgain = await deliver(fake, endpoint, webhookBodyOf(slow), { timestamp: Math.floor(Date.now() / 1000) + 1 });
		expect(quickAgain.response.body).toMatchObject({ duplicate: true });
		expect(slowAgain.response.body).toMatchObject({ duplicate: true });
		expect(endpoint.deliveries.filter((delivery) => delivery.result?.workflowData)).toHaveLength(2);
		// What another process would load: both entries, whichever call n8n saved last.
		expect(Object.keys((endpoint.savedStaticData()['node:Seedance Trigger'] as IDataObject).deliveredRequestIds as IDataObject).sort()).toEqual(
			[slow.requestId, quick.requestId].sort(),
		);
	});

	it('a redelivery while the first delivery is still downloading the video is a duplicate', async () => {
		const fake = await scriptedFake();
		const endpoint = await triggerFor(fake);
		const job = await completedJob(fake);
		fake.fault({ on: 'download', status: 503, delayMs: 1500 });
		const firstSent = fake.sendWebhook(endpoint.url, webhookBodyOf(job));
		await downloadStarted(fake, job.requestId);
		const again = await fake.sendWebhook(endpoint.url, webhookBodyOf(job), { timestamp: Math.floor(Date.now() / 1000) + 1 });
		await firstSent;
		await handledCount(endpoint, 2);

		expect(again.body).toMatchObject({ duplicate: true });
		expect(endpoint.deliveries.filter((delivery) => delivery.result?.workflowData)).toHaveLength(1);
	});

	it('a call answered 409 is handled when fal sends the very same signed call again', async () => {
		const fake = await scriptedFake();
		const endpoint = await triggerFor(fake, { downloadVideo: false });
		const job = await completedJob(fake);
		// fal's queue does not report the job finished yet: the trigger answers 409 and fal retries.
		fake.fault({ on: 'status', status: 202, body: { status: 'IN_PROGRESS' } });
		const first = await deliver(fake, endpoint, webhookBodyOf(job));
		// Ed25519 is deterministic: a retry within the same second carries the very same signature.
		const again = await deliver(fake, endpoint, webhookBodyOf(job), { reuse: first.response });

		expect(first.response.status).toBe(409);
		expect(again.response).toMatchObject({ status: 200, body: { received: true } });
		expect(again.delivery.result?.workflowData).toHaveLength(1);
	});

	it('two deliveries of the same job at the same moment start the workflow once', async () => {
		const fake = await scriptedFake();
		const endpoint = await triggerFor(fake, { downloadVideo: false });
		const job = await completedJob(fake);
		const both = [endpoint.nextDelivery(), endpoint.nextDelivery()];
		const responses = await Promise.all([
			fake.sendWebhook(endpoint.url, webhookBodyOf(job)),
			fake.sendWebhook(endpoint.url, webhookBodyOf(job), { timestamp: Math.floor(Date.now() / 1000) + 1 }),
		]);
		const deliveries = await Promise.all(both);
		expect(deliveries.filter((delivery) => delivery.result?.workflowData !== undefined)).toHaveLength(1);
		expect(responses.map((response) => response.status).sort()).toEqual([200, 409]);
	});
});

describe("private files and retention, after fal's answer is confirmed", () => {
	it('a video private to the account (403 on a plain read) is fetched through a URL signed with the trigger\'s key, never sending the key to the CDN', async () => {
		const fake = await fakeFal({ jobMs: 10, queueMs: 0, privateByDefault: true });
		const endpoint = await triggerFor(fake);
		const job = await completedJob(fake);
		const { delivery } = await deliver(fake, endpoint, webhookBodyOf(job));
		expect(outputJson(delivery)?.downloadError).toBeUndefined();
		expect(await readBinary(delivery)).toEqual(readFileSync(DEFAULT_VIDEO_FILE));
		expect(fake.requests('download').map((read) => [read.responseStatus, read.headers.authorization])).toEqual([
			[403, undefined],
			[200, undefined],
		]);
		expect(fake.requests('sign')[0].headers.authorization).toBe(`Key ${API_KEY}`);
	});

	it('Delete at Fal After Download deletes the request at fal once the video is in n8n, and reports it on the item', async () => {
		const fake = await fakeFal({ jobMs: 10, queueMs: 0 });
		const endpoint = await triggerFor(fake, { options: { deleteAfterDownload: true } });
		const job = await completedJob(fake);
		const { delivery } = await deliver(fake, endpoint, webhookBodyOf(job));
		expect(await readBinary(delivery)).toEqual(readFileSync(DEFAULT_VIDEO_FILE));
		expect(outputJson(delivery)?.deletedAtFal).toMatchObject({ deleted: true, outputFiles: [{ url: `${fake.url}/files/${job.requestId}.mp4`, deleted: true }] });
		expect(fake.media.storedPayloads(job.requestId)).toBeNull();
	});

	it('a refusal to delete (not an ADMIN key) is on the item, which keeps its video', async () => {
		const fake = await fakeFal({ jobMs: 10, queueMs: 0, keyScopes: { [API_KEY]: ['assets:read'] } });
		const endpoint = await triggerFor(fake, { options: { deleteAfterDownload: true } });
		const job = await completedJob(fake);
		const { delivery } = await deliver(fake, endpoint, webhookBodyOf(job));
		expect(await readBinary(delivery)).toEqual(readFileSync(DEFAULT_VIDEO_FILE));
		expect(outputJson(delivery)?.deletedAtFal).toMatchObject({ deleted: false, httpStatus: 403, error: expect.stringMatching(/ADMIN Fal API key/) });
	});
});

const videoDirs: string[] = [];
afterAll(() => videoDirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** sample.mp4 with its video track's frame size (tkhd, 16.16 fixed point) set to width × height: another resolution, same 3 s. */
function sampleVideoAt(width: number, height: number): string {
	const bytes = Buffer.from(readFileSync(DEFAULT_VIDEO_FILE));
	for (let at = bytes.indexOf('tkhd'); at !== -1; at = bytes.indexOf('tkhd', at + 4)) {
		const payload = at + 4;
		const widthAt = payload + (bytes[payload] === 1 ? 88 : 76);
		if (bytes.readUInt32BE(widthAt) === 0) continue; // the audio track
		bytes.writeUInt32BE(width * 65536, widthAt);
		bytes.writeUInt32BE(height * 65536, widthAt + 4);
		const dir = mkdtempSync(join(tmpdir(), 'seedance-trigger-'));
		videoDirs.push(dir);
		const file = join(dir, `sample-${width}x${height}.mp4`);
		writeFileSync(file, bytes);
		return file;
	}
	throw new Error('sample.mp4 has no video track header');
}

describe('Seedance Trigger items carry the cost, estimated from the delivered video', () => {
	const SEEDANCE_25_I2V = 'bytedance/seedance-2.5/image-to-video';

	it("Seedance 2.5 (one tier): the exact estimate at fal's price, measured from the video", async () => {
		const fake = await fakeFal({ jobMs: 10, queueMs: 0 });
		const endpoint = await triggerFor(fake);
		const job = await completedJob(fake, { endpoint: SEEDANCE_25_I2V });
		const { delivery } = await deliver(fake, endpoint, webhookBodyOf(job));

		// sample.mp4 is 3 s of 640×360: 480p, 28,822.5 tokens × $0.0214/1k.
		const json = outputJson(delivery);
		expect(json?.estimatedCostUsd).toBe(0.6168);
		expect(json?.cost).toMatchObject({
			estimatedUsd: 0.6168,
			minUsd: 0.6168,
			maxUsd: 0.6168,
			tokens: 28823,
			usdPer1000Tokens: 0.0214,
			priceSource: 'fal',
			basis: 'the output video: 3 s at 640×360, billed as 480p on Seedance 2.5; reference videos, if any, are not known here',
		});
		expect(fake.requests('pricing').at(-1)?.headers.authorization).toBe(`Key ${API_KEY}`);
	});

	it('Seedance 2.0 at 480p: the callback does not name the tier, so the cost spans Mini to Standard and says so', async () => {
		const fake = await fakeFal({ jobMs: 10, queueMs: 0 });
		const endpoint = await triggerFor(fake);
		const job = await completedJob(fake);
		const { delivery } = await deliver(fake, endpoint, webhookBodyOf(job));

		const json = outputJson(delivery);
		expect(json?.estimatedCostUsd).toBeUndefined();
		// 28,822.5 tokens × $0.007/1k (Mini) … × $0.014/1k (Standard).
		expect(json?.cost).toMatchObject({
			minUsd: 0.2018,
			maxUsd: 0.4035,
			usdPer1000Tokens: 0.014,
			priceSource: 'fal',
			assumptions: [
				"fal's callback names Seedance 2.0 but not its tier: Seedance 2.0 Mini, Seedance 2.0 Fast, Seedance 2.0 Standard offer 480p, from $0.20 (Seedance 2.0 Mini) to $0.40 (Seedance 2.0 Standard); the prices per second and per 1,000 tokens are Seedance 2.0 Standard's",
			],
			basis: 'the output video: 3 s at 640×360, billed as 480p on Seedance 2.0; reference videos, if any, are not known here',
		});
	});

	it('Seedance 2.0 at 1080p, which only the Standard tier makes: the exact estimate', async () => {
		const file = sampleVideoAt(1920, 1080);
		const fake = await fakeFal({ jobMs: 10, queueMs: 0, behaviour: () => ({ video: { file } }) });
		const endpoint = await triggerFor(fake);
		const job = await completedJob(fake);
		const { delivery } = await deliver(fake, endpoint, webhookBodyOf(job));

		// 1920 × 1080 × 3 s × 24 / 1024 = 145,800 tokens × $0.014/1k.
		expect(outputJson(delivery)).toMatchObject({
			estimatedCostUsd: 2.0412,
			cost: { tokens: 145800, basis: expect.stringContaining('3 s at 1920×1080, billed as 1080p on Seedance 2.0') },
		});
	});

	it("when fal's price list cannot be read, the schema's price is used and the item says why", async () => {
		const fake = await fakeFal({ jobMs: 10, queueMs: 0 });
		fake.fault({ on: 'pricing', status: 503 });
		const endpoint = await triggerFor(fake);
		const job = await completedJob(fake, { endpoint: SEEDANCE_25_I2V });
		const { delivery } = await deliver(fake, endpoint, webhookBodyOf(job));

		expect(outputJson(delivery)).toMatchObject({
			estimatedCostUsd: 0.6168,
			cost: { priceSource: 'schema', priceNote: "fal's price list could not be read (HTTP 503)" },
		});
	});

	it('with Download Video off there is no video to measure, and no estimate', async () => {
		const fake = await fakeFal({ jobMs: 10, queueMs: 0 });
		const endpoint = await triggerFor(fake, { downloadVideo: false });
		const job = await completedJob(fake, { endpoint: SEEDANCE_25_I2V });
		const { delivery } = await deliver(fake, endpoint, webhookBodyOf(job));

		expect(outputJson(delivery)).toMatchObject({ requestId: job.requestId, status: 'OK' });
		expect(outputJson(delivery)).not.toHaveProperty('estimatedCostUsd');
		expect(outputJson(delivery)).not.toHaveProperty('cost');
		expect(fake.requests('pricing')).toHaveLength(0);
	});

	it('a failed generation carries no estimate', async () => {
		const fake = await scriptedFake();
		const endpoint = await triggerFor(fake);
		const job = await completedJob(fake, { prompt: 'a cat [two-errors]' });
		const { delivery } = await deliver(fake, endpoint, webhookBodyOf(job));
		expect(outputJson(delivery)).not.toHaveProperty('cost');
		expect(fake.requests('pricing')).toHaveLength(0);
	});
});
