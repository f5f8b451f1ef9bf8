/**
 * Complete Draft in n8n-core's engine against the fake fal: a Seedance 2.5 draft rendered at 1080p
 * by draft/complete, in Wait for Completion and Submit Only (Submit and Wait for Webhook:
 * waitForWebhook.test.ts), with the same stop, timeout and binary output as Generate Video, and
 * fal's refusals of an unknown, expired or other-account draft named on the Draft ID field.
 */
import type { INodeParameters } from 'n8n-workflow';

import { startFakeFal, type FakeFal } from '../fake-fal';
import type { TriggerItem } from '../harness/nodeTypes';
import { API_KEY, runFamilyNode, runSeedance, SAMPLE_VIDEO } from './seedance';

const COMPLETE = 'bytedance/seedance-2.5/draft/complete';
const OTHER_ACCOUNT_KEY = 'someone-elses-key';
const DAY_MS = 24 * 60 * 60 * 1000;

let fake: FakeFal;
/** Drafts whose completion never finishes (to press Stop or run out of time). */
const neverFinishing = new Set<string>();
beforeAll(async () => {
	fake = await startFakeFal({
		apiKey: API_KEY,
		queueMs: 20,
		jobMs: 150,
		otherAccounts: { [OTHER_ACCOUNT_KEY]: 'someone-else' },
		behaviour: (input: { draft_id?: string }) => (input?.draft_id && neverFinishing.has(input.draft_id) ? { neverFinish: true } : undefined),
	});
});
afterAll(async () => await fake.close());

function completeParameters(overrides: INodeParameters = {}): INodeParameters {
	return { operation: 'completeDraft', mode: 'waitForCompletion', draftId: '={{ $json.draftId }}', ...overrides };
}

function draftItems(...draftIds: string[]): TriggerItem[] {
	return draftIds.map((draftId) => ({ json: { draftId } }));
}

function ownDraft(seed?: number) {
	return fake.drafts.create({ ownerKey: API_KEY, seed });
}

