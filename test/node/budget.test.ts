/**
 * The budget guard in n8n-core's engine against the fake fal: Max Cost per Execution refuses a
 * batch before anything is uploaded or submitted, in every mode; Max Cost per Video fails only the
 * items over it with Continue On Fail; "auto" duration and unread reference lengths count as the
 * longest; the price comes from fal's Platform API when it answers.
 */
import { readFileSync } from 'fs';
import path from 'path';
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { clearPriceCache } from '../../nodes/shared/transport/pricing';
import { startFakeFal, type FakeFal } from '../fake-fal';
import type { TriggerItem } from '../harness/nodeTypes';
import { API_KEY, generateParameters, pngItem, runFamilyNode, runSeedance } from './seedance';

const CLIP_4S = readFileSync(path.join(__dirname, '../media/fixtures/clip-4s-moov-at-end.mp4'));
const FAST_I2V = 'bytedance/seedance-2.0/fast/image-to-video';

let fake: FakeFal;
beforeAll(async () => {
	fake = await startFakeFal({ apiKey: 'test-key-0123456789abcdef:secret-part-9876543210', queueMs: 20, jobMs: 60 });
});
afterAll(async () => await fake.close());
beforeEach(() => {
	fake.log.length = 0;
	fake.uploads.clear();
	clearPriceCache();
});

/** Fast image-to-video at 720p from a binary image (so an upload would show), duration per item. */
function batch(durations: string[]): TriggerItem[] {
	return durations.map((duration) => pngItem({ duration }));
}

function parameters(mode: string, options: INodeParameters): INodeParameters {
	return generateParameters({
		mode,
		imageSource: 'binary',
		imageBinaryProperty: 'data',
		resolution: '720p',
		duration: '={{ $json.duration }}',
		options: mode === 'waitForWebhook' ? { jwksUrl: fake.jwksUrl, ...options } : options,
	});
}

function sentToFal(): string[] {
	return fake.log.filter((entry) => !['pricing', 'pricing-estimate'].includes(entry.kind)).map((entry) => `${entry.method} ${entry.path}`);
}

