import {
	estimateCostUsd,
	tokenPriceUsd,
	findVariantByEndpoint,
	getVariant,
	modelName,
	usdPerSecondAt720p,
	VARIANTS,
	variantsOf,
	type Kind,
} from '../../nodes/shared/schema';

describe('one schema for the family', () => {
	test('every kind has 2.0\'s three tiers at fal-js\'s endpoint ids, and 2.5\'s one tier', () => {
		const endpoints = VARIANTS.map((variant) => variant.endpoint).sort();
		expect(endpoints).toEqual(
			[
				'bytedance/seedance-2.0/text-to-video',
				'bytedance/seedance-2.0/fast/text-to-video',
				'bytedance/seedance-2.0/mini/text-to-video',
				'bytedance/seedance-2.0/image-to-video',
				'bytedance/seedance-2.0/fast/image-to-video',
				'bytedance/seedance-2.0/mini/image-to-video',
				'bytedance/seedance-2.0/reference-to-video',
				'bytedance/seedance-2.0/fast/reference-to-video',
				'bytedance/seedance-2.0/mini/reference-to-video',
				'bytedance/seedance-2.5/text-to-video',
				'bytedance/seedance-2.5/image-to-video',
				'bytedance/seedance-2.5/reference-to-video',
			].sort(),
		);
		for (const endpoint of endpoints) expect(findVariantByEndpoint(endpoint)?.endpoint).toBe(endpoint);
	});

	test('a tier offers the same resolutions and bitrate mode in every kind', () => {
		for (const kind of ['text-to-video', 'reference-to-video'] as Kind[]) {
			for (const tier of variantsOf('image-to-video')) {
				const variant = getVariant(kind, tier.id);
				expect(variant.resolutions).toEqual(tier.resolutions);
				expect(variant.hasBitrateMode).toBe(tier.hasBitrateMode);
			}
		}
		expect(getVariant('reference-to-video', 'standard').resolutions).toContain('4k');
		expect(getVariant('text-to-video', 'mini').hasBitrateMode).toBe(false);
	});


	test('an unknown tier is named back with the choices', () => {
		expect(() => getVariant('text-to-video', 'turbo')).toThrow('Unknown model tier "turbo". Choose one of: Fast, Standard, Mini');
	});
});

describe('Seedance 2.5', () => {
	const v25 = (kind: Kind) => getVariant(kind, 'standard', '2.5');

	test('one tier: 480p to 1080p, up to 30 s, draft at 480p completed at 1080p', () => {
		expect(variantsOf('text-to-video', '2.5').map((variant) => variant.endpoint)).toEqual(['bytedance/seedance-2.5/text-to-video']);
		expect(v25('image-to-video').resolutions).toEqual(['480p', '720p', '1080p']);
		expect(v25('text-to-video').durations).toContain('30');
		expect(getVariant('text-to-video', 'fast').durations).not.toContain('16');
		expect(v25('reference-to-video').draft).toEqual({ resolution: '480p', completeEndpoint: 'bytedance/seedance-2.5/draft/complete', completeResolution: '1080p', validDays: 7 });
		expect(getVariant('text-to-video', 'fast').draft).toBeUndefined();
	});

	test('image-to-video has no aspect ratio and an optional prompt; reference-to-video has the task and 2.5\'s limits', () => {
		expect(v25('image-to-video')).toMatchObject({ promptRequired: false, hasSeed: false });
		expect(v25('image-to-video').aspectRatios).toBeUndefined();
		expect(v25('text-to-video').promptRequired).toBe(true);
		const r2v = v25('reference-to-video');
		expect(r2v.tasks).toEqual(['reference', 'editing', 'extension']);
		expect(r2v.references?.limits.image.maxCount).toBe(30);
		expect(r2v.references?.limits.video).toMatchObject({ maxCount: 10, minSecondsEach: 1.8, maxSecondsEach: 30.2, maxSecondsTotal: 30.2 });
		expect(r2v.references?.maxFiles).toBe(50);
		expect(getVariant('reference-to-video', 'mini').tasks).toBeUndefined();
	});

	test('priced at $0.0214 per 1000 tokens to 720p and $0.0234 at 1080p; reference videos bill × 0.6', () => {
		// 1280×720×10×24/1024 = 216,000 tokens × $0.0214/1000
		expect(estimateCostUsd(v25('text-to-video'), { resolution: '720p', duration: '10' })).toBe(4.6224);
		// 1920×1080×30×24/1024 = 1,458,000 tokens × $0.0234/1000
		expect(estimateCostUsd(v25('image-to-video'), { resolution: '1080p', duration: '30' })).toBe(34.1172);
		expect(estimateCostUsd(v25('reference-to-video'), { resolution: '720p', duration: '5' }, { count: 1, seconds: 5 })).toBe(2.7734);
	});
});

