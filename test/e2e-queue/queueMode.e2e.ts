/**
 * The package in n8n's queue mode: PostgreSQL, Redis, one main (editor/REST, production
 * webhooks off), two workers, one webhook processor, the fake fal. Every workflow starts from a
 * production webhook on the webhook processor; executions run on the workers; the main shows them.
 * One stack for all tests (it takes about a minute to boot); the faults come last.
 * On either n8n line (SEEDANCE_N8N_LINE). On 1.x the node refuses Submit and Wait for Webhook before
 * it submits anything (test/e2e/n8n1Limits.e2e.ts), so the tests of that mode run on 2.x only.
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

import { n8nMajor, outputOf, type Execution, type WorkflowJson } from '../e2e/n8nInstance';
import type { RestClient } from '../e2e/restClient';
import { postPrompts, SEEDANCE_NODE, waitForWebhookWorkflow } from '../e2e/waitForWebhookWorkflow';
import { createQueueStack, importInto, restClient, until, workerRuns, type QueueStack } from './queueStack';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { startFakeFal } = require('../fake-fal');

const SAMPLE_VIDEO = fs.readFileSync(path.join(__dirname, '..', 'fake-fal', 'fixtures', 'sample.mp4'));
const API_KEY = 'queue-e2e-key';
const CREDENTIAL = { id: 'queueE2eFal00001', name: 'Fal (fake, queue e2e)' };
const COMPLETION = { id: 'queueE2eWaitDone1', path: 'queue-wait-done' };
const WEBHOOK = { id: 'queueE2eWaitHook1', path: 'queue-wait-hook' };
const TRIGGER = { id: 'queueE2eTrigger01', webhookId: 'queue-e2e-trigger' };
const JOB_MS = 3000;
const ENDPOINT = 'bytedance/seedance-2.0/fast/image-to-video';
/** Submit and Wait for Webhook needs n8n 2.x: n8n 1.x is refused it (README, "n8n versions"). */
const WEBHOOK_MODE = n8nMajor() >= 2;
const itWithWebhookMode = WEBHOOK_MODE ? it : it.skip;

function workflowInMode(mode: 'waitForCompletion' | 'waitForWebhook', { id, path: webhookPath }: { id: string; path: string }, jwksUrl: string): WorkflowJson {
	const workflow = waitForWebhookWorkflow({ id, name: `Seedance queue e2e (${mode})`, webhookPath, credential: CREDENTIAL, imageUrl: 'https://images.example.com/cat.jpg', jwksUrl });
	for (const node of workflow.nodes) if (node.name === SEEDANCE_NODE) node.parameters.mode = mode;
	return workflow;
}

function triggerWorkflow(jwksUrl: string): WorkflowJson {
	return {
		id: TRIGGER.id,
		name: 'Seedance Trigger queue e2e',
		active: false,
		settings: { executionOrder: 'v1' },
		nodes: [
			{ id: 'qt1', name: 'Seedance Trigger', type: 'n8n-nodes-seedance.seedanceTrigger', typeVersion: 1, position: [0, 0], webhookId: TRIGGER.webhookId, credentials: { falApi: CREDENTIAL }, parameters: { options: { jwksUrl } } },
			// Reads the video's bytes on the worker: they were stored by the webhook processor.
			{
				id: 'qt2',
				name: 'Hash the video',
				type: 'n8n-nodes-base.crypto',
				typeVersion: 2,
				position: [220, 0],
				parameters: { action: 'hash', type: 'SHA256', binaryData: true, binaryPropertyName: 'data', dataPropertyName: 'sha256', encoding: 'hex' },
			},
		],
		connections: { 'Seedance Trigger': { main: [[{ node: 'Hash the video', type: 'main', index: 0 }]] } },
	};
}

interface FakeJob {
	requestId: string;
	input: { prompt: string };
	cancelled: boolean;
	status: string;
	webhookUrl?: string;
}

