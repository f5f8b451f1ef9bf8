/**
 * Manual executions in queue mode, offloaded to workers (OFFLOAD_MANUAL_EXECUTIONS_TO_WORKERS=true,
 * which n8n 3.0 makes the only behaviour; its v3 rule `offload-manual-executions`). Each run is
 * started the way the editor's "Execute workflow" button starts it in n8n 2.41: POST
 * /rest/workflows/:id/run with `triggerToStartFrom` (dist/workflows/workflows.controller.js
 * `runManually`, body ManualRunDto). The main enqueues it (workflow-runner.js `shouldEnqueue`), a
 * worker runs the Seedance node, and the video reaches the main as binary data in the database.
 * Proof that the node ran on a worker, not the main: the worker's log has n8n's "Worker started
 * execution N" line and the node's own "submitted fal request … of execution N" line, the main's
 * log has neither.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import { NODE_TYPE, n8nMajor, outputOf, type Execution, type WorkflowJson } from '../e2e/n8nInstance';
import type { ExecutionSummary, RestClient } from '../e2e/restClient';
import { createQueueStack, importInto, restClient, until, workerRuns, type QueueStack } from './queueStack';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { startFakeFal } = require('../fake-fal');

const SAMPLE_VIDEO = fs.readFileSync(path.join(__dirname, '..', 'fake-fal', 'fixtures', 'sample.mp4'));
const API_KEY = 'queue-manual-key';
const CREDENTIAL = { id: 'queueManualFal001', name: 'Fal (fake, manual runs)' };
const TRIGGER = 'When clicking Execute workflow';
const SEEDANCE = 'Seedance';
const WORKFLOWS = { completion: 'queueManualWaitDone', webhook: 'queueManualWaitHook', stop: 'queueManualStopped' };

interface FakeJob {
	requestId: string;
	input: { prompt: string };
	cancelled: boolean;
}

/** Manual Trigger → Code (one item per prompt) → Seedance Image-to-Video in `mode`. */
function manualWorkflow(id: string, mode: 'waitForCompletion' | 'waitForWebhook', prompts: string[], jwksUrl: string): WorkflowJson {
	const items = prompts.map((prompt) => ({ json: { prompt } }));
	return {
		id,
		name: `Seedance manual run in queue mode (${id})`,
		active: false,
		settings: { executionOrder: 'v1' },
		nodes: [
			{ id: `${id}-1`, name: TRIGGER, type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
			{ id: `${id}-2`, name: 'Prompts', type: 'n8n-nodes-base.code', typeVersion: 2, position: [220, 0], parameters: { jsCode: `return ${JSON.stringify(items)};` } },
			{
				id: `${id}-3`,
				name: SEEDANCE,
				type: NODE_TYPE,
				typeVersion: 2,
				position: [440, 0],
				credentials: { falApi: CREDENTIAL },
				parameters: { operation: 'generate', mode, prompt: '={{ $json.prompt }}', imageSource: 'url', imageUrl: 'https://images.example.com/cat.jpg', duration: '5', options: { jwksUrl } },
			},
		],
		connections: {
			[TRIGGER]: { main: [[{ node: 'Prompts', type: 'main', index: 0 }]] },
			Prompts: { main: [[{ node: SEEDANCE, type: 'main', index: 0 }]] },
		},
	};
}

/** Submit and Wait for Webhook needs n8n 2.x: n8n 1.x is refused it (README, "n8n versions"). */
const itWithWebhookMode = n8nMajor() >= 2 ? it : it.skip;

describe('manual executions (as the editor starts them) in queue mode, offloaded to workers', () => {
	let fake: Awaited<ReturnType<typeof startFakeFal>>;
	let stack: QueueStack;
	let rest: RestClient;

	beforeAll(async () => {
		fake = await startFakeFal({
			apiKey: API_KEY,
			queueMs: 50,
			jobMs: 2000,
			webhookRetries: 8,
			webhookRetryMs: 250,
			behaviour: (input: { prompt: string }) => (input.prompt.startsWith('endless') ? { neverFinish: true } : undefined),
		});
		stack = createQueueStack();
		await stack.start({
			importData: (s) =>
				importInto(s, [{ ...CREDENTIAL, apiKey: API_KEY, apiHost: fake.url }], [
					manualWorkflow(WORKFLOWS.completion, 'waitForCompletion', ['a cat waves', 'a dog runs'], fake.jwksUrl),
					manualWorkflow(WORKFLOWS.webhook, 'waitForWebhook', ['a bird sings'], fake.jwksUrl),
					manualWorkflow(WORKFLOWS.stop, 'waitForCompletion', ['endless: stopped from the editor'], fake.jwksUrl),
				]),
		});
		rest = await restClient(stack);
	});

	afterAll(async () => {
		await stack?.stop();
		if (!process.env.SEEDANCE_E2E_KEEP) stack?.remove();
		else process.stderr.write(`[queue e2e] stack kept in ${stack?.dir}\n`);
		await fake?.close();
	});

	/**
	 * The editor's "Execute workflow": a full run from the manual trigger. Resolves with the execution
	 * id. n8n 1.x's editor sends the whole workflow along (its runManually reads body.workflowData).
	 */
	async function runManually(workflowId: string): Promise<string> {
		const workflowData = n8nMajor() < 2 ? await rest.get(`/rest/workflows/${workflowId}`) : undefined;
		const answer = await rest.request<{ executionId?: string; waitingForWebhook?: boolean }>('POST', `/rest/workflows/${workflowId}/run`, { workflowData, triggerToStartFrom: { name: TRIGGER } });
		if (!answer.executionId) throw new Error(`POST /rest/workflows/${workflowId}/run started no execution: ${JSON.stringify(answer)}`);
		return answer.executionId;
	}

	async function finished(workflowId: string, executionId: string, timeoutMs = 120000): Promise<{ summary: ExecutionSummary; execution: Execution }> {
		const summaries = await rest.waitForExecutions(workflowId, 1, timeoutMs);
		const summary = summaries.find((candidate) => candidate.id === executionId);
		if (!summary) throw new Error(`execution ${executionId} is not among ${JSON.stringify(summaries)}`);
		return { summary, execution: { data: await rest.executionData(executionId) } as Execution };
	}

	/** Where the Seedance node ran execution `id`: the processes whose log shows it starting and submitting to fal. */
	function ranWhere(executionId: string): { started: string[]; submitted: string[] } {
		const submittedLine = new RegExp(`Seedance: submitted fal request \\S+ for item \\d+ of execution ${executionId}\\b`);
		const processes = ['main', 'webhook', ...stack.workerNames];
		return {
			started: workerRuns(stack).filter((run) => run.executionId === executionId).map((run) => run.worker),
			submitted: processes.filter((name) => submittedLine.test(stack.log(name))),
		};
	}

	it('Wait for Completion: a worker runs it and both videos arrive as binary data the main serves', async () => {
		const executionId = await runManually(WORKFLOWS.completion);
		const { summary, execution } = await finished(WORKFLOWS.completion, executionId);

		expect(summary).toMatchObject({ mode: 'manual', status: 'success' });
		const output = outputOf(execution, SEEDANCE);
		expect(output.map((item) => (item.json.parameters as { prompt: string }).prompt)).toEqual(['a cat waves', 'a dog runs']);
		for (const item of output) {
			expect(item.json).toMatchObject({ status: 'COMPLETED' });
			// Written by the worker into the shared database, read back through the main's REST API.
			expect(item.binary?.data).toMatchObject({ mimeType: 'video/mp4', id: expect.stringMatching(/^database:/) });
			expect(await rest.binaryBytes(item.binary?.data as never)).toEqual(SAMPLE_VIDEO);
		}
		const where = ranWhere(executionId);
		expect(where.started).toHaveLength(1);
		expect(where.submitted).toEqual(where.started);
		expect(stack.workerNames).toContain(where.started[0]);
	});

	itWithWebhookMode("Submit and Wait for Webhook: fal's callback reaches the webhook processor, a worker resumes the manual execution with the video", async () => {
		fake.webhooks.length = 0;
		const executionId = await runManually(WORKFLOWS.webhook);
		const { summary, execution } = await finished(WORKFLOWS.webhook, executionId);

		expect(summary).toMatchObject({ mode: 'manual', status: 'success' });
		const [item] = outputOf(execution, SEEDANCE);
		expect(item.json).toMatchObject({ status: 'COMPLETED' });
		expect(item.binary?.data.id).toMatch(/^database:/);
		expect(await rest.binaryBytes(item.binary?.data as never)).toEqual(SAMPLE_VIDEO);
		// The resume URL the node gave fal is the webhook processor's (WEBHOOK_URL), not the main's.
		const delivered = (fake.webhooks as Array<{ url: string; responseStatus?: number }>).filter((record) => record.responseStatus === 200);
		expect(delivered.map((record) => record.url.split('?')[0])).toEqual([`${stack.webhookUrl}webhook-waiting/${executionId}`]);
		// A worker submitted to fal, and a worker (the same or the other) ran it again when fal called back.
		const where = ranWhere(executionId);
		expect(where.started.length).toBeGreaterThanOrEqual(2);
		expect(where.submitted).toHaveLength(1);
		expect(stack.workerNames).toContain(where.submitted[0]);
	});

	it("Stop (the editor's Stop button) reaches the worker: the node cancels its fal job", async () => {
		const executionId = await runManually(WORKFLOWS.stop);
		const job = await until('the fal job submitted', () => ([...fake.jobs.values()] as FakeJob[]).find((candidate) => candidate.input.prompt.startsWith('endless')));
		await rest.request('POST', `/rest/executions/${executionId}/stop`, {});
		await until('the fal job cancelled', () => (fake.jobs.get(job.requestId)?.cancelled ? true : undefined));

		const [summary] = await rest.waitForExecutions(WORKFLOWS.stop, 1, 60000);
		expect(summary).toMatchObject({ id: executionId, mode: 'manual', status: 'canceled' });
		expect(ranWhere(executionId).submitted).toEqual(ranWhere(executionId).started);
	});
});