describe('prices follow fal\'s token formula', () => {
	const fast = getVariant('text-to-video', 'fast');
	const standardR2V = getVariant('reference-to-video', 'standard');
	const fastR2V = getVariant('reference-to-video', 'fast');

	test('per second at 720p they match fal\'s quotes', () => {
		expect(usdPerSecondAt720p(fast)).toBe(0.2419);
		expect(usdPerSecondAt720p(getVariant('image-to-video', 'standard'))).toBe(0.3024);
		expect(usdPerSecondAt720p(standardR2V, true)).toBe(0.1814);
		expect(usdPerSecondAt720p(fastR2V, true)).toBe(0.1452);
	});

	test('a fixed duration is priced; "auto" is not known in advance', () => {
		// 1280×720×10×24/1024 = 216,000 tokens × $0.0112/1000
		expect(estimateCostUsd(fast, { resolution: '720p', duration: '10' })).toBe(2.4192);
		expect(estimateCostUsd(fast, { resolution: '720p', duration: 'auto' })).toBeUndefined();
	});

	test('reference-to-video bills the input videos\' seconds with the output\'s, at × 0.6', () => {
		// (5 s out + 3 s in) × 21,600 tokens/s × $0.014/1000 × 0.6
		expect(estimateCostUsd(standardR2V, { resolution: '720p', duration: '5' }, { count: 1, seconds: 3 })).toBe(1.4515);
		// images and audio only: no video rule
		expect(estimateCostUsd(standardR2V, { resolution: '720p', duration: '5' }, { count: 0 })).toBe(1.512);
	});

	test('a reference video of unknown length leaves the estimate open rather than wrong', () => {
		expect(estimateCostUsd(fastR2V, { resolution: '480p', duration: '5' }, { count: 2, seconds: undefined })).toBeUndefined();
	});

	test('standard 4k is billed at $0.008 per 1000 tokens, 480p to 1080p at $0.014; mini at $0.007 in every kind', () => {
		const standard = getVariant('text-to-video', 'standard');
		expect(tokenPriceUsd(standard, '4k')).toBe(0.008);
		expect(tokenPriceUsd(standard, '1080p')).toBe(0.014);
		// 3840×2160×5×24/1024 = 972,000 tokens × $0.008/1000 (it was × $0.014 = 13.608, 75 % too high)
		expect(estimateCostUsd(standard, { resolution: '4k', duration: '5' })).toBe(7.776);
		// 1920×1080×5×24/1024 = 243,000 tokens × $0.014/1000
		expect(estimateCostUsd(getVariant('image-to-video', 'standard'), { resolution: '1080p', duration: '5' })).toBe(3.402);
		for (const kind of ['text-to-video', 'image-to-video', 'reference-to-video'] as const) {
			// 854×480×10×24/1024 = 96,075 tokens × $0.007/1000 (fal's registry quotes $0.0721/s at 480p,
			// a slightly larger frame than our 854×480 assumption)
			expect(estimateCostUsd(getVariant(kind, 'mini'), { resolution: '480p', duration: '10' })).toBe(0.6725);
		}
	});

	test('input video seconds never change the price of the other kinds', () => {
		expect(estimateCostUsd(fast, { resolution: '720p', duration: '10' }, { count: 1, seconds: 5 })).toBe(2.4192);
	});
});

describe('models are named as users see them', () => {
	test('a version with several tiers names the tier; a version with one tier names only the version', () => {
		expect(modelName(getVariant('text-to-video', 'fast', '2.0'))).toBe('Seedance 2.0 Fast');
		expect(modelName(getVariant('image-to-video', 'mini', '2.0'))).toBe('Seedance 2.0 Mini');
		expect(modelName(getVariant('reference-to-video', 'standard', '2.5'))).toBe('Seedance 2.5');
	});
});
