/**
 * Generate Video → "Submit and Wait for Webhook" in a real `n8n start`: a Webhook trigger starts the
 * workflow, the Seedance node submits to the fake fal with `fal_webhook` = n8n's real resume URL and
 * the execution waits; the fake's callbacks resume it through n8n's `/webhook-waiting/` route.
 * n8n's WEBHOOK_URL points at a small recording proxy in front of n8n, so the test sees every call
 * fal makes and what n8n answered (e.g. 409 for a callback that beats the "waiting" save).
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';

import { N8nInstance, login, n8nMajor, outputOf, type Execution } from './n8nInstance';
import { RestClient } from './restClient';
import { postPrompts, SEEDANCE_NODE, waitForWebhookWorkflow } from './waitForWebhookWorkflow';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { startFakeFal } = require('../fake-fal');

const SAMPLE_VIDEO = fs.readFileSync(path.join(__dirname, '..', 'fake-fal', 'fixtures', 'sample.mp4'));
const API_KEY = 'wait-webhook-e2e-key';
const WORKFLOW_ID = 'e2eSeedanceWaitHook1';
const WEBHOOK_PATH = 'seedance-wait-e2e';
const CREDENTIAL = { id: 'waitE2eFal1', name: 'Fal (fake)' };
const JOB_MS = 1500;

/** The other nodes of the family wait and resume through the same shared code. */
const FAMILY = {
	'text-to-video': { id: 'e2eTextWaitHook1', path: 'seedance-text-wait-e2e', node: { type: 'n8n-nodes-seedance.seedanceTextToVideo', parameters: { duration: '4' } } },
	'reference-to-video': {
		id: 'e2eReferenceWaitHook1',
		path: 'seedance-reference-wait-e2e',
		node: { type: 'n8n-nodes-seedance.seedanceReferenceToVideo', parameters: { referenceImageSource: 'url', referenceImageUrls: 'https://images.example.com/bottle.png' } },
	},
};

/** Complete Draft waits the same way: each posted "prompt" is the ID of a Seedance 2.5 draft to render at 1080p. */
const COMPLETE_DRAFT = {
	id: 'e2eCompleteDraftWaitHook1',
	path: 'seedance-complete-draft-wait-e2e',
	node: { type: 'n8n-nodes-seedance.seedanceTextToVideo', parameters: { operation: 'completeDraft', draftId: '={{ $json.prompt }}' } },
};

interface ProxiedCall {
	time: number;
	method: string;
	path: string;
	status: number;
}

/** While set, callbacks to /webhook-waiting/ are held until `count` have arrived, then all forwarded at once. */
interface CallbackGate {
	count: number;
	held: Array<() => void>;
}

/** Forwards everything to n8n (once its port is known) and records each answer. */
async function startRecordingProxy(): Promise<{ url: string; calls: ProxiedCall[]; target: { port: number }; gate: { current?: CallbackGate }; close(): Promise<void> }> {
	const calls: ProxiedCall[] = [];
	const target = { port: 0 };
	const gate: { current?: CallbackGate } = {};
	const server = http.createServer((req, res) => {
		const current = gate.current;
		if (current && req.method === 'POST' && req.url?.startsWith('/webhook-waiting/')) {
			current.held.push(() => forward(req, res));
			if (current.held.length >= current.count) {
				gate.current = undefined;
				for (const release of current.held) release();
			}
			return;
		}
		forward(req, res);
	});
	function forward(req: http.IncomingMessage, res: http.ServerResponse) {
		const upstream = http.request(
			{ host: '127.0.0.1', port: target.port, method: req.method, path: req.url, headers: req.headers },
			(answer) => {
				calls.push({ time: Date.now(), method: req.method ?? '', path: req.url ?? '', status: answer.statusCode ?? 0 });
				res.writeHead(answer.statusCode ?? 502, answer.headers);
				answer.pipe(res);
			},
		);
		upstream.on('error', () => {
			calls.push({ time: Date.now(), method: req.method ?? '', path: req.url ?? '', status: 502 });
			res.writeHead(502).end();
		});
		req.pipe(upstream);
	}
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	return {
		url: `http://127.0.0.1:${port}/`,
		calls,
		target,
		gate,
		close: async () => {
			server.closeAllConnections();
			await new Promise((resolve) => server.close(resolve));
		},
	};
}

