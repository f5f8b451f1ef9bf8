/**
 * Seedance 2.5's Draft switch in n8n-core's engine against the fake fal: a draft is a 480p preview
 * whose output carries draftId and both steps' cost, and Complete Draft renders that draft at 1080p.
 * Without the switch (and on 2.0) the body is what it always was.
 */
import { startFakeFal, type FakeFal } from '../fake-fal';
import type { Kind } from '../../nodes/shared/schema';
import { API_KEY, IMAGE_URL, runFamilyNode, lastSubmit } from './seedance';

const V2 = { typeVersion: 2 };

let fake: FakeFal;
beforeAll(async () => {
	fake = await startFakeFal({ apiKey: API_KEY, queueMs: 20, jobMs: 60 });
});
afterAll(async () => await fake.close());

const MEDIA: Record<Kind, Record<string, unknown>> = {
	'text-to-video': {},
	'image-to-video': { imageSource: 'url', imageUrl: IMAGE_URL },
	'reference-to-video': { references: { reference: [{ mediaType: 'image', source: 'url', url: IMAGE_URL }] } },
};

describe('Draft (480p Preview) on Seedance 2.5', () => {
	test.each(['text-to-video', 'image-to-video'] as const)('%s: a draft is a 480p preview whose output carries draftId and the cost of both steps', async (kind) => {
		const parameters = { operation: 'generate', prompt: 'A kite over the sea', duration: '5', resolution: '1080p', draft: true, ...MEDIA[kind] };
		const result = await runFamilyNode(fake, kind, parameters, V2);

		expect(result.error?.message).toBeUndefined();
		const { path, input } = lastSubmit(fake);
		expect(path).toBe(`/bytedance/seedance-2.5/${kind}`);
		// The draft's resolution replaces the Resolution field's 1080p.
		expect(input).toMatchObject({ resolution: '480p', duration: '5', draft: true });
		const json = result.items[0].json;
		const job = fake.jobs.get(String(json.requestId));
		expect(job?.renderedResolution).toBe('480p');
		expect(json.draftId).toBe((job?.outcome?.body as { draft_id: string }).draft_id);
		expect(fake.drafts.drafts.get(String(json.draftId))?.ownerKey).toBe(API_KEY);
		// 854×480×5×24/1024 = 48,037.5 tokens × $0.0214/1000; at 1920×1080: 243,000 × $0.0234/1000.
		expect(json.estimatedCostUsd).toBe(1.028);
		expect(json.estimatedCompletionCostUsd).toBe(5.6862);
	});

	test('the draft ID of a Generate Video output completes at 1080p through Complete Draft (the chain users build)', async () => {
		const draftRun = await runFamilyNode(fake, 'text-to-video', { operation: 'generate', prompt: 'A kite', duration: '4', draft: true, options: { returnUrlOnly: true } }, V2);
		const draftItem = draftRun.items[0];

		const completeRun = await runFamilyNode(fake, 'text-to-video', { operation: 'completeDraft', draftId: '={{ $json.draftId }}' }, { ...V2, items: [{ json: draftItem.json }] });

		expect(completeRun.error?.message).toBeUndefined();
		expect(lastSubmit(fake)).toEqual({ path: '/bytedance/seedance-2.5/draft/complete', input: { draft_id: draftItem.json.draftId } });
		expect(completeRun.items[0].json).toMatchObject({ completedDraftId: draftItem.json.draftId, resolution: '1080p', status: 'COMPLETED' });
		expect(fake.jobs.get(String(completeRun.items[0].json.requestId))?.renderedResolution).toBe('1080p');
	});

	test('without the switch nothing about drafts is sent, and the Resolution field counts again', async () => {
		const result = await runFamilyNode(fake, 'text-to-video', { operation: 'generate', prompt: 'A kite', duration: '5', resolution: '1080p' }, V2);
		expect(lastSubmit(fake).input).toEqual({ prompt: 'A kite', resolution: '1080p', duration: '5', aspect_ratio: 'auto', generate_audio: true });
		expect(result.items[0].json.draftId).toBeUndefined();
		expect(result.items[0].json.estimatedCompletionCostUsd).toBeUndefined();
	});

	test('on Seedance 2.0 a Draft value left in the node is not sent (2.0 has no drafts)', async () => {
		await runFamilyNode(fake, 'text-to-video', { operation: 'generate', model: '2.0', prompt: 'A kite', draft: true }, V2);
		const { path, input } = lastSubmit(fake);
		expect(path).toBe('/bytedance/seedance-2.0/fast/text-to-video');
		expect(input).not.toHaveProperty('draft');
		expect(input.resolution).toBe('720p');
	});
});