describe('Max Cost per Execution', () => {
	test.each(['waitForCompletion', 'waitForWebhook', 'submitOnly'])(
		'in %s, a batch over the cap is refused with nothing uploaded or submitted, and the error lists every item, the total and the cap',
		async (mode) => {
			// 3 × 5 s at 720p on Fast: 108,000 tokens × $0.0112/1k = $1.2096 each, $3.63 in all.
			const result = await runSeedance(fake, parameters(mode, { maxCostPerExecutionUsd: 3 }), { items: batch(['5', '5', '5']) });

			expect(result.status).toBe('error');
			expect(result.error?.message).toBe('The estimated cost $3.63 is over Max Cost per Execution ($3.00)');
			const description = String(result.error?.description);
			expect(description).toContain('Nothing was uploaded or submitted to fal.');
			expect(description).toContain('Item 0: $1.21 (Seedance 2.0 Fast, 720p, 5 s)');
			expect(description).toContain('Item 2: $1.21 (Seedance 2.0 Fast, 720p, 5 s)');
			expect(description).toContain('Total: $3.63 at most; cap: $3.00.');
			expect(description).toMatch(/\$0\.0112 per 1,000 tokens from fal's price list, read \d{4}-/);
			expect(sentToFal()).toEqual([]);
			expect(fake.uploads.size).toBe(0);
			expect(fake.requests('pricing')).toHaveLength(1);
		},
	);

	test('a batch under the cap runs, and every item carries its estimate with its price source', async () => {
		const result = await runSeedance(fake, parameters('submitOnly', { maxCostPerExecutionUsd: 4 }), { items: batch(['5', '5', '5']) });

		expect(result.status).toBe('success');
		expect(fake.requests('submit')).toHaveLength(3);
		for (const item of result.items) {
			expect(item.json.estimatedCostUsd).toBe(1.2096);
			expect(item.json.cost).toMatchObject({ estimatedUsd: 1.2096, minUsd: 1.2096, maxUsd: 1.2096, tokens: 108000, usdPerSecond: 0.2419, usdPer1000Tokens: 0.0112, priceSource: 'fal' });
		}
	});

	test('duration "auto" counts as the longest clip the model makes (15 s), and the error says so', async () => {
		// auto: up to 324,000 tokens = $3.6288, though a 5 s clip would be $1.21.
		const result = await runSeedance(fake, parameters('waitForCompletion', { maxCostPerExecutionUsd: 3 }), { items: batch(['auto']) });

		expect(result.status).toBe('error');
		expect(result.error?.message).toBe('The estimated cost $3.63 is over Max Cost per Execution ($3.00)');
		const description = String(result.error?.description);
		expect(description).toContain('Item 0: $0.97–$3.63 (Seedance 2.0 Fast, 720p, duration auto)');
		expect(description).toContain('Total: $3.63 at most ($0.97 at least); cap: $3.00.');
		expect(description).toContain('Assumptions that raised it:');
		expect(description).toContain('Duration "auto" counted as up to 15 s, the longest clip Seedance 2.0 Fast makes (at least 4 s) (item 0)');
		expect(sentToFal()).toEqual([]);
	});

	test('a reference video given by URL counts as the longest fal accepts; one given as a binary counts its own length', async () => {
		const r2v = (videoFields: INodeParameters): INodeParameters => ({
			operation: 'generate',
			mode: 'waitForCompletion',
			tier: 'fast',
			resolution: '720p',
			duration: '5',
			prompt: 'A bottle turns like in @Video1',
			...videoFields,
			options: { maxCostPerExecutionUsd: 2 },
		});
		const byUrl = await runFamilyNode(fake, 'reference-to-video', r2v({ referenceVideoSource: 'url', referenceVideoUrls: 'https://videos.example.com/turn.mp4' }));

		// 5 s out + up to 15 s in, × 0.6 with video inputs: 432,000 tokens → $2.9030.
		expect(byUrl.status).toBe('error');
		expect(byUrl.error?.message).toBe('The estimated cost $2.90 is over Max Cost per Execution ($2.00)');
		expect(String(byUrl.error?.description)).toContain('Item 0: $1.02–$2.90 (Seedance 2.0 Fast, 720p, 5 s, 1 reference video)');
		expect(String(byUrl.error?.description)).toContain('Reference video length unread (a URL): counted as up to 15 s, the most fal accepts');
		expect(sentToFal()).toEqual([]);

		const byBinary = await runFamilyNode(fake, 'reference-to-video', r2v({ referenceVideoSource: 'binary', referenceVideoBinaryProperties: 'clip' }), {
			items: [{ json: {}, binary: { clip: { data: CLIP_4S, mimeType: 'video/mp4', fileName: 'clip.mp4' } } }],
		});
		// 5 s out + 4 s in: 194,400 tokens × $0.0112/1k × 0.6 = $1.3064, under the cap.
		expect(byBinary.status).toBe('success');
		expect(byBinary.items[0].json.estimatedCostUsd).toBe(1.3064);
	});
});

describe('Max Cost per Video', () => {
	test('with Continue On Fail only the items over the cap fail, unsent; the others are generated', async () => {
		const result = await runSeedance(fake, parameters('waitForCompletion', { maxCostPerVideoUsd: 2 }), {
			items: batch(['5', '15', '5']),
			continueOnFail: true,
		});

		expect(result.status).toBe('success');
		expect(result.items).toHaveLength(3);
		expect(result.items[0].json.status).toBe('COMPLETED');
		expect(result.items[2].json.status).toBe('COMPLETED');
		expect(result.items[1].json.error).toBe('Max Cost per Video (USD): this video is estimated at $3.63, over the cap of $2.00; it was not sent to fal [item 1]');
		expect(result.items[1].pairedItem).toEqual({ item: 1 });
		expect(fake.requests('submit').map((entry) => entry.body.duration)).toEqual(['5', '5']);
		expect(fake.uploads.size).toBe(2);
	});

	test('without Continue On Fail the run stops before anything is uploaded or submitted', async () => {
		const result = await runSeedance(fake, parameters('submitOnly', { maxCostPerVideoUsd: 2 }), { items: batch(['5', 'auto', '5']) });

		expect(result.status).toBe('error');
		expect(result.error?.message).toContain('Max Cost per Video (USD): this video is estimated at $0.97–$3.63, over the cap of $2.00');
		expect(String(result.error?.description)).toContain('Duration "auto" counted as up to 15 s');
		expect(sentToFal()).toEqual([]);
	});

	test('in Submit and Wait for Webhook, an item over the cap fails and the others still wait for fal', async () => {
		const result = await runSeedance(fake, parameters('waitForWebhook', { maxCostPerVideoUsd: 2 }), {
			items: batch(['5', '15']),
			continueOnFail: true,
		});

		expect(result.status).toBe('waiting');
		expect(fake.requests('submit')).toHaveLength(1);
	});

	test('a cap that is not an amount names the field', async () => {
		const result = await runSeedance(fake, parameters('waitForCompletion', { maxCostPerExecutionUsd: -1 }), { items: batch(['5']) });

		expect(result.status).toBe('error');
		expect(result.error?.message).toContain('Max Cost per Execution (USD): "-1" is not an amount of US dollars above 0');
		expect(sentToFal()).toEqual([]);
	});
});

describe('Complete Draft', () => {
	const complete = (mode: string, options: INodeParameters): INodeParameters => ({ operation: 'completeDraft', mode, draftId: '={{ $json.draftId }}', options });
	const drafts = (count: number) => Array.from({ length: count }, () => ({ json: { draftId: fake.drafts.create({ ownerKey: API_KEY }).draftId } }));

	test.each(['waitForCompletion', 'submitOnly'])('in %s, drafts over Max Cost per Execution are refused unsent: each counts as up to 30 s at 1080p', async (mode) => {
		// Seedance 2.5 at 1080p: up to 30 s = 1,458,000 tokens × $0.0234/1k = $34.1172 a draft.
		const result = await runSeedance(fake, complete(mode, { maxCostPerExecutionUsd: 50 }), { items: drafts(2) });

		expect(result.status).toBe('error');
		expect(result.error?.message).toBe('The estimated cost $68.23 is over Max Cost per Execution ($50.00)');
		expect(String(result.error?.description)).toContain('Item 1: $4.55–$34.12');
		expect(String(result.error?.description)).toContain('counted as up to 30 s');
		expect(sentToFal()).toEqual([]);
	});

	test('under the cap the completion runs and its output carries the estimate', async () => {
		const result = await runSeedance(fake, complete('submitOnly', { maxCostPerExecutionUsd: 50 }), { items: drafts(1) });

		expect(result.status).toBe('success');
		expect(result.items[0].json.cost).toMatchObject({ minUsd: 4.549, maxUsd: 34.1172, usdPer1000Tokens: 0.0234, priceSource: 'fal' });
		expect(fake.requests('submit').map((entry) => entry.path)).toEqual(['/bytedance/seedance-2.5/draft/complete']);
	});
});

describe("Prices from fal's Platform API", () => {
	afterEach(() => fake.setPrice(FAST_I2V, { unit_price: 0.0112, unit: '1000 tokens' }));

	test("fal's price is used when it answers, read once per process for a day", async () => {
		fake.setPrice(FAST_I2V, { unit_price: 0.02, unit: '1000 tokens' });
		const first = await runSeedance(fake, parameters('submitOnly', {}), { items: batch(['5']) });
		const second = await runSeedance(fake, parameters('submitOnly', {}), { items: batch(['5']) });

		// 108,000 tokens × $0.02/1k.
		expect(first.items[0].json.estimatedCostUsd).toBe(2.16);
		expect(first.items[0].json.cost).toMatchObject({ priceSource: 'fal', usdPer1000Tokens: 0.02, priceNote: '$0.02 per 1000 tokens' });
		expect(second.items[0].json.cost).toMatchObject({ priceSource: 'fal', pricedAt: (first.items[0].json.cost as IDataObject).pricedAt });
		expect(fake.requests('pricing')).toHaveLength(1);
		expect(fake.requests('pricing')[0].query).toEqual({ endpoint_id: FAST_I2V });
		expect(fake.requests('pricing')[0].headers.authorization).toMatch(/^Key /);
	});

	test("standard 4k keeps the schema's lower rate in proportion to fal's listed price", async () => {
		const t2v = { operation: 'generate', mode: 'submitOnly', tier: 'standard', resolution: '4k', duration: '5', prompt: 'A lighthouse at dusk' };
		const atSchemaPrice = await runFamilyNode(fake, 'text-to-video', t2v);
		// 972,000 tokens at $0.008/1k (4k) = $7.776.
		expect(atSchemaPrice.items[0].json.cost).toMatchObject({ estimatedUsd: 7.776, usdPer1000Tokens: 0.008, priceSource: 'fal' });

		clearPriceCache();
		fake.setPrice('bytedance/seedance-2.0/text-to-video', { unit_price: 0.028 });
		try {
			const doubled = await runFamilyNode(fake, 'text-to-video', t2v);
			expect(doubled.items[0].json.cost).toMatchObject({ estimatedUsd: 15.552, usdPer1000Tokens: 0.016, priceSource: 'fal' });
		} finally {
			fake.setPrice('bytedance/seedance-2.0/text-to-video', { unit_price: 0.014 });
		}
	});

	test('after 24 hours the price is read again', async () => {
		await runSeedance(fake, parameters('submitOnly', {}), { items: batch(['5']) });
		const now = Date.now();
		const clock = jest.spyOn(Date, 'now').mockReturnValue(now + 24 * 60 * 60 * 1000 + 1000);
		try {
			await runSeedance(fake, parameters('submitOnly', {}), { items: batch(['5']) });
		} finally {
			clock.mockRestore();
		}
		expect(fake.requests('pricing')).toHaveLength(2);
	});

	test("when fal's price list fails, the schema's price is used and the output says why", async () => {
		fake.fault({ on: 'pricing', status: 503 });
		const result = await runSeedance(fake, parameters('submitOnly', { maxCostPerExecutionUsd: 2 }), { items: batch(['5']) });

		expect(result.status).toBe('success');
		expect(result.items[0].json.cost).toMatchObject({ priceSource: 'schema', usdPer1000Tokens: 0.0112, priceNote: "fal's price list could not be read (HTTP 503)" });
		expect(result.items[0].json.estimatedCostUsd).toBe(1.2096);
	});

	test("a failed lookup is not cached: the next run reads fal's price again", async () => {
		fake.fault({ on: 'pricing', drop: true });
		const first = await runSeedance(fake, parameters('submitOnly', {}), { items: batch(['5']) });
		const second = await runSeedance(fake, parameters('submitOnly', {}), { items: batch(['5']) });

		expect((first.items[0].json.cost as IDataObject).priceSource).toBe('schema');
		expect((second.items[0].json.cost as IDataObject).priceSource).toBe('fal');
	});

	test("a unit that does not convert to tokens, or an unlisted endpoint, falls back to the schema's price", async () => {
		fake.setPrice(FAST_I2V, { unit_price: 0.24, unit: 'seconds' });
		const perSecond = await runSeedance(fake, parameters('submitOnly', {}), { items: batch(['5']) });
		expect(perSecond.items[0].json.cost).toMatchObject({ priceSource: 'schema', priceNote: 'fal lists USD 0.24 per "seconds", which does not convert to tokens' });

		clearPriceCache();
		fake.setPrice(FAST_I2V, null);
		const unlisted = await runSeedance(fake, parameters('submitOnly', {}), { items: batch(['5']) });
		expect(unlisted.items[0].json.cost).toMatchObject({ priceSource: 'schema', priceNote: `fal listed no price for ${FAST_I2V}` });
	});

	test("a price list that does not answer in time is given up after 10 s and the schema's price used", async () => {
		fake.fault({ on: 'pricing', drop: true, delayMs: 12_000 });
		const result = await runSeedance(fake, parameters('submitOnly', {}), { items: batch(['5']) });

		expect(result.status).toBe('success');
		expect(result.items[0].json.cost).toMatchObject({ priceSource: 'schema', priceNote: "fal's price list could not be read (no answer within 10 s)" });
		expect(fake.requests('submit')).toHaveLength(1);
	}, 30_000);
});