// n8n 1.x cannot fail a waiting node at its time limit, so the node refuses this mode there
// (test/e2e/n8n1Limits.e2e.ts).
const describeOn2x = n8nMajor() >= 2 ? describe : describe.skip;

describeOn2x('Submit and Wait for Webhook in n8n start', () => {
	let fake: Awaited<ReturnType<typeof startFakeFal>>;
	let proxy: Awaited<ReturnType<typeof startRecordingProxy>>;
	let n8n: N8nInstance;
	let rest: RestClient;
	let baseUrl: string;

	beforeAll(async () => {
		fake = await startFakeFal({
			apiKey: API_KEY,
			queueMs: 50,
			jobMs: JOB_MS,
			webhookRetries: 6,
			webhookRetryMs: 250,
			// A Complete Draft request has no prompt.
			behaviour: (input: { prompt?: string }) => (input.prompt?.startsWith('instant') ? { queueMs: 0, jobMs: 0 } : undefined),
		});
		proxy = await startRecordingProxy();
		n8n = N8nInstance.create('wait-webhook', { WEBHOOK_URL: proxy.url });
		await n8n.importCredentials([{ id: 'waitE2eFal1', name: 'Fal (fake)', apiKey: API_KEY, apiHost: fake.url }]);
		await n8n.importWorkflows([
			waitForWebhookWorkflow({ id: WORKFLOW_ID, name: 'Seedance wait for webhook e2e', webhookPath: WEBHOOK_PATH, credential: CREDENTIAL, imageUrl: 'https://images.example.com/cat.jpg', jwksUrl: fake.jwksUrl }),
			...[...Object.values(FAMILY), COMPLETE_DRAFT].map(({ id, path: webhookPath, node }) =>
				waitForWebhookWorkflow({ id, name: id, webhookPath, credential: CREDENTIAL, imageUrl: '', jwksUrl: fake.jwksUrl, node }),
			),
		]);
		baseUrl = await n8n.start();
		proxy.target.port = Number(new URL(baseUrl).port);
		rest = new RestClient(baseUrl, await login(baseUrl));
		await rest.publishWorkflow(WORKFLOW_ID);
		for (const { id } of [...Object.values(FAMILY), COMPLETE_DRAFT]) await rest.publishWorkflow(id);
	});

	afterAll(async () => {
		await n8n?.dispose();
		await proxy?.close();
		await fake?.close();
	});

	async function run(prompts: string[], workflowId = WORKFLOW_ID, webhookPath = WEBHOOK_PATH): Promise<{ execution: Execution; executionId: string }> {
		const before = await rest.executionCount(workflowId);
		const started = await postPrompts(baseUrl, webhookPath, prompts);
		if (started.status !== 200) throw new Error(`starting the workflow: HTTP ${started.status} ${await started.text()}`);
		const [latest] = await rest.waitForExecutions(workflowId, before + 1, 60000);
		return { execution: { ...latest, data: await rest.executionData(latest.id) } as Execution, executionId: latest.id };
	}

	it('waits without polling, resumes on the last callback, and outputs the videos in input order with pairedItem', async () => {
		fake.log.length = 0;
		const { execution, executionId } = await run(['a cat waves', 'a dog runs']);

		expect(execution.data.resultData.error).toBeUndefined();
		const output = outputOf(execution, SEEDANCE_NODE);
		expect(output.map((item) => item.json.parameters)).toEqual([expect.objectContaining({ prompt: 'a cat waves' }), expect.objectContaining({ prompt: 'a dog runs' })]);
		expect(output.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		for (const item of output) expect(await rest.binaryBytes(item.binary?.data as never)).toEqual(SAMPLE_VIDEO);
		expect(outputOf(execution, 'Videos')).toHaveLength(2);

		// fal called n8n's real resume URL (through WEBHOOK_URL) once per request.
		const submits = fake.requests('submit');
		expect(submits.map((entry: { query: Record<string, string> }) => new URL(entry.query.fal_webhook).pathname)).toEqual([
			`/webhook-waiting/${executionId}`,
			`/webhook-waiting/${executionId}`,
		]);
		// No status polling while waiting: the only status calls are the callbacks' checks.
		const statusCalls = fake.requests('status');
		const firstCallback = Math.min(...fake.webhooks.map((record: { time: number }) => record.time));
		expect(statusCalls.every((entry: { time: number }) => entry.time >= firstCallback)).toBe(true);

		// Delay from fal's last callback to the node's output (the resumed task's end).
		const lastCallback = Math.max(...fake.webhooks.filter((record: { responseStatus?: number }) => record.responseStatus === 200).map((record: { time: number }) => record.time));
		const task = (execution.data.resultData.runData[SEEDANCE_NODE] as unknown as Array<{ startTime: number; executionTime: number }>)[0];
		const delayMs = task.startTime + task.executionTime - lastCallback;
		process.stderr.write(`[e2e wait-for-webhook] last callback → node output: ${delayMs} ms (callbacks: ${JSON.stringify(proxy.calls.map((call) => call.status))})\n`);
		expect(delayMs).toBeLessThan(5000);
	});

	it("refuses a forged or unsigned callback with 401 and keeps waiting; fal's signed one resumes it", async () => {
		const refused: Array<{ kind: string; status: number; body: unknown }> = [];
		// While the job generates, post made-up callbacks to the execution's real resume URL. Until n8n
		// has saved the execution as waiting it answers 409 before the node runs: send again.
		fake.once('submitted', (job: { requestId: string; webhookUrl: string }) => {
			const payload = { request_id: job.requestId, gateway_request_id: job.requestId, status: 'OK', payload: { video: { url: 'https://evil.example.com/x.mp4' } } };
			void (async () => {
				for (const [kind, options] of [['forged', { forge: true }], ['unsigned', { unsigned: true }]] as const) {
					for (let attempt = 0; attempt < 40; attempt++) {
						const answer = await fake.sendWebhook(job.webhookUrl, payload, options);
						if (answer.status !== 409) {
							refused.push({ kind, status: answer.status, body: answer.body });
							break;
						}
						await new Promise((resolve) => setTimeout(resolve, 50));
					}
				}
			})();
		});
		const { execution } = await run(['a cat waves']);

		expect(refused).toEqual([
			{ kind: 'forged', status: 401, body: expect.objectContaining({ error: 'bad-signature' }) },
			{ kind: 'unsigned', status: 401, body: expect.objectContaining({ error: 'unsigned' }) },
		]);
		expect(execution.data.resultData.error).toBeUndefined();
		expect(outputOf(execution, SEEDANCE_NODE)[0].json).toMatchObject({ status: 'COMPLETED', video: { url: expect.stringContaining(fake.url) } });
	});

	it('a callback that arrives before the execution is saved as waiting gets 409, and fal\'s retry resumes it', async () => {
		fake.webhooks.length = 0;
		proxy.calls.length = 0;
		const { execution } = await run(['instant: a bird sings']);

		expect(execution.data.resultData.error).toBeUndefined();
		expect(outputOf(execution, SEEDANCE_NODE)[0].json).toMatchObject({ status: 'COMPLETED' });
		const attempts = fake.webhooks.map((record: { attempt: number; responseStatus?: number; time: number }) => ({ attempt: record.attempt, status: record.responseStatus, time: record.time }));
		process.stderr.write(`[e2e wait-for-webhook] instant job callback attempts: ${JSON.stringify(attempts)}\n`);
		expect(attempts.at(-1)?.status).toBe(200);
		expect(attempts.slice(0, -1).every((attempt: { status?: number }) => attempt.status === 409)).toBe(true);
	});

	it('two final callbacks that reach n8n at the same moment resume the execution once, each video downloaded once', async () => {
		fake.log.length = 0;
		proxy.calls.length = 0;
		const before = fake.webhooks.length;
		proxy.gate.current = { count: 2, held: [] };
		const { execution } = await run(['a cat waves together', 'a dog runs together']);
		// Let any second resume (the bug) show up before counting.
		await new Promise((resolve) => setTimeout(resolve, 1500));

		expect(execution.data.resultData.error).toBeUndefined();
		expect(outputOf(execution, SEEDANCE_NODE)).toHaveLength(2);
		expect(outputOf(execution, 'Videos')).toHaveLength(2);
		expect(fake.requests('result')).toHaveLength(2);
		expect(fake.requests('download')).toHaveLength(2);
		const firstAttempts = fake.webhooks.slice(before).filter((record: { attempt: number }) => record.attempt === 1);
		expect(firstAttempts).toHaveLength(2);
		// One resumed it; the other got 200 "already resumed" (ours) or 409 "running already" (n8n's).
		expect(firstAttempts.map((record: { responseStatus?: number }) => record.responseStatus).sort()).toEqual(expect.arrayContaining([200]));
		process.stderr.write(`[e2e wait-for-webhook] simultaneous final callbacks answered: ${JSON.stringify(firstAttempts.map((record: { responseStatus?: number }) => record.responseStatus))}\n`);
	});

	it.each(Object.entries(FAMILY))('%s waits for fal\'s callbacks and resumes with the videos, like Image-to-Video', async (kind, { id, path: webhookPath }) => {
		fake.log.length = 0;
		const { execution, executionId } = await run(['@Image1 turns slowly', '@Image1 tips over'], id, webhookPath);

		expect(execution.data.resultData.error).toBeUndefined();
		const output = outputOf(execution, SEEDANCE_NODE);
		expect(output.map((item) => item.json.endpoint)).toEqual([`bytedance/seedance-2.0/fast/${kind}`, `bytedance/seedance-2.0/fast/${kind}`]);
		expect(output.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		for (const item of output) expect(await rest.binaryBytes(item.binary?.data as never)).toEqual(SAMPLE_VIDEO);
		const submits = fake.requests('submit');
		expect(submits.map((entry: { path: string }) => entry.path)).toEqual([`/bytedance/seedance-2.0/fast/${kind}`, `/bytedance/seedance-2.0/fast/${kind}`]);
		expect(submits.map((entry: { query: Record<string, string> }) => new URL(entry.query.fal_webhook).pathname)).toEqual([
			`/webhook-waiting/${executionId}`,
			`/webhook-waiting/${executionId}`,
		]);
	});

	it('Complete Draft waits for fal\'s callbacks and resumes with each draft rendered at 1080p', async () => {
		fake.log.length = 0;
		const draftIds = ['draft-wait-e2e-1', 'draft-wait-e2e-2'];
		for (const draftId of draftIds) fake.drafts.create({ draftId, ownerKey: API_KEY });
		const { execution, executionId } = await run(draftIds, COMPLETE_DRAFT.id, COMPLETE_DRAFT.path);

		expect(execution.data.resultData.error).toBeUndefined();
		const output = outputOf(execution, SEEDANCE_NODE);
		expect(output.map((item) => [item.json.endpoint, item.json.completedDraftId, item.json.resolution])).toEqual(
			draftIds.map((draftId) => ['bytedance/seedance-2.5/draft/complete', draftId, '1080p']),
		);
		expect(output.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		for (const item of output) expect(await rest.binaryBytes(item.binary?.data as never)).toEqual(SAMPLE_VIDEO);
		const submits = fake.requests('submit');
		// Items are submitted concurrently: in no fixed order.
		const sent = submits.map((entry: { path: string; body: { draft_id?: string } }) => [entry.path, entry.body]).sort((a: unknown[], b: unknown[]) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
		expect(sent).toEqual(draftIds.map((draftId) => ['/bytedance/seedance-2.5/draft/complete', { draft_id: draftId }]));
		expect(submits.map((entry: { query: Record<string, string> }) => new URL(entry.query.fal_webhook).pathname)).toEqual([
			`/webhook-waiting/${executionId}`,
			`/webhook-waiting/${executionId}`,
		]);
	});
});