describe('queue mode: main + 2 workers + webhook processor, PostgreSQL, Redis', () => {
	let fake: Awaited<ReturnType<typeof startFakeFal>>;
	let stack: QueueStack;
	let rest: RestClient;
	let webhookBase: string;

	beforeAll(async () => {
		fake = await startFakeFal({
			apiKey: API_KEY,
			queueMs: 50,
			jobMs: JOB_MS,
			webhookRetries: 8,
			webhookRetryMs: 250,
			behaviour: (input: { prompt: string }) => {
				if (input.prompt.startsWith('instant')) return { queueMs: 0, jobMs: 0 };
				if (input.prompt.startsWith('slow')) return { jobMs: 15000 };
				if (input.prompt.startsWith('endless')) return { neverFinish: true };
				return undefined;
			},
		});
		stack = createQueueStack({
			// Find a killed worker's executions within seconds instead of n8n's defaults (lock 60 s,
			// stalled check 30 s, dangling-execution recovery every 180 min).
			QUEUE_WORKER_LOCK_DURATION: '10000',
			QUEUE_WORKER_LOCK_RENEW_TIME: '2000',
			QUEUE_WORKER_STALLED_INTERVAL: '5000',
			N8N_EXECUTIONS_QUEUE_RECOVERY_INTERVAL: '0.25',
		});
		await stack.start({
			importData: (s) =>
				importInto(s, [{ ...CREDENTIAL, apiKey: API_KEY, apiHost: fake.url }], [
					workflowInMode('waitForCompletion', COMPLETION, fake.jwksUrl),
					workflowInMode('waitForWebhook', WEBHOOK, fake.jwksUrl),
					triggerWorkflow(fake.jwksUrl),
				]),
		});
		webhookBase = stack.webhookUrl.replace(/\/$/, '');
		rest = await restClient(stack);
		for (const id of [COMPLETION.id, WEBHOOK.id, TRIGGER.id]) await rest.publishWorkflow(id);
	});

	afterAll(async () => {
		await stack?.stop();
		if (!process.env.SEEDANCE_E2E_KEEP) stack?.remove();
		else process.stderr.write(`[queue e2e] stack kept in ${stack?.dir}\n`);
		await fake?.close();
	});

	async function startExecutions(webhookPath: string, promptsPerExecution: string[][]): Promise<void> {
		const answers = await Promise.all(promptsPerExecution.map((prompts) => postPrompts(webhookBase, webhookPath, prompts)));
		for (const answer of answers) if (answer.status !== 200) throw new Error(`starting an execution: HTTP ${answer.status} ${await answer.text()}`);
	}

	async function finished(workflowId: string, count: number, timeoutMs = 120000): Promise<Array<{ id: string; status: string; execution: Execution }>> {
		const summaries = await rest.waitForExecutions(workflowId, count, timeoutMs);
		return Promise.all(
			summaries.slice(0, count).map(async (summary) => ({ id: summary.id, status: summary.status, execution: { data: await rest.executionData(summary.id) } as Execution })),
		);
	}

	it('Wait for Completion: a batch of executions spreads over both workers and each video is binary data the main serves', async () => {
		// 12 executions at once: more than one worker's default concurrency (10), so both must take some.
		const prompts = Array.from({ length: 12 }, (_, index) => [`batch ${index}`]);
		await startExecutions(COMPLETION.path, prompts);
		const executions = await finished(COMPLETION.id, 12);

		expect(executions.map((execution) => execution.status)).toEqual(Array(12).fill('success'));
		const ranOn = new Map(workerRuns(stack).map((run) => [run.executionId, run.worker]));
		const workers = new Set(executions.map((execution) => ranOn.get(execution.id)));
		expect([...workers].sort()).toEqual(['worker1', 'worker2']);
		for (const { execution } of executions) {
			const [item] = outputOf(execution, SEEDANCE_NODE);
			expect(item.json).toMatchObject({ status: 'COMPLETED' });
			const binary = item.binary?.data;
			// Written by a worker into the shared database, read back through the main's REST API.
			expect(binary?.id).toMatch(/^database:/);
			expect(await rest.binaryBytes(binary as never)).toEqual(SAMPLE_VIDEO);
		}
		const prompts12 = executions.map(({ execution }) => (outputOf(execution, SEEDANCE_NODE)[0].json.parameters as { prompt: string }).prompt);
		expect(prompts12.sort()).toEqual(prompts.map(([prompt]) => prompt).sort());
	});

	itWithWebhookMode("Submit and Wait for Webhook: fal's signed callbacks reach the webhook processor and a worker finishes the execution with the videos", async () => {
		fake.webhooks.length = 0;
		await startExecutions(WEBHOOK.path, [['a cat waves', 'a dog runs']]);
		const [{ id, status, execution }] = await finished(WEBHOOK.id, 1);

		expect(status).toBe('success');
		const output = outputOf(execution, SEEDANCE_NODE);
		expect(output.map((item) => (item.json.parameters as { prompt: string }).prompt)).toEqual(['a cat waves', 'a dog runs']);
		for (const item of output) {
			expect(item.binary?.data.id).toMatch(/^database:/);
			expect(await rest.binaryBytes(item.binary?.data as never)).toEqual(SAMPLE_VIDEO);
		}
		// fal called the webhook processor's resume URL (WEBHOOK_URL), never the main.
		const delivered = fake.webhooks.filter((record: { responseStatus?: number }) => record.responseStatus === 200);
		const resumeUrls = delivered.map((record: { url: string }) => record.url.split('?')[0]);
		expect(resumeUrls).toEqual([`${stack.webhookUrl}webhook-waiting/${id}`, `${stack.webhookUrl}webhook-waiting/${id}`]);
		// A worker started the execution, and a worker ran it again when the callback resumed it.
		expect(workerRuns(stack).filter((run) => run.executionId === id).length).toBeGreaterThanOrEqual(2);
	});

	it('Seedance Trigger: a published trigger workflow runs from a signed fal webhook received by the webhook processor', async () => {
		const productionUrl = `${stack.webhookUrl}webhook/${TRIGGER.webhookId}/seedance`;
		const submit = await fetch(`${fake.url}/${ENDPOINT}?fal_webhook=${encodeURIComponent(productionUrl)}`, {
			method: 'POST',
			headers: { authorization: `Key ${API_KEY}`, 'content-type': 'application/json' },
			body: JSON.stringify({ prompt: 'instant: a trigger cat', image_url: 'https://example.com/cat.jpg' }),
		});
		const { request_id: requestId } = (await submit.json()) as { request_id: string };
		const [{ id, status, execution }] = await finished(TRIGGER.id, 1);

		expect(status).toBe('success');
		const [item] = outputOf(execution, 'Seedance Trigger');
		expect(item.json).toMatchObject({ requestId, status: 'OK' });
		expect(item.binary?.data).toMatchObject({ mimeType: 'video/mp4', id: expect.stringMatching(/^database:/) });
		// n8n 2.41 stores binary data that a webhook receives before its execution exists under the
		// "temp" source and never re-assigns it in database mode (restore-binary-data-id.js only
		// handles filesystem paths), so the main's binary-data endpoint refuses to show it (README,
		// "Running at scale"). The bytes are there: the next node hashed them on a worker.
		const [hashed] = outputOf(execution, 'Hash the video');
		expect(hashed.json.sha256).toBe(crypto.createHash('sha256').update(SAMPLE_VIDEO).digest('hex'));
		expect(fake.webhooks.filter((record: { requestId: string }) => record.requestId === requestId).map((record: { url: string; responseStatus?: number }) => [record.url, record.responseStatus])).toEqual([[productionUrl, 200]]);
		expect(workerRuns(stack).map((run) => run.executionId)).toContain(id);
	});

	itWithWebhookMode("a callback that arrives before the execution is saved as waiting gets 409 from the webhook processor, and fal's retry resumes it", async () => {
		const before = (await rest.executions(WEBHOOK.id)).length;
		fake.webhooks.length = 0;
		// fal's answer to the submit is held until a signed callback has been answered: the worker
		// cannot have saved the execution as waiting yet, so the callback is certainly early.
		const early = new Promise<number>((resolve) => {
			fake.holdSubmitAnswer = (job: { requestId: string; webhookUrl: string }) => {
				fake.holdSubmitAnswer = undefined;
				const payload = { request_id: job.requestId, gateway_request_id: job.requestId, status: 'OK', payload: { video: { url: `${fake.url}/files/${job.requestId}.mp4` } } };
				return fake.sendWebhook(job.webhookUrl, payload).then((answer: { status: number }) => resolve(answer.status));
			};
		});
		await startExecutions(WEBHOOK.path, [['instant: a bird sings']]);
		const [{ status, execution }] = await finished(WEBHOOK.id, before + 1);

		expect(await early).toBe(409);
		expect(status).toBe('success');
		expect(outputOf(execution, SEEDANCE_NODE)[0].json).toMatchObject({ status: 'COMPLETED' });
		const attempts = fake.webhooks.map((record: { responseStatus?: number }) => record.responseStatus);
		process.stderr.write(`[queue e2e] fal's own callback answers: ${JSON.stringify(attempts)}\n`);
		expect(attempts.at(-1)).toBe(200);
	});

	it(`Redis restarted mid-batch: no video is submitted to fal twice; ${WEBHOOK_MODE ? 'running executions finish and the queued ones run after the restart' : 'n8n 1.x marks some executions crashed'}`, async () => {
		const before = (await rest.executions(COMPLETION.id)).length;
		const started = workerRuns(stack).length;
		// 24 executions: 20 run at once on the two workers, 4 wait in Redis' queue.
		await startExecutions(COMPLETION.path, Array.from({ length: 24 }, (_, index) => [`redis ${index}`]));
		await until('20 executions running', () => (workerRuns(stack).length - started >= 20 ? true : undefined));
		await stack.restartRedis({ keepData: true, downMs: 2000 });
		const executions = await finished(COMPLETION.id, before + 24, 180000);

		const statuses = executions.slice(0, 24).map((execution) => execution.status);
		const submitted = ([...fake.jobs.values()] as FakeJob[]).map((job) => job.input.prompt).filter((prompt) => prompt.startsWith('redis '));
		process.stderr.write(`[queue e2e] after the Redis restart: ${JSON.stringify(statuses)}; ${submitted.length} fal submits\n`);
		expect(new Set(submitted).size).toBe(submitted.length);
		if (n8nMajor() >= 2) {
			expect(statuses).toEqual(Array(24).fill('success'));
			expect(submitted).toHaveLength(24);
		} else {
			// n8n 1.123.81 ends some of them crashed (0 to 4 of the 24 in five runs, some after their
			// video was submitted), the others succeed (README, "n8n versions").
			expect(statuses.filter((status) => status !== 'success' && status !== 'crashed')).toEqual([]);
		}
	});

	it(`a worker killed while its execution waits on fal: Wait for Completion ends failed with its fal job still running${WEBHOOK_MODE ? ', Submit and Wait for Webhook finishes on the other worker' : ''}`, async () => {
		const beforeCompletion = (await rest.executions(COMPLETION.id)).length;
		const beforeWebhook = (await rest.executions(WEBHOOK.id)).length;
		const seen = new Set(workerRuns(stack).map((run) => run.executionId));
		await startExecutions(COMPLETION.path, [['endless: the worker dies']]);
		if (WEBHOOK_MODE) await startExecutions(WEBHOOK.path, [['slow: the worker dies']]);
		const jobs = await until('the fal jobs submitted', () => {
			const list = [...fake.jobs.values()] as FakeJob[];
			const completion = list.find((job) => job.input.prompt === 'endless: the worker dies');
			const webhook = list.find((job) => job.input.prompt === 'slow: the worker dies');
			return completion && (webhook || !WEBHOOK_MODE) ? { completion, webhook } : undefined;
		});
		// The execution that waits on fal in the worker (Wait for Completion) and the one that waits in
		// the database (Submit and Wait for Webhook): kill the worker holding the first.
		const runs = await until('the executions on a worker', () => {
			const recent = workerRuns(stack).filter((run) => !seen.has(run.executionId));
			return recent.length >= (WEBHOOK_MODE ? 2 : 1) ? recent : undefined;
		});
		if (WEBHOOK_MODE) {
			await until('the webhook-mode execution saved as waiting', async () => ((await rest.executions(WEBHOOK.id))[0].status === 'waiting' ? true : undefined));
		}
		const completionExecution = (await rest.executions(COMPLETION.id))[0];
		const victim = runs.find((run) => run.executionId === completionExecution.id)?.worker;
		expect(victim).toBeDefined();
		await stack.killWorker(victim as string, 'SIGKILL');

		// n8n: the job's lock expires, Bull fails the stalled job (or the main's queue recovery finds the
		// dangling execution). Nothing in n8n tells fal: the job is still running there.
		const crashed = await until(
			'the killed execution to end',
			async () => {
				const [latest] = await rest.executions(COMPLETION.id);
				return ['new', 'running', 'waiting'].includes(latest.status) ? undefined : latest;
			},
			120000,
		);
		const error = (await rest.executionData(crashed.id)).resultData.error;
		process.stderr.write(`[queue e2e] Wait for Completion execution on the killed worker ended as "${crashed.status}": ${error?.message}\n`);
		expect(crashed.id).toBe(completionExecution.id);
		// "error" when the main sees Bull fail the stalled job first, "crashed" when its queue recovery
		// finds the execution first; either way it is over and is not retried (maxStalledCount 0).
		expect(['error', 'crashed']).toContain(crashed.status);
		expect(fake.jobs.get(jobs.completion.requestId)?.cancelled).toBe(false);
		// Not run again on the other worker, which would submit the video to fal a second time
		// (n8n 1.x's default, QUEUE_WORKER_MAX_STALLED_COUNT=1; the stack sets 0).
		expect(([...fake.jobs.values()] as FakeJob[]).filter((job) => job.input.prompt === 'endless: the worker dies')).toHaveLength(1);
		expect(workerRuns(stack).filter((run) => run.executionId === crashed.id)).toHaveLength(1);
		// …but not silently: the killed worker's log names the fal request and the execution.
		expect(stack.log(victim as string)).toContain(`Seedance: submitted fal request ${jobs.completion.requestId} for item 0 of execution ${crashed.id}`);
		expect((await rest.executions(COMPLETION.id)).length).toBe(beforeCompletion + 1);
		if (!WEBHOOK_MODE) return;

		// The webhook-mode execution held no worker while fal generated: the callback resumes it on
		// the surviving worker.
		const [resumed] = await finished(WEBHOOK.id, beforeWebhook + 1, 120000);
		expect(resumed.status).toBe('success');
		expect(outputOf(resumed.execution, SEEDANCE_NODE)[0].json).toMatchObject({ requestId: jobs.webhook?.requestId, status: 'COMPLETED' });
	});
});
