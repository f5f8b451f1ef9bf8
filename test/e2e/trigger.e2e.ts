/**
 * The Seedance Trigger in a real `n8n start`: the workflow is published through n8n's REST API (what
 * the editor's Publish button does), fal's signed webhook at the production URL
 * `/webhook/<webhookId>/seedance` runs it with the video as binary, and forged or unsigned calls are
 * refused with 401 before anything runs. Ownership: a correctly signed webhook for another fal
 * account's job is refused (403) after looking it up with the trigger's own key; a redelivery with a
 * fresh signature runs nothing (static data saved by n8n between calls), also after n8n restarts; a
 * result naming a host other than fal's is not downloaded. Each item carries the cost estimated from its video (issue 18).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import { N8nInstance, login, type WorkflowJson } from './n8nInstance';
import { RestClient } from './restClient';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { startFakeFal } = require('../fake-fal');

const SAMPLE_VIDEO = fs.readFileSync(path.join(__dirname, '..', 'fake-fal', 'fixtures', 'sample.mp4'));
const API_KEY = 'trigger-e2e-key';
const ATTACKER_KEY = 'someone-elses-key';
const CREDENTIAL = { id: 'triggerE2eFal1', name: 'Fal (fake)' };
const WEBHOOK_ID = 'seedance-e2e-trigger';
// n8n's own workflow ids have 16 characters; n8n 1.x saves static data only for ids of at most 16
// (n8n/dist/utils.js isWorkflowIdValid; 2.x: 21), and skips the save silently for longer ones.
const WORKFLOW_ID = 'e2eSeedanceTrig1';
const ENDPOINT = 'bytedance/seedance-2.0/fast/image-to-video';

function triggerWorkflow(jwksUrl: string): WorkflowJson {
	return {
		id: WORKFLOW_ID,
		name: 'Seedance Trigger e2e',
		active: false,
		settings: { executionOrder: 'v1' },
		nodes: [
			{
				id: 't1',
				name: 'Seedance Trigger',
				type: 'n8n-nodes-seedance.seedanceTrigger',
				typeVersion: 1,
				position: [0, 0],
				webhookId: WEBHOOK_ID,
				credentials: { falApi: CREDENTIAL },
				parameters: { options: { jwksUrl } },
			},
			// What a user's next node does with the video (an upload): reads its bytes, outputs JSON. A
			// node that passed the binary on would also trip n8n 1.x, which moves a webhook run's
			// binary files out of executions/temp once per node that shows them, racing itself.
			{
				id: 't2',
				name: 'Video arrived',
				type: 'n8n-nodes-base.code',
				typeVersion: 2,
				position: [220, 0],
				parameters: {
					jsCode: "const bytes = await this.helpers.getBinaryDataBuffer(0, 'data');\nreturn [{ json: { size: bytes.length, head: bytes.subarray(0, 64).toString('base64') } }];",
				},
			},
		],
		connections: { 'Seedance Trigger': { main: [[{ node: 'Video arrived', type: 'main', index: 0 }]] } },
	};
}

async function until<T>(probe: () => T | undefined, timeoutMs = 15000): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const value = probe();
		if (value !== undefined) return value;
		if (Date.now() > deadline) throw new Error(`nothing within ${timeoutMs / 1000} s`);
		await new Promise((resolve) => setTimeout(resolve, 50));
	}
}

describe('Seedance Trigger in n8n start (production webhook)', () => {
	let fake: Awaited<ReturnType<typeof startFakeFal>>;
	let n8n: N8nInstance;
	let rest: RestClient;
	let productionUrl: string;
	/** The webhook the fake sent for a real job, as fal would: kept to replay it signed wrongly. */
	let delivered: { body: { request_id: string }; headers: Record<string, string> };

	beforeAll(async () => {
		fake = await startFakeFal({
			apiKey: API_KEY,
			jobMs: 200,
			queueMs: 50,
			otherAccounts: { [ATTACKER_KEY]: 'someone-else' },
			behaviour: (input: { prompt: string }) =>
				input.prompt.includes('[elsewhere]') ? { output: { video: { url: 'http://169.254.169.254/latest/meta-data/video.mp4' }, seed: 5 } } : undefined,
		});
		n8n = N8nInstance.create('trigger');
		await n8n.importCredentials([{ ...CREDENTIAL, apiKey: API_KEY, apiHost: fake.url }]);
		await n8n.importWorkflows([triggerWorkflow(fake.jwksUrl)]);
		const baseUrl = await n8n.start();
		rest = new RestClient(baseUrl, await login(baseUrl));
		await rest.publishWorkflow(WORKFLOW_ID);
		productionUrl = `${baseUrl}/webhook/${WEBHOOK_ID}/seedance`;
	});

	afterAll(async () => {
		await n8n?.dispose();
		await fake?.close();
	});

	it('is published, so its production webhook is registered', async () => {
		const workflow = await rest.get<{ active: boolean; activeVersionId: string | null }>(`/rest/workflows/${WORKFLOW_ID}`);
		expect(workflow.active).toBe(true);
		expect(workflow.activeVersionId).toBeTruthy();
		expect(await rest.executionCount(WORKFLOW_ID)).toBe(0);
	});

	it('runs the workflow with the video as binary when fal delivers a signed webhook for a finished job', async () => {
		// A job on the fake, submitted with ?fal_webhook= like the node's Submit Only mode does.
		const deliveries: Array<{ requestId: string; responseStatus: number; status: string }> = [];
		fake.on('webhook-sent', (attempt: { requestId: string; responseStatus: number; status: string }) => deliveries.push(attempt));
		const submit = await fetch(`${fake.url}/${ENDPOINT}?fal_webhook=${encodeURIComponent(productionUrl)}`, {
			method: 'POST',
			headers: { authorization: `Key ${API_KEY}`, 'content-type': 'application/json' },
			body: JSON.stringify({ prompt: 'A cat blinks', image_url: 'https://example.com/cat.jpg' }),
		});
		expect(submit.status).toBe(200);
		const { request_id: requestId } = (await submit.json()) as { request_id: string };

		const delivery = await until(() => deliveries.find((attempt) => attempt.requestId === requestId));
		expect(delivery).toMatchObject({ status: 'OK', responseStatus: 200 });
		delivered = fake.webhooks.find((record: { requestId: string }) => record.requestId === requestId);

		const [execution] = await rest.waitForExecutions(WORKFLOW_ID, 1);
		expect(execution.status).toBe('success');
		expect(execution.mode).toBe('webhook');

		const runData = (await rest.executionData(execution.id)).resultData.runData;
		const [item] = runData['Seedance Trigger'][0].data!.main[0];
		expect(item.json).toMatchObject({ requestId, status: 'OK', video: { url: `${fake.url}/files/${requestId}.mp4`, content_type: 'video/mp4' } });
		expect(item.binary?.data).toMatchObject({ mimeType: 'video/mp4', fileName: 'output.mp4', fileExtension: 'mp4' });
		// The trigger downloaded the MP4 from fal's CDN into n8n's binary store.
		expect(fake.requests('download').map((entry: { path: string }) => entry.path)).toContain(`/files/${requestId}.mp4`);
		expect((await rest.binaryBytes(item.binary!.data)).equals(SAMPLE_VIDEO)).toBe(true);
		// The cost, measured from that video (3 s of 640×360: 480p, 28,822.5 tokens) at fal's price list:
		// fal names the app (Seedance 2.0), not the tier, so Mini ($0.007/1k) to Standard ($0.014/1k).
		expect(item.json).not.toHaveProperty('estimatedCostUsd');
		expect(item.json.cost).toMatchObject({
			minUsd: 0.2018,
			maxUsd: 0.4035,
			priceSource: 'fal',
			assumptions: [expect.stringContaining("fal's callback names Seedance 2.0 but not its tier")],
			basis: 'the output video: 3 s at 640×360, billed as 480p on Seedance 2.0; reference videos, if any, are not known here',
		});
		expect(fake.requests('pricing').at(-1)?.headers.authorization).toBe(`Key ${API_KEY}`);
		expect(runData['Video arrived'][0].data!.main[0].map((next) => next.json)).toEqual([
			{ size: SAMPLE_VIDEO.length, head: SAMPLE_VIDEO.subarray(0, 64).toString('base64') },
		]);
	});

	it.each([
		['a forged call (signed with a key that is not in the JWKS)', { forge: true }, 'bad-signature'],
		['an unsigned call (no X-Fal-Webhook-* headers)', { unsigned: true }, 'unsigned'],
		['a stale call (signed 10 minutes ago)', { staleSeconds: 600 }, 'stale'],
	])('answers 401 to %s and runs nothing', async (_label, options, reason) => {
		const before = await rest.executionCount(WORKFLOW_ID);
		// The very body fal delivered for the finished job, only the signature differs.
		const response = await fake.sendWebhook(productionUrl, delivered.body, options);
		expect(response.status).toBe(401);
		expect(response.body).toMatchObject({ error: reason });
		// Give a (wrongly) started execution time to show up before counting.
		await new Promise((resolve) => setTimeout(resolve, 1000));
		expect(await rest.executionCount(WORKFLOW_ID)).toBe(before);
	});

	it('acknowledges a replay of the delivered webhook (same signature) without running again', async () => {
		const before = await rest.executionCount(WORKFLOW_ID);
		const response = await fake.sendWebhook(productionUrl, delivered.body, { reuse: { headers: delivered.headers } });
		expect(response.status).toBe(200);
		expect(response.body).toMatchObject({ duplicate: true });
		await new Promise((resolve) => setTimeout(resolve, 1000));
		expect(await rest.executionCount(WORKFLOW_ID)).toBe(before);
	});

	/** Submits a job on the fake under `apiKey` with the trigger as webhook; resolves with fal's first delivery. */
	async function jobDeliveredToTrigger(prompt: string, apiKey = API_KEY, endpoint = ENDPOINT) {
		const submit = await fetch(`${fake.url}/${endpoint}?fal_webhook=${encodeURIComponent(productionUrl)}`, {
			method: 'POST',
			headers: { authorization: `Key ${apiKey}`, 'content-type': 'application/json' },
			body: JSON.stringify({ prompt, image_url: 'https://example.com/cat.jpg' }),
		});
		const { request_id: requestId } = (await submit.json()) as { request_id: string };
		const record = await until(() => fake.webhooks.find((entry: { requestId: string; responseStatus?: number }) => entry.requestId === requestId && entry.responseStatus !== undefined));
		return record as { requestId: string; responseStatus: number; body: { request_id: string }; headers: Record<string, string> };
	}

	it("refuses (403) a correctly signed webhook for another fal account's job, and runs nothing", async () => {
		const before = await rest.executionCount(WORKFLOW_ID);
		fake.log.length = 0;
		const delivery = await jobDeliveredToTrigger('A cat blinks', ATTACKER_KEY);

		expect(delivery.headers['x-fal-webhook-user-id']).toBe('someone-else');
		expect(delivery.responseStatus).toBe(403);
		// The trigger asked fal's queue with its own key, and fal did not know the request under it.
		expect(fake.requests('status').find((entry: { path: string }) => entry.path.includes(delivery.requestId))).toMatchObject({
			responseStatus: 404,
			headers: { authorization: `Key ${API_KEY}` },
		});
		expect(fake.requests('download')).toHaveLength(0);
		await new Promise((resolve) => setTimeout(resolve, 1000));
		expect(await rest.executionCount(WORKFLOW_ID)).toBe(before);
	});

	it('runs the workflow once when fal delivers the same job again with a fresh timestamp and signature', async () => {
		const before = await rest.executionCount(WORKFLOW_ID);
		const delivery = await jobDeliveredToTrigger('A dog wags');
		expect(delivery.responseStatus).toBe(200);
		await rest.waitForExecutions(WORKFLOW_ID, before + 1);

		const again = await fake.sendWebhook(productionUrl, delivery.body, { timestamp: Math.floor(Date.now() / 1000) + 1 });
		expect(again.sentHeaders['x-fal-webhook-signature']).not.toBe(delivery.headers['x-fal-webhook-signature']);
		expect(again.status).toBe(200);
		expect(again.body).toMatchObject({ duplicate: true });
		await new Promise((resolve) => setTimeout(resolve, 1000));
		expect(await rest.executionCount(WORKFLOW_ID)).toBe(before + 1);
	});

	it('does not download a video from a private address; the item names the refused host', async () => {
		const before = await rest.executionCount(WORKFLOW_ID);
		const delivery = await jobDeliveredToTrigger('A bird sings [elsewhere]');
		expect(delivery.responseStatus).toBe(200);
		const executions = await rest.waitForExecutions(WORKFLOW_ID, before + 1);
		const latest = executions.reduce((newest, execution) => (Number(execution.id) > Number(newest.id) ? execution : newest));
		const [item] = (await rest.executionData(latest.id)).resultData.runData['Seedance Trigger'][0].data!.main[0];

		expect(item.json).toMatchObject({ requestId: delivery.requestId, status: 'OK', seed: 5 });
		expect(item.json.downloadError).toBe(
			"Refused to download the video from 169.254.169.254: it is a private, loopback or link-local address; only the credential's API Host and hosts listed in Options → Allowed Download Hosts are fetched there",
		);
		expect(item.binary).toBeUndefined();
	});

	it("a Seedance 2.5 video (one tier) carries the exact estimate, at fal's price", async () => {
		const before = await rest.executionCount(WORKFLOW_ID);
		const delivery = await jobDeliveredToTrigger('A fox runs', API_KEY, 'bytedance/seedance-2.5/image-to-video');
		expect(delivery.responseStatus).toBe(200);
		const executions = await rest.waitForExecutions(WORKFLOW_ID, before + 1);
		const latest = executions.reduce((newest, execution) => (Number(execution.id) > Number(newest.id) ? execution : newest));
		const [item] = (await rest.executionData(latest.id)).resultData.runData['Seedance Trigger'][0].data!.main[0];

		// 28,822.5 tokens × $0.0214/1k.
		expect(item.json).toMatchObject({ requestId: delivery.requestId, status: 'OK', estimatedCostUsd: 0.6168 });
		expect(item.json.cost).toMatchObject({ estimatedUsd: 0.6168, tokens: 28823, usdPer1000Tokens: 0.0214, priceSource: 'fal', basis: expect.stringContaining('on Seedance 2.5') });
	});

	// Last: it restarts n8n (new port, new session).
	it('runs nothing when fal delivers a job again after n8n restarted: the delivered ids are in the static data n8n saved', async () => {
		const before = await rest.executionCount(WORKFLOW_ID);
		const delivery = await jobDeliveredToTrigger('A horse trots');
		expect(delivery.responseStatus).toBe(200);
		await rest.waitForExecutions(WORKFLOW_ID, before + 1);

		// A new process knows nothing of the old one's memory: only n8n's database remembers.
		await n8n.stop();
		const baseUrl = await n8n.start();
		rest = new RestClient(baseUrl, await login(baseUrl));
		productionUrl = `${baseUrl}/webhook/${WEBHOOK_ID}/seedance`;

		const again = await fake.sendWebhook(productionUrl, delivery.body, { timestamp: Math.floor(Date.now() / 1000) + 1 });
		expect(again.status).toBe(200);
		expect(again.body).toMatchObject({ duplicate: true });
		await new Promise((resolve) => setTimeout(resolve, 1000));
		expect(await rest.executionCount(WORKFLOW_ID)).toBe(before + 1);
	});
});
