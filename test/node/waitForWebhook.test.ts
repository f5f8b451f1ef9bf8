/**
 * Generate Video → "Submit and Wait for Webhook" in n8n-core's engine. The harness runs the node
 * until it waits; `resumeFromCallback` then plays n8n's waiting-webhook route
 * (n8n/dist/webhooks/waiting-webhooks.js + webhook-helpers.js, 2.41): the saved execution is loaded,
 * the waiting node disabled and its run popped, fal's body handed to the node's `webhook()` in a real
 * `WebhookContext`, and, when it returns `workflowData`, the execution resumed in `WorkflowExecute`.
 * `resumeAtTimeLimit` plays n8n's WaitTracker: the execution resumes with `waitTill` still set.
 * Each callback reaches the node as fal sent it: its X-Fal-Webhook-* headers and the raw body bytes
 * that were signed (n8n's rawBodyReader keeps them), so the node checks fal's signature as in n8n.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

import { ExecutionLifecycleHooks, WebhookContext, WorkflowExecute } from 'n8n-core';
import type { IDataObject, INode, INodeParameters, IRun, IRunExecutionData, IWebhookData, IWebhookResponseData, IWorkflowBase, IWorkflowExecuteAdditionalData } from 'n8n-workflow';

import { FalApi } from '../../credentials/FalApi.credentials';
import { sharedJwksCache } from '../../nodes/shared/webhookVerification/jwksCache';
import { SeedanceImageToVideo } from '../../nodes/SeedanceImageToVideo/SeedanceImageToVideo.node';
import { waitForWebhookWebhooks } from '../../nodes/shared/seedance/webhook/description';
import { startFakeFal, type FakeFal, type WebhookRecord } from '../fake-fal';
import { HarnessCredentialsHelper, HarnessCredentialTypes } from '../harness/credentials';
import type { TriggerItem } from '../harness/nodeTypes';
import { buildAdditionalData, buildHarnessWorkflow, initEngine, WORKFLOW_ID, type RunResult } from '../harness/runWorkflow';
import { API_KEY, generateParameters, IMAGE_URL, runSeedance, SAMPLE_VIDEO } from './seedance';

const NODE_NAME = 'Seedance Image-to-Video';
const SLOW_JOB_MS = 1500;

let fake: FakeFal;
/** Answers any POST: `fake.sendWebhook` is pointed here to obtain headers signed some other way. */
let sink: http.Server;
let sinkUrl: string;
beforeAll(async () => {
	sink = http.createServer((req, res) => {
		req.resume();
		req.on('end', () => res.writeHead(204).end());
	});
	await new Promise<void>((resolve) => sink.listen(0, '127.0.0.1', resolve));
	sinkUrl = `http://127.0.0.1:${(sink.address() as AddressInfo).port}/`;

	fake = await startFakeFal({
		apiKey: API_KEY,
		queueMs: 30,
		jobMs: 120,
		// Nothing listens at the harness's resume URL; the tests deliver the recorded callbacks.
		webhookRetries: 0,
		behaviour: (input: { prompt?: string }) => (input.prompt?.includes('slow') ? { jobMs: SLOW_JOB_MS } : undefined),
	});
});
afterAll(async () => {
	await fake.close();
	sink.closeAllConnections();
	await new Promise((resolve) => sink.close(resolve));
});

const credentials = { falApi: { apiKey: API_KEY, apiHost: '' } };

/** fal's webhook keys come from the fake: the node's Webhook Keys URL option, as in the demo. */
function webhookParameters(overrides: IDataObject = {}) {
	const options = { jwksUrl: fake.jwksUrl, ...((overrides.options as IDataObject | undefined) ?? {}) };
	return generateParameters({ mode: 'waitForWebhook', prompt: '={{ $json.prompt }}', ...overrides, options });
}

function promptItems(...prompts: string[]): TriggerItem[] {
	return prompts.map((prompt) => ({ json: { prompt } }));
}

async function runUntilWaiting(items: TriggerItem[], options: { parameters?: IDataObject; continueOnFail?: boolean } = {}) {
	credentials.falApi.apiHost = fake.url;
	return await runSeedance(fake, webhookParameters(options.parameters), { items, continueOnFail: options.continueOnFail });
}

/** One POST to the resume URL as n8n receives it: headers and the body bytes as sent. */
interface Callback {
	headers: Record<string, string>;
	rawBody: Buffer;
}

