/**
 * The draft example (examples/draft-approve-complete.json) in a real `n8n start`: three Seedance 2.5
 * drafts at 480p, n8n's own human-in-the-loop (a Wait node with a form) picks one, and only that
 * draft is rendered at 1080p by Complete Draft. The form is answered over HTTP, as a browser does.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import { publishExample } from './examples';
import { N8nInstance, outputOf, readExample, type Execution } from './n8nInstance';
import type { RestClient } from './restClient';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { startFakeFal } = require('../fake-fal');

const API_KEY = 'draft-e2e-key';
const SAMPLE_VIDEO = fs.readFileSync(path.join(__dirname, '..', 'fake-fal', 'fixtures', 'sample.mp4'));

interface FakeJobLike {
	endpoint: string;
	input: { draft?: boolean; draft_id?: string };
	renderedResolution?: string;
	outcome?: { body?: { draft_id?: string } };
}

describe('the draft example in n8n start (preview drafts, approve one, complete it at 1080p)', () => {
	const workflow = readExample('draft-approve-complete.json');
	const webhookNode = workflow.nodes.find((node) => node.type === 'n8n-nodes-base.webhook')!;
	let fake: Awaited<ReturnType<typeof startFakeFal>>;
	let n8n: N8nInstance;
	let rest: RestClient;

	beforeAll(async () => {
		fake = await startFakeFal({ apiKey: API_KEY, jobMs: 200, queueMs: 20 });
		n8n = N8nInstance.create('drafts');
		rest = await publishExample(n8n, workflow, { apiKey: API_KEY, apiHost: fake.url });
	});

	afterAll(async () => {
		await n8n?.dispose();
		await fake?.close();
	});

	async function waitingExecution(timeoutMs = 60000): Promise<string> {
		const deadline = Date.now() + timeoutMs;
		for (;;) {
			const [latest] = await rest.executions(workflow.id);
			if (latest?.status === 'waiting') return latest.id;
			if (latest && !['new', 'running'].includes(latest.status)) throw new Error(`the execution ended ${latest.status} before the approval form`);
			if (Date.now() > deadline) throw new Error('no execution reached the approval form');
			await new Promise((resolve) => setTimeout(resolve, 250));
		}
	}

	it('makes three 480p drafts, waits for the form, and completes only the approved take at 1080p', async () => {
		const started = await fetch(`${rest.baseUrl}/webhook/${String(webhookNode.parameters.path)}`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ idea: 'A kite rises over a windy beach' }),
		});
		expect(started.status).toBe(200);
		const executionId = await waitingExecution();

		const waitingData = { data: await rest.executionData(executionId) } as Execution;
		const drafts = outputOf(waitingData, 'Seedance drafts (480p)');
		expect(drafts).toHaveLength(3);
		const draftIds = drafts.map((item) => String(item.json.draftId));
		expect(new Set(draftIds).size).toBe(3);
		const draftJobs = [...fake.jobs.values()] as FakeJobLike[];
		expect(draftJobs.map((job) => [job.endpoint, job.input.draft, job.renderedResolution])).toEqual(
			Array.from({ length: 3 }, () => ['bytedance/seedance-2.5/text-to-video', true, '480p']),
		);

		// The link the workflow hands whoever approves: the Wait node's form.
		const [listed] = outputOf(waitingData, 'List the drafts');
		const formUrl = new URL(String(listed.json.approvalFormUrl));
		const form = `${rest.baseUrl}${formUrl.pathname}${formUrl.search}`;
		const page = await fetch(form);
		expect(page.status).toBe(200);
		const html = await page.text();
		expect(html).toContain('Which draft should be rendered at 1080p?');

		const answer = new FormData();
		answer.append('field-0', '2');
		expect((await fetch(form, { method: 'POST', body: answer })).status).toBe(200);

		const [execution] = await rest.waitForExecutions(workflow.id, 1, 60000);
		expect(execution.status).toBe('success');
		const finished = { data: await rest.executionData(execution.id) } as Execution;
		const [rendered] = outputOf(finished, 'Render at 1080p');
		expect(rendered.json).toMatchObject({ endpoint: 'bytedance/seedance-2.5/draft/complete', completedDraftId: draftIds[1], status: 'COMPLETED' });
		expect(rendered.binary?.data).toMatchObject({ mimeType: 'video/mp4', fileName: 'approved-take-2.mp4' });
		expect(await rest.binaryBytes(rendered.binary?.data as never)).toEqual(SAMPLE_VIDEO);

		const completions = ([...fake.jobs.values()] as FakeJobLike[]).filter((job) => job.endpoint === 'bytedance/seedance-2.5/draft/complete');
		expect(completions.map((job) => [job.input, job.renderedResolution])).toEqual([[{ draft_id: draftIds[1] }, '1080p']]);
	});
});
