/**
 * Estimate Cost on every Seedance node, in n8n-core's engine against the fake fal: each item gets
 * its estimate (a range for auto durations and unread reference lengths), every item the batch's
 * total, and fal is asked for nothing but the price list.
 */
import { readFileSync } from 'fs';
import path from 'path';
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import type { Kind } from '../../nodes/shared/schema';
import { clearPriceCache } from '../../nodes/shared/transport/pricing';
import { startFakeFal, type FakeFal } from '../fake-fal';
import { API_KEY, pngItem, runFamilyNode } from './seedance';

const CLIP_4S = readFileSync(path.join(__dirname, '../media/fixtures/clip-4s-moov-at-end.mp4'));

let fake: FakeFal;
beforeAll(async () => {
	fake = await startFakeFal({ apiKey: API_KEY });
});
afterAll(async () => await fake.close());
beforeEach(() => {
	fake.log.length = 0;
	clearPriceCache();
});

function estimate(overrides: INodeParameters = {}): INodeParameters {
	return { operation: 'estimateCost', tier: 'fast', resolution: '720p', duration: '={{ $json.duration }}', prompt: 'A lighthouse at dusk', ...overrides };
}

function requestKinds(): string[] {
	return fake.log.map((entry) => entry.kind);
}

const durations = (...values: string[]) => values.map((duration) => ({ json: { duration } }));

test.each<[Kind, INodeParameters]>([
	['text-to-video', {}],
	['image-to-video', { imageSource: 'url', imageUrl: 'https://images.example.com/cat.jpg' }],
	['reference-to-video', { referenceImageSource: 'url', referenceImageUrls: 'https://images.example.com/cat.jpg', prompt: 'The cat from @Image1 walks' }],
])('%s: each item gets its estimate and the batch total; fal is asked only for prices', async (kind, fields) => {
	const result = await runFamilyNode(fake, kind, estimate(fields), { items: durations('5', 'auto', '10') });

	expect(result.status).toBe('success');
	expect(result.items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
	const [five, auto, ten] = result.items.map((item) => item.json as IDataObject);
	expect(five).toMatchObject({ endpoint: `bytedance/seedance-2.0/fast/${kind}`, tier: 'fast', resolution: '720p', duration: '5', estimatedCostUsd: 1.2096 });
	expect(five.cost).toMatchObject({ minUsd: 1.2096, maxUsd: 1.2096, tokens: 108000, usdPerSecond: 0.2419, usdPer1000Tokens: 0.0112, priceSource: 'fal' });
	expect(auto.estimatedCostUsd).toBeUndefined();
	expect(auto.cost).toMatchObject({ minUsd: 0.9677, maxUsd: 3.6288, tokens: { min: 86400, max: 324000 } });
	expect((auto.cost as IDataObject).assumptions).toEqual(['Duration "auto" counted as up to 15 s, the longest clip Seedance 2.0 Fast makes (at least 4 s)']);
	expect(ten.estimatedCostUsd).toBe(2.4192);
	for (const item of [five, auto, ten]) {
		expect(item.batchTotal).toEqual({ items: 3, minUsd: 4.5965, maxUsd: 7.2576, priceSources: ['fal'] });
	}
	expect(requestKinds()).toEqual(['pricing']);
	expect(result.runData[result.nodeName][0].hints).toEqual([
		{ message: 'Estimated cost of these 3 videos: $4.60–$7.26', type: 'info', location: 'outputPane' },
	]);
});

test('an image in the item is neither read for upload nor uploaded', async () => {
	const result = await runFamilyNode(fake, 'image-to-video', estimate({ imageSource: 'binary', imageBinaryProperty: 'data', duration: '5' }), { items: [pngItem()] });

	expect(result.status).toBe('success');
	expect(result.items[0].json.estimatedCostUsd).toBe(1.2096);
	expect(requestKinds()).toEqual(['pricing']);
});

test('reference videos: a binary counts its own length, a URL the range fal accepts', async () => {
	const result = await runFamilyNode(
		fake,
		'reference-to-video',
		estimate({ duration: '5', prompt: 'Like @Video1', referenceVideoSource: '={{ $json.source }}', referenceVideoUrls: 'https://videos.example.com/a.mp4', referenceVideoBinaryProperties: 'clip' }),
		{
			items: [
				{ json: { source: 'binary' }, binary: { clip: { data: CLIP_4S, mimeType: 'video/mp4', fileName: 'clip.mp4' } } },
				{ json: { source: 'url' } },
			],
		},
	);

	const [binary, url] = result.items.map((item) => item.json as IDataObject);
	// 5 s + 4 s in at 720p, × 0.6: 194,400 tokens → $1.3064.
	expect(binary).toMatchObject({ referenceVideos: { count: 1, seconds: 4 }, estimatedCostUsd: 1.3064 });
	expect(binary.cost).toMatchObject({ tokens: 194400, usdPerSecond: 0.1452 });
	expect(url.estimatedCostUsd).toBeUndefined();
	expect(url.cost).toMatchObject({ minUsd: 1.0161, maxUsd: 2.903 });
	expect(requestKinds()).toEqual(['pricing']);
});

test('with Continue On Fail an item with a wrong field gets its error, the others their estimates', async () => {
	const result = await runFamilyNode(fake, 'text-to-video', estimate({ resolution: '={{ $json.resolution }}', duration: '5' }), {
		items: [{ json: { resolution: '720p' } }, { json: { resolution: '4k' } }],
		continueOnFail: true,
	});

	expect(result.items[0].json.estimatedCostUsd).toBe(1.2096);
	expect(result.items[1].json.error).toContain('Resolution: "4k" is not offered by the Fast tier');
	expect(result.items[0].json.batchTotal).toMatchObject({ items: 1, maxUsd: 1.2096 });
});

test("when fal's price list cannot be read, the estimate says it used the node's built-in prices", async () => {
	fake.fault({ on: 'pricing', status: 500 });
	const result = await runFamilyNode(fake, 'text-to-video', estimate({ duration: '5' }), { items: durations('5') });

	expect(result.items[0].json.cost).toMatchObject({ priceSource: 'schema', priceNote: "fal's price list could not be read (HTTP 500)", estimatedUsd: 1.2096 });
	expect(result.items[0].json.batchTotal).toMatchObject({ priceSources: ['schema'] });
});

test('Seedance 2.5 is named as users see it, not by its one tier ("Standard"): in the assumption and the model field', async () => {
	const result = await runFamilyNode(fake, 'text-to-video', estimate({ model: '2.5', duration: 'auto' }));

	expect(result.status).toBe('success');
	const json = result.items[0].json as IDataObject;
	expect(json).toMatchObject({ endpoint: 'bytedance/seedance-2.5/text-to-video', model: 'Seedance 2.5' });
	expect((json.cost as IDataObject).assumptions).toEqual(['Duration "auto" counted as up to 30 s, the longest clip Seedance 2.5 makes (at least 4 s)']);
});