/** The fake POSTs `JSON.stringify(body)` with the headers it records: the bytes it signed. */
function asSent(record: WebhookRecord): Callback {
	return { headers: record.headers, rawBody: Buffer.from(JSON.stringify(record.body)) };
}

/** Resolves with fal's callback for a request once the fake has sent it. */
async function callbackFor(requestId: string): Promise<Callback> {
	for (;;) {
		const record = fake.webhooks.find((entry) => entry.requestId === requestId);
		if (record) return asSent(record);
		await new Promise((resolve) => setTimeout(resolve, 20));
	}
}

/** A callback made by `fake.sendWebhook` (forged, stale, …), captured as it was sent. */
async function sentBy(payload: unknown, options: Parameters<FakeFal['sendWebhook']>[2]): Promise<Callback> {
	const sent = await fake.sendWebhook(sinkUrl, payload, options);
	return { headers: sent.sentHeaders, rawBody: Buffer.from(sent.sentBody) };
}

function requestIdsOf(result: RunResult): string[] {
	return result.items.map((item) => String(item.json.requestId));
}

/** What a waiting execution looks like after n8n saved it and loaded it back. */
function loadSaved(result: RunResult): IRunExecutionData {
	return JSON.parse(JSON.stringify(result.run.data)) as IRunExecutionData;
}

function buildWorkflow(items: TriggerItem[], continueOnFail: boolean, parameters: IDataObject) {
	return buildHarnessWorkflow({ nodeType: new SeedanceImageToVideo(), parameters: parameters as INodeParameters, items, continueOnFail, credentials });
}

function additionalDataFor(executionId: string, workflowData: IWorkflowBase, onRun: (run: IRun) => void): IWorkflowExecuteAdditionalData {
	const hooks = new ExecutionLifecycleHooks('manual', executionId, workflowData);
	hooks.addHandler('workflowExecuteAfter', (run) => onRun(run));
	const credentialsHelper = new HarnessCredentialsHelper(new HarnessCredentialTypes([new FalApi()]), credentials);
	return buildAdditionalData({ credentialsHelper, hooks, executionId });
}

interface Delivery {
	/** What n8n answers fal. */
	answer: { status: number; body: unknown };
	/** The kinds of fal requests the node made for this callback before answering it. */
	falRequestsBeforeAnswer: string[];
	webhookResult: IWebhookResponseData;
	/** The resumed execution, when the callback resumed it. */
	run?: IRun;
}

interface Waiting {
	result: RunResult;
	items: TriggerItem[];
	continueOnFail: boolean;
	parameters: IDataObject;
}

async function resumeFromCallback(waiting: Waiting, callback: Callback, changeSaved?: (data: IRunExecutionData) => void): Promise<Delivery> {
	const data = loadSaved(waiting.result);
	changeSaved?.(data);
	const { workflow, workflowData } = buildWorkflow(waiting.items, waiting.continueOnFail, waiting.parameters);
	// waiting-webhooks.js getWebhookExecutionData
	const stack = data.executionData?.nodeExecutionStack ?? [];
	stack[0].node.disabled = true;
	data.waitTill = undefined;
	data.resultData.runData[NODE_NAME].pop();

	let saved: IRun | undefined;
	const additionalData = additionalDataFor(waiting.result.executionId, workflowData, (run) => (saved ??= run));
	const answer = { status: 0, body: undefined as unknown };
	const logStart = fake.log.length;
	let falRequestsBeforeAnswer: string[] | undefined;
	const response = {
		headersSent: false,
		writeHead(status: number) {
			answer.status = status;
			falRequestsBeforeAnswer = fake.log.slice(logStart).map((entry) => entry.kind);
			this.headersSent = true;
		},
		end(text: string) {
			answer.body = JSON.parse(text);
		},
	};
	// n8n's rawBodyReader keeps the bytes; parseBody fills `body` from them (middlewares/body-parser.js).
	const body = JSON.parse(callback.rawBody.toString('utf8')) as unknown;
	additionalData.httpRequest = { body, rawBody: callback.rawBody, headers: callback.headers, query: {}, params: {} } as unknown as IWorkflowExecuteAdditionalData['httpRequest'];
	additionalData.httpResponse = response as unknown as IWorkflowExecuteAdditionalData['httpResponse'];
	const node = workflow.getNode(NODE_NAME) as INode;
	const webhookData: IWebhookData = {
		httpMethod: 'POST',
		node: NODE_NAME,
		path: '',
		webhookDescription: waitForWebhookWebhooks[0],
		workflowId: WORKFLOW_ID,
		workflowExecuteAdditionalData: additionalData,
	};
	const context = new WebhookContext(workflow, node, additionalData, 'manual', webhookData, [], data);
	const webhookResult = await new SeedanceImageToVideo().webhook.call(context);
	if (!webhookResult.noWebhookResponse && answer.status === 0) {
		answer.status = 200;
		answer.body = webhookResult.webhookResponse ?? { message: 'Webhook call received' };
	}
	falRequestsBeforeAnswer ??= fake.log.slice(logStart).map((entry) => entry.kind);
	if (webhookResult.workflowData === undefined) return { answer, webhookResult, falRequestsBeforeAnswer };

	// webhook-helpers.js prepareExecutionData
	stack[0].data.main = webhookResult.workflowData;
	stack[0].metadata = { ...stack[0].metadata, forwardAllOutputs: true };
	const returned = await new WorkflowExecute(additionalData, 'manual', data).processRunExecutionData(workflow);
	return { answer, webhookResult, falRequestsBeforeAnswer, run: saved ?? returned };
}