describe('Complete Draft', () => {
	test('Wait for Completion renders the draft at 1080p and outputs the video as binary, with the draft and the request named', async () => {
		const draft = ownDraft(777);
		const result = await runSeedance(fake, completeParameters(), { items: draftItems(draft.draftId) });

		expect(result.status).toBe('success');
		const [item] = result.items;
		expect(item.pairedItem).toEqual({ item: 0 });
		expect(item.json).toMatchObject({
			endpoint: COMPLETE,
			status: 'COMPLETED',
			seed: 777,
			completedDraftId: draft.draftId,
			resolution: '1080p',
			parameters: { draft_id: draft.draftId },
			video: { contentType: 'video/mp4', fileSize: SAMPLE_VIDEO.length },
			timings: { totalMs: expect.any(Number) },
		});
		expect(await result.readBinary(item)).toEqual(SAMPLE_VIDEO);
		// fal gets exactly the draft ID, on the 2.5 app's queue.
		const job = fake.jobs.get(String(item.json.requestId));
		expect(job?.input).toEqual({ draft_id: draft.draftId });
		expect(job?.renderedResolution).toBe('1080p');
		expect(draft.completions).toEqual([item.json.requestId]);
		const reads = fake.log.filter((entry) => entry.path.includes(`/requests/${String(item.json.requestId)}`));
		expect(reads.length).toBeGreaterThan(0);
		expect(reads.every((entry) => entry.path.startsWith('/bytedance/seedance-2.5/requests/'))).toBe(true);
	});

	test('every node of the family offers it: Text-to-Video and Reference-to-Video complete a draft the same way', async () => {
		for (const kind of ['text-to-video', 'reference-to-video'] as const) {
			const draft = ownDraft();
			const result = await runFamilyNode(fake, kind, completeParameters({ options: { returnUrlOnly: true } }), { items: draftItems(draft.draftId) });
			expect(result.status).toBe('success');
			expect(result.items[0].json).toMatchObject({ endpoint: COMPLETE, completedDraftId: draft.draftId });
			expect(result.items[0].binary).toBeUndefined();
		}
	});

	test('a node saved with Model Seedance 2.0 and a tier, on either node version, still completes on Seedance 2.5 with only the draft ID', async () => {
		for (const [typeVersion, saved] of [
			[1, {}],
			[1, { model: '2.0', tier: 'mini' }],
			[2, { model: '2.0', tier: 'standard' }],
			[2, {}],
		] as const) {
			const draft = ownDraft();
			const before = fake.requests('submit').length;
			const result = await runFamilyNode(fake, 'text-to-video', completeParameters({ ...saved, options: { returnUrlOnly: true } }), { typeVersion, items: draftItems(draft.draftId) });
			expect(result.error?.message).toBeUndefined();
			expect(fake.requests('submit').slice(before).map((entry) => [entry.path, entry.body])).toEqual([[`/${COMPLETE}`, { draft_id: draft.draftId }]]);
			expect(result.items[0].json).toMatchObject({ endpoint: COMPLETE, completedDraftId: draft.draftId });
		}
	});

	test('Submit Only returns the request at once; fal calls the Webhook URL when the 1080p video is ready', async () => {
		const draft = ownDraft();
		const result = await runSeedance(fake, completeParameters({ mode: 'submitOnly', webhookUrl: 'https://n8n.example.com/webhook/drafts' }), { items: draftItems(draft.draftId) });

		expect(result.status).toBe('success');
		const { json } = result.items[0];
		expect(json).toMatchObject({ endpoint: COMPLETE, status: 'IN_QUEUE', completedDraftId: draft.draftId, webhookUrl: 'https://n8n.example.com/webhook/drafts' });
		const job = fake.jobs.get(String(json.requestId));
		expect(job?.webhookUrl).toBe('https://n8n.example.com/webhook/drafts');
		expect(job?.status).not.toBe('COMPLETED');
		expect(String(json.statusUrl)).toContain('/bytedance/seedance-2.5/requests/');
	});

	test('an unknown draft fails with a message naming the Draft ID field and the item', async () => {
		const result = await runSeedance(fake, completeParameters(), { items: draftItems('draft-nobody-made') });
		expect(result.status).toBe('error');
		expect(result.error?.message).toBe('Draft ID: fal has no draft "draft-nobody-made" for this account [item 0]');
		expect(result.error?.description).toMatch(/same fal account/);
		expect(result.error?.description).toMatch(/7 days/);
	});

	test("another account's draft is refused like an unknown one, and nothing of the other account leaks", async () => {
		const theirs = fake.drafts.create({ ownerKey: OTHER_ACCOUNT_KEY });
		const result = await runSeedance(fake, completeParameters(), { items: draftItems(theirs.draftId) });
		expect(result.error?.message).toBe(`Draft ID: fal has no draft "${theirs.draftId}" for this account [item 0]`);
		expect(theirs.completions).toEqual([]);
		expect(result.executionJson).not.toContain(OTHER_ACCOUNT_KEY);
		expect(result.executionJson).not.toContain(API_KEY);
	});

	test('a draft older than 7 days fails as expired, naming the Draft ID field and the item', async () => {
		const old = fake.drafts.create({ ownerKey: API_KEY, createdAt: fake.drafts.clock.now() - 8 * DAY_MS });
		const result = await runSeedance(fake, completeParameters(), { items: draftItems(old.draftId) });
		expect(result.error?.message).toBe(`Draft ID: draft "${old.draftId}" has expired [item 0]`);
		expect(result.error?.description).toMatch(/within 7 days/);
		expect(result.error?.description).toMatch(/Make a new draft/);
	});

	test('with Continue On Fail a refused draft becomes an error item and the other drafts still render', async () => {
		const good = ownDraft();
		const expired = fake.drafts.create({ ownerKey: API_KEY, createdAt: fake.drafts.clock.now() - 8 * DAY_MS });
		const result = await runSeedance(fake, completeParameters({ options: { returnUrlOnly: true } }), {
			items: draftItems(good.draftId, expired.draftId, 'draft-unknown'),
			continueOnFail: true,
		});

		expect(result.status).toBe('success');
		expect(result.items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(result.items[0].json).toMatchObject({ completedDraftId: good.draftId, status: 'COMPLETED' });
		expect(result.items[1].json.error).toBe(`Draft ID: draft "${expired.draftId}" has expired [item 1]`);
		expect(result.items[2].json.error).toBe('Draft ID: fal has no draft "draft-unknown" for this account [item 2]');
	});

	test('an empty Draft ID is refused before anything reaches fal', async () => {
		const submits = fake.requests('submit').length;
		const result = await runSeedance(fake, completeParameters(), { items: draftItems('  ') });
		expect(result.error?.message).toBe('Draft ID: is empty [item 0]');
		expect(result.error?.description).toMatch(/\{\{ \$json\.draftId \}\}/);
		expect(fake.requests('submit')).toHaveLength(submits);
	});

	test('Stop while the draft renders cancels the fal job', async () => {
		const draft = ownDraft();
		neverFinishing.add(draft.draftId);
		const result = await runSeedance(fake, completeParameters(), { items: draftItems(draft.draftId), cancelAfterMs: 700 });

		expect(result.status).toBe('canceled');
		const job = [...fake.jobs.values()].find((candidate) => candidate.input?.draft_id === draft.draftId);
		expect(job?.cancelled).toBe(true);
		expect(fake.requests('cancel').some((entry) => entry.path === `/bytedance/seedance-2.5/requests/${job?.requestId}/cancel`)).toBe(true);
	});

	test('the wait timeout cancels the fal job and fails the item with the request named', async () => {
		const draft = ownDraft();
		neverFinishing.add(draft.draftId);
		const result = await runSeedance(fake, completeParameters({ options: { waitTimeoutSeconds: 1 } }), { items: draftItems(draft.draftId) });

		const job = [...fake.jobs.values()].find((candidate) => candidate.input?.draft_id === draft.draftId);
		expect(result.error?.message).toBe(`Seedance did not finish within the wait timeout of 1 s (request ${job?.requestId})`);
		expect(job?.cancelled).toBe(true);
	});
});
