/**
 * Draft → Complete Draft in a real n8n (`n8n execute`, the packed package), for every kind, on
 * every n8n line: a Seedance 2.5 node makes two 480p drafts, and a Complete Draft node of the
 * same type renders each at 1080p on draft/complete. Each draft ID reaches fal's complete request
 * (and only its own), and each 1080p video arrives as binary data.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import { draftThenCompleteWorkflow, IMAGE_URLS } from './executeWorkflow';
import { N8nInstance, NODE_TYPE, outputOf, type BinaryRef } from './n8nInstance';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { startFakeFal } = require('../fake-fal');

const API_KEY = 'e2e-draft-complete-key:do-not-print';
const CREDENTIAL = { id: 'falDraftCompleteCredential', name: 'Fal (fake, drafts)' };
const SAMPLE_VIDEO = fs.readFileSync(path.join(__dirname, '..', 'fake-fal', 'fixtures', 'sample.mp4'));
const COMPLETE = 'bytedance/seedance-2.5/draft/complete';

interface FakeJobLike {
	requestId: string;
	endpoint: string;
	input: Record<string, unknown>;
	renderedResolution?: string;
}

const KINDS = [
	{
		kind: 'text-to-video',
		type: NODE_TYPE.replace('seedanceImageToVideo', 'seedanceTextToVideo'),
		items: [{ prompt: 'A kite rises over a windy beach' }, { prompt: 'A kite dives towards the waves' }],
		parameters: { prompt: '={{ $json.prompt }}' },
		draftInput: (item: Record<string, unknown>) => ({ prompt: item.prompt, aspect_ratio: 'auto' }),
	},
	{
		kind: 'image-to-video',
		type: NODE_TYPE,
		items: IMAGE_URLS.map((imageUrl, index) => ({ imageUrl, prompt: `Take ${index + 1}: it slowly turns` })),
		parameters: { prompt: '={{ $json.prompt }}', imageSource: 'url', imageUrl: '={{ $json.imageUrl }}' },
		draftInput: (item: Record<string, unknown>) => ({ prompt: item.prompt, image_url: item.imageUrl }),
	},
	{
		kind: 'reference-to-video',
		type: NODE_TYPE.replace('seedanceImageToVideo', 'seedanceReferenceToVideo'),
		items: IMAGE_URLS.map((imageUrl, index) => ({ imageUrl, prompt: `Take ${index + 1}: @Image1 on a marble table` })),
		parameters: { prompt: '={{ $json.prompt }}', referenceImageSource: 'url', referenceImageUrls: '={{ $json.imageUrl }}' },
		draftInput: (item: Record<string, unknown>) => ({ prompt: item.prompt, image_urls: [item.imageUrl], aspect_ratio: 'auto', task: 'reference' }),
	},
] as const;

const WORKFLOWS = KINDS.map((entry) =>
	draftThenCompleteWorkflow(`e2eDraftComplete${entry.kind.replace(/-/g, '')}`, entry.type, CREDENTIAL, [...entry.items], entry.parameters),
);
/** The text-to-video chain with Complete Draft in Submit Only: it returns the queued request at once. */
const SUBMIT_ONLY = draftThenCompleteWorkflow('e2eDraftCompleteSubmitOnly', KINDS[0].type, CREDENTIAL, [KINDS[0].items[0]], KINDS[0].parameters, { mode: 'submitOnly' });

describe('draft → Complete Draft in a real n8n (n8n execute), every kind', () => {
	let fake: Awaited<ReturnType<typeof startFakeFal>>;
	let n8n: N8nInstance;

	beforeAll(async () => {
		fake = await startFakeFal({ apiKey: API_KEY, jobMs: 200, queueMs: 20 });
		n8n = N8nInstance.create('draft-complete');
		await n8n.importCredentials([{ ...CREDENTIAL, apiKey: API_KEY, apiHost: fake.url }]);
		await n8n.importWorkflows([...WORKFLOWS, SUBMIT_ONLY]);
	});

	afterAll(async () => {
		await n8n?.dispose();
		await fake?.close();
	});

	function readBinary(binary: BinaryRef): Buffer {
		return binary.id ? fs.readFileSync(n8n.binaryFilePath(binary)) : Buffer.from(binary.data ?? '', 'base64');
	}

	it.each(KINDS.map((entry, index) => [entry.kind, index] as const))('%s: two 480p drafts, each completed at 1080p from its own draft ID', async (kind, index) => {
		const entry = KINDS[index];
		const jobsBefore = new Set(fake.jobs.keys());
		const { execution, output } = await n8n.execute(WORKFLOWS[index].id);
		expect(execution.data.resultData.error?.message).toBeUndefined();
		expect(output).not.toContain(API_KEY);

		const drafts = outputOf(execution, 'Drafts (480p)');
		expect(drafts).toHaveLength(2);
		const draftIds = drafts.map((item) => String(item.json.draftId));
		expect(draftIds.every((draftId) => draftId.startsWith('draft-'))).toBe(true);
		expect(new Set(draftIds).size).toBe(2);

		const jobs = ([...fake.jobs.values()] as FakeJobLike[]).filter((job) => !jobsBefore.has(job.requestId));
		const draftJobs = jobs.filter((job) => job.endpoint === `bytedance/seedance-2.5/${kind}`);
		expect(draftJobs.map((job) => [job.input.draft, job.input.duration, job.renderedResolution])).toEqual([
			[true, '4', '480p'],
			[true, '4', '480p'],
		]);
		for (const item of entry.items) {
			expect(draftJobs.some((job) => Object.entries(entry.draftInput(item)).every(([field, value]) => JSON.stringify(job.input[field]) === JSON.stringify(value)))).toBe(true);
		}

		// fal's draft/complete gets exactly each draft ID, once, and renders it at 1080p.
		const completions = jobs.filter((job) => job.endpoint === COMPLETE);
		expect(completions.map((job) => job.input).sort((a, b) => String(a.draft_id).localeCompare(String(b.draft_id)))).toEqual(
			[...draftIds].sort().map((draftId) => ({ draft_id: draftId })),
		);
		expect(completions.map((job) => job.renderedResolution)).toEqual(['1080p', '1080p']);

		const completed = outputOf(execution, 'Complete at 1080p');
		expect(completed.map((item) => item.json.completedDraftId)).toEqual(draftIds);
		for (const item of completed) {
			expect(item.json).toMatchObject({ endpoint: COMPLETE, status: 'COMPLETED', resolution: '1080p' });
			expect(item.binary?.data?.mimeType).toBe('video/mp4');
			expect(readBinary(item.binary!.data).equals(SAMPLE_VIDEO)).toBe(true);
		}
	});

	it('Submit Only: the completion is queued at fal with the draft ID and returned at once, named by its request', async () => {
		const { execution } = await n8n.execute(SUBMIT_ONLY.id);
		expect(execution.data.resultData.error?.message).toBeUndefined();
		const [draft] = outputOf(execution, 'Drafts (480p)');
		const [queued] = outputOf(execution, 'Complete at 1080p');
		expect(queued.json).toMatchObject({ endpoint: COMPLETE, status: 'IN_QUEUE', completedDraftId: draft.json.draftId, parameters: { draft_id: draft.json.draftId } });
		expect(queued.binary).toBeUndefined();
		const job = (fake.jobs as Map<string, FakeJobLike>).get(String(queued.json.requestId));
		expect(job?.input).toEqual({ draft_id: draft.json.draftId });
	});
});