async function resumeAtTimeLimit(waiting: Waiting): Promise<IRun> {
	const data = loadSaved(waiting.result);
	const { workflow, workflowData } = buildWorkflow(waiting.items, waiting.continueOnFail, waiting.parameters);
	let saved: IRun | undefined;
	const additionalData = additionalDataFor(waiting.result.executionId, workflowData, (run) => (saved ??= run));
	const returned = await new WorkflowExecute(additionalData, 'manual', data).processRunExecutionData(workflow);
	return saved ?? returned;
}

function outputOf(run: IRun) {
	return run.data.resultData.runData[NODE_NAME].at(-1)?.data?.main[0] ?? [];
}

async function startWaiting(prompts: string[], options: { parameters?: IDataObject; continueOnFail?: boolean } = {}): Promise<Waiting> {
	const items = promptItems(...prompts);
	const result = await runUntilWaiting(items, options);
	return { result, items, continueOnFail: options.continueOnFail ?? false, parameters: webhookParameters(options.parameters) };
}

async function readBinary(binary: IDataObject) {
	const { binaryDataService } = await initEngine();
	return await binaryDataService.getAsBuffer(binary as never);
}

describe('Generate Video, Submit and Wait for Webhook', () => {
	test('the execution waits with fal_webhook set to its resume URL, and nothing polls', async () => {
		fake.log.length = 0;
		const { result } = await startWaiting(['a cat waves']);

		expect(result.status).toBe('waiting');
		expect(result.waitTill?.getTime()).toBeGreaterThan(Date.now() + 1700 * 1000);
		const [submit] = fake.requests('submit');
		expect(submit.query.fal_webhook).toBe(result.resumeUrl);
		expect(result.items[0]).toMatchObject({ json: { requestId: expect.any(String), status: 'IN_QUEUE' }, pairedItem: { item: 0 } });
		expect(fake.requests('status')).toHaveLength(0);
	});

	test("fal's callback resumes the node with the video as binary, the same JSON as Wait for Completion, and pairedItem", async () => {
		const waiting = await startWaiting(['a cat waves']);
		const record = await callbackFor(requestIdsOf(waiting.result)[0]);
		const delivery = await resumeFromCallback(waiting, record);

		expect(delivery.answer).toEqual({ status: 200, body: { received: true, resumed: true } });
		expect(delivery.run?.status).toBe('success');
		const [item] = outputOf(delivery.run as IRun);
		expect(item.pairedItem).toEqual({ item: 0 });
		expect(item.json).toMatchObject({
			requestId: requestIdsOf(waiting.result)[0],
			endpoint: 'bytedance/seedance-2.0/fast/image-to-video',
			tier: 'fast',
			status: 'COMPLETED',
			video: { contentType: 'video/mp4', fileSize: SAMPLE_VIDEO.length },
			parameters: { prompt: 'a cat waves', image_url: IMAGE_URL, duration: 'auto' },
			timings: { submittedAt: expect.any(String), totalMs: expect.any(Number) },
			// The estimate made before submitting, carried through the wait: duration auto, so a range.
			cost: { minUsd: 0.9677, maxUsd: 3.6288, priceSource: 'fal', assumptions: [expect.stringContaining('Duration "auto"')] },
		});
		expect(item.json.estimatedCostUsd).toBeUndefined();
		expect(item.binary?.data.mimeType).toBe('video/mp4');
		expect(await readBinary(item.binary?.data as unknown as IDataObject)).toEqual(SAMPLE_VIDEO);
	});

	test("the resuming callback is answered before the node fetches fal's result and the video, as n8n's Respond Immediately (fal redelivers what is not answered within about 10 s)", async () => {
		const waiting = await startWaiting(['a cat waves']);
		const delivery = await resumeFromCallback(waiting, await callbackFor(requestIdsOf(waiting.result)[0]));

		expect(delivery.answer).toEqual({ status: 200, body: { received: true, resumed: true } });
		// Only fal's signing keys may be fetched first (cached after the first callback): the signature is checked before answering.
		expect(delivery.falRequestsBeforeAnswer.filter((kind) => kind !== 'jwks')).toEqual([]);
		expect(delivery.run?.status).toBe('success');
		expect(fake.log.slice(-2).map((entry) => entry.kind)).toEqual(['result', 'download']);
	});

	test('with several items the node resumes once, when the last video is ready, with the items in input order', async () => {
		const waiting = await startWaiting(['slow: a dog runs', 'a cat waves', 'a bird sings']);
		const [slowId, ...fastIds] = requestIdsOf(waiting.result);

		// Both fast jobs have finished at fal (their callbacks were sent); the slow one has not.
		await callbackFor(fastIds[1]);
		const early = await resumeFromCallback(waiting, await callbackFor(fastIds[0]));
		expect(early.run).toBeUndefined();
		expect(early.answer).toEqual({ status: 200, body: { received: true, waitingFor: 1 } });

		const last = await resumeFromCallback(waiting, await callbackFor(slowId));
		const output = outputOf(last.run as IRun);
		expect(output.map((item) => item.json.requestId)).toEqual([slowId, ...fastIds]);
		expect(output.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(output.every((item) => item.binary?.data.mimeType === 'video/mp4')).toBe(true);
	});

	test("each item's Options are read when it is submitted: a file name expression names each item's video", async () => {
		const waiting = await startWaiting(['a cat', 'a dog'], { parameters: { options: { fileName: '={{ $json.prompt.split(" ")[1] }}' } } });
		const ids = requestIdsOf(waiting.result);
		await callbackFor(ids[0]);
		const output = outputOf((await resumeFromCallback(waiting, await callbackFor(ids[1]))).run as IRun);

		expect(output.map((item) => item.binary?.data.fileName)).toEqual(['cat.mp4', 'dog.mp4']);
	});

	test('Return URL Only outputs the JSON without downloading the video', async () => {
		const waiting = await startWaiting(['a cat waves'], { parameters: { options: { returnUrlOnly: true } } });
		const delivery = await resumeFromCallback(waiting, await callbackFor(requestIdsOf(waiting.result)[0]));
		const [item] = outputOf(delivery.run as IRun);

		expect(item.binary).toBeUndefined();
		expect(item.json).toMatchObject({ status: 'COMPLETED', video: { url: expect.stringContaining(fake.url) } });
	});

	test('private Output Files, expiry and no stored payloads: the submit asks for them, the resume downloads through a signed URL and deletes at fal', async () => {
		fake.log.length = 0;
		const options = { outputFiles: 'private', deleteOutputsAfterSeconds: 900, storePayloads: false, deleteAfterDownload: true };
		const waiting = await startWaiting(['a private cat'], { parameters: { options } });
		const [requestId] = requestIdsOf(waiting.result);
		const [submit] = fake.requests('submit');
		expect(JSON.parse(String(submit.headers['x-fal-object-lifecycle-preference']))).toEqual({ expiration_duration_seconds: 900, initial_acl: { default: 'forbid' } });
		expect(submit.headers['x-fal-store-io']).toBe('0');

		const delivery = await resumeFromCallback(waiting, await callbackFor(requestId));
		const [item] = outputOf(delivery.run as IRun);
		expect(await readBinary(item.binary?.data as unknown as IDataObject)).toEqual(SAMPLE_VIDEO);
		expect(fake.requests('sign')).toHaveLength(1);
		expect(fake.requests('download').map((read) => [read.responseStatus, read.query.identity !== undefined, read.headers.authorization])).toEqual([[200, true, undefined]]);
		expect(item.json.deletedAtFal).toMatchObject({ deleted: true, outputFiles: [{ deleted: true }] });
		expect(fake.requests('delete-payloads')[0].path).toBe(`/v1/models/requests/${requestId}/payloads`);
	});

	test('private Output Files with Return URL Only resume with a signed link and its expiry', async () => {
		const waiting = await startWaiting(['a private dog'], { parameters: { options: { outputFiles: 'private', returnUrlOnly: true, signedLinkSeconds: 600 } } });
		const delivery = await resumeFromCallback(waiting, await callbackFor(requestIdsOf(waiting.result)[0]));
		const [item] = outputOf(delivery.run as IRun);
		expect(item.binary).toBeUndefined();
		expect(item.json.video).toMatchObject({ url: expect.stringMatching(/\?identity=/), signedUrlExpiresAt: expect.any(String) });
	});

	test('a callback for a request this execution did not submit is ignored and the execution keeps waiting', async () => {
		const waiting = await startWaiting(['a cat waves']);
		const delivery = await resumeFromCallback(waiting, await sentBy({ request_id: 'someone-else', status: 'OK', payload: {} }, {}));

		expect(delivery.run).toBeUndefined();
		expect(delivery.webhookResult.workflowData).toBeUndefined();
		expect(delivery.answer.body).toMatchObject({ received: true, ignored: expect.stringContaining('someone-else') });
	});

	test("a forged callback (signed with a key not in fal's JWKS) gets 401 and the execution keeps waiting", async () => {
		const waiting = await startWaiting(['a cat waves']);
		const [requestId] = requestIdsOf(waiting.result);
		const record = await callbackFor(requestId);
		fake.log.length = 0;
		const forged = await resumeFromCallback(waiting, await sentBy(JSON.parse(record.rawBody.toString('utf8')), { forge: true }));

		expect(forged.answer).toMatchObject({ status: 401, body: { error: 'bad-signature' } });
		expect(forged.webhookResult).toEqual({ noWebhookResponse: true });
		expect(forged.run).toBeUndefined();
		// Refused before fal's queue is asked anything.
		expect(fake.requests('status')).toHaveLength(0);
		// Still waiting: fal's real callback resumes it.
		expect((await resumeFromCallback(waiting, record)).run?.status).toBe('success');
	});

	test('an unsigned callback, or a signed one whose body was changed, gets 401 and the execution keeps waiting', async () => {
		const waiting = await startWaiting(['a cat waves']);
		const record = await callbackFor(requestIdsOf(waiting.result)[0]);
		const unsigned = await resumeFromCallback(waiting, { headers: {}, rawBody: record.rawBody });
		const tampered = await resumeFromCallback(waiting, { headers: record.headers, rawBody: Buffer.from(record.rawBody.toString('utf8').replace('"OK"', '"ERROR"')) });

		expect(unsigned.answer).toMatchObject({ status: 401, body: { error: 'unsigned', message: expect.any(String) } });
		expect(unsigned.run).toBeUndefined();
		expect(tampered.answer).toMatchObject({ status: 401, body: { error: 'bad-signature' } });
		expect(tampered.run).toBeUndefined();
		expect((await resumeFromCallback(waiting, record)).run?.status).toBe('success');
	});

	test('a stale callback (timestamp older than 5 minutes) gets 401', async () => {
		const waiting = await startWaiting(['a cat waves']);
		const record = await callbackFor(requestIdsOf(waiting.result)[0]);
		const stale = await resumeFromCallback(waiting, await sentBy(JSON.parse(record.rawBody.toString('utf8')), { staleSeconds: 600 }));

		expect(stale.answer).toMatchObject({ status: 401, body: { error: 'stale' } });
		expect(stale.run).toBeUndefined();
	});

	test('a replay of a callback already handled is answered 200 without checking fal again', async () => {
		const waiting = await startWaiting(['slow: a dog runs', 'a cat waves']);
		const [slowId, fastId] = requestIdsOf(waiting.result);
		const record = await callbackFor(fastId);
		expect((await resumeFromCallback(waiting, record)).answer.body).toEqual({ received: true, waitingFor: 1 });
		fake.log.length = 0;
		const replay = await resumeFromCallback(waiting, record);

		expect(replay.answer).toEqual({ status: 200, body: { received: true, duplicate: true } });
		expect(replay.run).toBeUndefined();
		expect(fake.requests('status')).toHaveLength(0);
		expect((await resumeFromCallback(waiting, await callbackFor(slowId))).run?.status).toBe('success');
	});

	test("when fal's webhook keys cannot be loaded, the callback gets 503 (fal delivers again) and the execution keeps waiting", async () => {
		const waiting = await startWaiting(['a cat waves']);
		const record = await callbackFor(requestIdsOf(waiting.result)[0]);
		sharedJwksCache.clear();
		fake.fault({ on: 'jwks', status: 500 });
		const delivery = await resumeFromCallback(waiting, record);

		expect(delivery.answer).toMatchObject({ status: 503, body: { error: 'jwks-unavailable' } });
		expect(delivery.run).toBeUndefined();
		expect((await resumeFromCallback(waiting, record)).run?.status).toBe('success');
	});

	test('when fal cannot be asked about the jobs, the callback gets 503 (fal delivers again) and the execution keeps waiting', async () => {
		const waiting = await startWaiting(['slow: a dog runs', 'a cat waves']);
		const [slowId, fastId] = requestIdsOf(waiting.result);
		const record = await callbackFor(fastId);
		fake.fault({ on: 'status', status: 401, body: { detail: 'Invalid API key' } });
		const delivery = await resumeFromCallback(waiting, record);

		expect(delivery.run).toBeUndefined();
		expect(delivery.answer).toMatchObject({ status: 503, body: { retry: true, message: 'Could not check the requests at fal; deliver again later.' } });
		expect(fake.pendingFaults()).toEqual([]);
		const retried = await resumeFromCallback(waiting, record);
		expect(retried.answer.body).toEqual({ received: true, waitingFor: 1 });
		expect((await resumeFromCallback(waiting, await callbackFor(slowId))).run?.status).toBe('success');
	});

	test('when the time limit passes without a callback, the execution resumes and the node fails naming the request', async () => {
		const waiting = await startWaiting(['[never] a cat waves']);
		const run = await resumeAtTimeLimit(waiting);

		expect(run.status).toBe('error');
		expect(run.data.resultData.error?.message).toBe('Seedance did not call back within the wait timeout of 1800 s');
		expect(run.data.resultData.error?.description).toContain(requestIdsOf(waiting.result)[0]);
	});

	test('a callback after the time limit cancels the unfinished jobs and fails the node', async () => {
		const waiting = await startWaiting(['a cat waves', '[never] a dog runs'], { parameters: { options: { waitTimeoutSeconds: 1 } } });
		const [doneId, neverId] = requestIdsOf(waiting.result);
		const record = await callbackFor(doneId);
		await new Promise((resolve) => setTimeout(resolve, 1100));
		const delivery = await resumeFromCallback(waiting, record);

		expect(delivery.run?.status).toBe('error');
		expect(delivery.run?.data.resultData.error?.message).toBe(`Seedance did not finish within the wait timeout of 1 s (request ${neverId})`);
		expect(fake.jobs.get(neverId)?.cancelled).toBe(true);
	});

	test('with Continue On Fail, a timed-out item becomes an error item and the finished one keeps its video', async () => {
		const waiting = await startWaiting(['a cat waves', '[never] a dog runs'], { parameters: { options: { waitTimeoutSeconds: 1 } }, continueOnFail: true });
		const [doneId] = requestIdsOf(waiting.result);
		const record = await callbackFor(doneId);
		await new Promise((resolve) => setTimeout(resolve, 1100));
		const output = outputOf((await resumeFromCallback(waiting, record)).run as IRun);

		expect(output[0]).toMatchObject({ json: { requestId: doneId, status: 'COMPLETED' }, pairedItem: { item: 0 } });
		expect(output[1]).toMatchObject({ json: { error: expect.stringContaining('did not finish within the wait timeout') }, pairedItem: { item: 1 } });
	});

	test("a failed job (fal's ERROR callback) fails the node at once with fal's reason and cancels the others", async () => {
		const waiting = await startWaiting(['[content-policy] a cat waves', 'slow: a dog runs']);
		const [failedId, slowId] = requestIdsOf(waiting.result);
		const record = await callbackFor(failedId);
		expect(JSON.parse(record.rawBody.toString('utf8'))).toMatchObject({ status: 'ERROR' });
		const delivery = await resumeFromCallback(waiting, record);

		expect(delivery.run?.status).toBe('error');
		expect(delivery.run?.data.resultData.error?.message).toMatch(/content policy/);
		expect(fake.jobs.get(slowId)?.cancelled).toBe(true);
	});

	test('with Continue On Fail, a failed job is an error item in its place and the others keep their videos', async () => {
		const waiting = await startWaiting(['a cat waves', '[content-policy] a dog runs'], { continueOnFail: true });
		const [okId, failedId] = requestIdsOf(waiting.result);
		await callbackFor(okId);
		const delivery = await resumeFromCallback(waiting, await callbackFor(failedId));
		const output = outputOf(delivery.run as IRun);

		expect(delivery.run?.status).toBe('success');
		expect(output[0]).toMatchObject({ json: { requestId: okId }, pairedItem: { item: 0 } });
		expect(output[1]).toMatchObject({ json: { error: expect.stringMatching(/content policy/) }, pairedItem: { item: 1 } });
	});

	test('with Continue On Fail, an item refused before submission is an error item after the resume', async () => {
		const waiting = await startWaiting(['a cat waves', ''], { continueOnFail: true });
		expect(waiting.result.status).toBe('waiting');
		const [okId] = requestIdsOf(waiting.result);
		const output = outputOf((await resumeFromCallback(waiting, await callbackFor(okId))).run as IRun);

		expect(output[0]).toMatchObject({ json: { requestId: okId }, pairedItem: { item: 0 } });
		expect(output[1]).toMatchObject({ json: { error: 'Prompt: is empty [item 1]' }, pairedItem: { item: 1 } });
	});

	test('without Continue On Fail, a refused item stops the run at once and cancels what was submitted', async () => {
		fake.log.length = 0;
		const result = await runUntilWaiting(promptItems('slow: a cat waves', ''));

		expect(result.status).toBe('error');
		expect(result.error?.message).toBe('Prompt: is empty [item 1]');
		expect(result.waitTill).toBeUndefined();
		const submitted = fake.requests('submit').map((entry) => entry.responseStatus);
		if (submitted.length > 0) expect(fake.requests('cancel').length).toBe(submitted.length);
	});

	test("on fal's own hosts, a local resume URL is refused before anything is sent, pointing to WEBHOOK_URL", async () => {
		const result = await runSeedance(fake, webhookParameters(), { items: promptItems('a cat waves'), credentials: { falApi: { apiKey: API_KEY } } });

		expect(result.status).toBe('error');
		expect(result.error?.message).toContain('fal cannot call n8n back at http://127.0.0.1:5678');
		expect(result.error?.description).toContain('WEBHOOK_URL');
	});
});

describe('Submit and Wait for Webhook at scale: O(N) status checks, one resume, loud failures', () => {
	const BATCH = 20;

	test(`a batch of ${BATCH} asks fal for at most one status per callback, and resumes once`, async () => {
		const prompts = Array.from({ length: BATCH }, (_, index) => `a cat number ${index}`);
		const waiting = await startWaiting(prompts, { parameters: { options: { returnUrlOnly: true, concurrency: 40 } } });
		const ids = requestIdsOf(waiting.result);
		const callbacks = await Promise.all(ids.map(async (id) => ({ id, callback: await callbackFor(id) })));
		// fal calls back in the order the jobs finished.
		const order = [...fake.webhooks].filter((record) => ids.includes(record.requestId)).map((record) => record.requestId);
		fake.log.length = 0;
		const deliveries: Delivery[] = [];
		for (const id of order) deliveries.push(await resumeFromCallback(waiting, callbacks.find((entry) => entry.id === id)?.callback as Callback));

		expect(fake.requests('status').length).toBeLessThanOrEqual(BATCH);
		const resumed = deliveries.filter((delivery) => delivery.run !== undefined);
		expect(resumed).toHaveLength(1);
		expect(resumed[0].run?.status).toBe('success');
		expect(outputOf(resumed[0].run as IRun).map((item) => item.json.requestId)).toEqual(ids);
		// The callbacks after the resume are acknowledged without asking fal anything.
		expect(deliveries.slice(deliveries.indexOf(resumed[0]) + 1).every((delivery) => delivery.answer.status === 200)).toBe(true);
	});

	test('two final callbacks arriving together resume the execution once and download each video once', async () => {
		const waiting = await startWaiting(['a cat waves', 'a dog runs']);
		const [first, second] = await Promise.all(requestIdsOf(waiting.result).map(async (id) => await callbackFor(id)));
		fake.log.length = 0;
		const deliveries = await Promise.all([resumeFromCallback(waiting, first), resumeFromCallback(waiting, second)]);

		expect(deliveries.filter((delivery) => delivery.run !== undefined)).toHaveLength(1);
		expect(deliveries.map((delivery) => delivery.answer.status)).toEqual([200, 200]);
		expect(fake.requests('download')).toHaveLength(2);
		expect(fake.requests('result')).toHaveLength(2);
	});

	test('a missing wait state answers 503 (fal delivers again), logs the cause, and never says "ignored"', async () => {
		const waiting = await startWaiting(['a cat waves']);
		const record = await callbackFor(requestIdsOf(waiting.result)[0]);
		const errors: string[] = [];
		const logger = { error: (message: string) => errors.push(message), warn: () => {}, info: () => {}, debug: () => {} };
		const spy = jest.spyOn(WebhookContext.prototype, 'logger', 'get').mockReturnValue(logger as never);
		try {
			const delivery = await resumeFromCallback(waiting, record, (data) => {
				const entry = data.executionData?.nodeExecutionStack[0];
				if (entry) entry.metadata = {};
			});
			expect(delivery.answer.status).toBe(503);
			expect(JSON.stringify(delivery.answer.body)).not.toContain('ignored');
			expect(delivery.run).toBeUndefined();
			expect(errors.join('\n')).toMatch(/no Seedance wait state/);
		} finally {
			spy.mockRestore();
		}
		// fal's next delivery, with the state where n8n keeps it, resumes the execution.
		expect((await resumeFromCallback(waiting, record)).run?.status).toBe('success');
	});

	test("the 503 for unloadable webhook keys carries no internal error text", async () => {
		const waiting = await startWaiting(['a cat waves']);
		const record = await callbackFor(requestIdsOf(waiting.result)[0]);
		sharedJwksCache.clear();
		fake.fault({ on: 'jwks', status: 500, body: { detail: 'internal: db password wrong at 10.0.0.7' } });
		const delivery = await resumeFromCallback(waiting, record);

		expect(delivery.answer).toEqual({ status: 503, body: { error: 'jwks-unavailable', message: "Could not load fal's webhook keys; deliver again later." } });
	});

	test("without a Webhook Keys URL the keys are not read from the credential's API Host (a proxy does not serve them)", async () => {
		const waiting = await startWaiting(['a cat waves'], { parameters: { options: { jwksUrl: '' } } });
		const record = await callbackFor(requestIdsOf(waiting.result)[0]);
		sharedJwksCache.clear();
		fake.log.length = 0;
		const delivery = await resumeFromCallback(waiting, record);

		// fal's own hosts cannot be reached from the test machine: 503, and fal delivers again.
		expect(delivery.answer).toMatchObject({ status: 503, body: { error: 'jwks-unavailable' } });
		expect(fake.requests('jwks')).toHaveLength(0);
	});
});

describe('Complete Draft, Submit and Wait for Webhook', () => {
	async function startCompleting(draftIds: string[], continueOnFail = false): Promise<Waiting> {
		const items = draftIds.map((draftId) => ({ json: { draftId } }));
		const parameters = { ...webhookParameters(), operation: 'completeDraft', draftId: '={{ $json.draftId }}' };
		credentials.falApi.apiHost = fake.url;
		const result = await runSeedance(fake, parameters, { items, continueOnFail });
		return { result, items, continueOnFail, parameters };
	}

	test("the draft/complete job's callback resumes the node with the 1080p video as binary", async () => {
		const draft = fake.drafts.create({ ownerKey: API_KEY, seed: 31 });
		const waiting = await startCompleting([draft.draftId]);
		expect(waiting.result.error?.message).toBeUndefined();
		expect(waiting.result.status).toBe('waiting');
		const [requestId] = requestIdsOf(waiting.result);
		expect(fake.jobs.get(requestId)?.webhookUrl).toBe(waiting.result.resumeUrl);

		const delivery = await resumeFromCallback(waiting, await callbackFor(requestId));
		expect(delivery.run?.status).toBe('success');
		const [item] = outputOf(delivery.run as IRun);
		expect(item.json).toMatchObject({
			requestId,
			endpoint: 'bytedance/seedance-2.5/draft/complete',
			status: 'COMPLETED',
			seed: 31,
			completedDraftId: draft.draftId,
			parameters: { draft_id: draft.draftId },
		});
		expect(await readBinary(item.binary?.data as unknown as IDataObject)).toEqual(SAMPLE_VIDEO);
	});

	test('an expired draft resumes the node with an error naming the Draft ID field and the item', async () => {
		const old = fake.drafts.create({ ownerKey: API_KEY, createdAt: fake.drafts.clock.now() - 8 * 24 * 60 * 60 * 1000 });
		const waiting = await startCompleting([old.draftId]);
		const delivery = await resumeFromCallback(waiting, await callbackFor(requestIdsOf(waiting.result)[0]));

		expect(delivery.run?.status).toBe('error');
		expect(delivery.run?.data.resultData.error?.message).toBe(`Draft ID: draft "${old.draftId}" has expired [item 0]`);
	});
});
