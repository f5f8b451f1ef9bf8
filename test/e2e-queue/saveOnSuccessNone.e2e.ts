/**
 * Submit and Wait for Webhook in queue mode with EXECUTIONS_DATA_SAVE_ON_SUCCESS=none. n8n issues
 * #32509 and #29551 report that with this setting, queue mode deleted a waiting execution (so fal's
 * callback found no execution: 404, and the billed job's video was never fetched). n8n 2.41's
 * worker hooks keep an execution that has a waitTill (dist/execution-lifecycle/
 * execution-lifecycle-hooks.js, `!fullRunData.waitTill` in every delete path); this proves it end
 * to end: the callback resumes the execution, the node fetches the video, and only then does n8n
 * discard the successful execution as configured. Its own stack (the setting is per process).
 */
import { n8nMajor } from '../e2e/n8nInstance';
import { postPrompts, waitForWebhookWorkflow } from '../e2e/waitForWebhookWorkflow';
import { createQueueStack, importInto, restClient, until, type QueueStack } from './queueStack';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { startFakeFal } = require('../fake-fal');

const API_KEY = 'queue-e2e-key';
const CREDENTIAL = { id: 'queueE2eFalNone1', name: 'Fal (fake, save none)' };
const WEBHOOK = { id: 'queueE2eSaveNone', path: 'queue-save-none' };

interface WebhookRecord {
	requestId: string;
	url: string;
	responseStatus?: number;
}

interface LogEntry {
	kind: string;
	path: string;
}

// Submit and Wait for Webhook only: n8n 1.x is refused that mode (README, "n8n versions").
const describeOn2x = n8nMajor() >= 2 ? describe : describe.skip;

describeOn2x('queue mode with EXECUTIONS_DATA_SAVE_ON_SUCCESS=none', () => {
	let fake: Awaited<ReturnType<typeof startFakeFal>>;
	let stack: QueueStack;

	beforeAll(async () => {
		fake = await startFakeFal({ apiKey: API_KEY, queueMs: 50, jobMs: 3000, webhookRetries: 4, webhookRetryMs: 500 });
		stack = createQueueStack({ EXECUTIONS_DATA_SAVE_ON_SUCCESS: 'none' });
		const workflow = waitForWebhookWorkflow({ id: WEBHOOK.id, name: 'Seedance queue e2e (save none)', webhookPath: WEBHOOK.path, credential: CREDENTIAL, imageUrl: 'https://images.example.com/cat.jpg', jwksUrl: fake.jwksUrl });
		await stack.start({ importData: (s) => importInto(s, [{ ...CREDENTIAL, apiKey: API_KEY, apiHost: fake.url }], [workflow]) });
		await (await restClient(stack)).publishWorkflow(WEBHOOK.id);
	});

	afterAll(async () => {
		await stack?.stop();
		if (!process.env.SEEDANCE_E2E_KEEP) stack?.remove();
		await fake?.close();
	});

	it('the waiting execution is kept, so the callback resumes it and the node fetches the video', async () => {
		const answer = await postPrompts(stack.webhookUrl.replace(/\/$/, ''), WEBHOOK.path, ['a cat waves']);
		expect(answer.status).toBe(200);
		const [job] = await until('the job submitted', () => (fake.jobs.size > 0 ? [...fake.jobs.values()] : undefined), 60000);
		// While fal generates, the execution is in the database as waiting (not deleted as "successful").
		const waiting = await until('the execution saved as waiting', async () => {
			const rows = await stack.sql(`SELECT id, status FROM execution_entity WHERE "workflowId" = '${WEBHOOK.id}'`);
			return rows.some(([, status]) => status === 'waiting') ? rows : undefined;
		});
		expect(waiting.map(([, status]) => status)).toEqual(['waiting']);

		// fal's callback is answered 200 by the webhook processor (not 404), and the resumed node
		// downloads the video from fal on behalf of the execution.
		const delivered = await until('the callback answered', () => (fake.webhooks as WebhookRecord[]).find((record) => record.requestId === job.requestId && record.responseStatus !== undefined), 60000);
		expect(delivered).toMatchObject({ responseStatus: 200, url: expect.stringContaining(`webhook-waiting/${waiting[0][0]}`) });
		await until('the video fetched', () => ((fake.log as LogEntry[]).some((entry) => entry.kind === 'download') ? true : undefined), 60000);
		expect((fake.log as LogEntry[]).filter((entry) => entry.kind === 'result').length).toBeGreaterThanOrEqual(1);

		// Then n8n discards the successful execution, as the setting asks.
		expect(await until('the execution discarded after success', async () => ((await stack.sql(`SELECT id FROM execution_entity WHERE "workflowId" = '${WEBHOOK.id}' AND "deletedAt" IS NULL`)).length === 0 ? true : undefined), 60000)).toBe(true);
	});
});
