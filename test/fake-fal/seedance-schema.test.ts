/** The fake's copy of fal's input schemas agrees with the family schema the nodes are built from. */
import { getVariant, KINDS, REFERENCE_LIMITS, VARIANTS, VERSIONS } from '../../nodes/shared/schema';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const fakeSchema = require('./seedance-schema.js');

const PROMPT = { prompt: 'A bottle spins on a table' };

test('the fake knows every endpoint of every version, with the same facts as the schema', () => {
	for (const variant of VARIANTS) {
		expect(fakeSchema.variantForEndpoint(variant.endpoint)).toEqual({ version: variant.version, tier: variant.id, kind: variant.kind });
		const version = fakeSchema.VERSIONS[variant.version];
		const tier = version.tiers[variant.id];
		expect(tier.resolutions).toEqual(variant.resolutions);
		expect(tier.hasBitrateMode).toBe(variant.hasBitrateMode);
		expect(tier.hasCodec).toBe(variant.hasCodec);
		expect(version.durations).toEqual(variant.durations);
		expect(version.ownerApp).toBe(variant.ownerApp);
		expect(version.draft).toBe(variant.draft !== undefined);
		expect(version.promptOptional.includes(variant.kind)).toBe(!variant.promptRequired);
		expect(version.noAspectRatio.includes(variant.kind)).toBe(variant.aspectRatios === undefined);
		expect(version.seedKinds.includes(variant.kind)).toBe(variant.hasSeed);
		expect(version.taskKinds.includes(variant.kind)).toBe(variant.tasks !== undefined);
		if (variant.tasks) expect(fakeSchema.TASKS).toEqual(variant.tasks);
		if (variant.references) {
			const { limits, maxFiles, audioNeedsImageOrVideo } = variant.references;
			expect(version.references).toEqual({
				lists: { image_urls: limits.image.maxCount, video_urls: limits.video.maxCount, audio_urls: limits.audio.maxCount },
				maxFiles,
				audioNeedsImageOrVideo,
			});
		}
	}
	expect(Object.keys(fakeSchema.VERSIONS).sort()).toEqual(VERSIONS.map((version) => version.id).sort());
	expect(fakeSchema.KINDS).toEqual(KINDS);
	expect(fakeSchema.variantForEndpoint('bytedance/seedance-2.0/turbo/text-to-video')).toBeUndefined();
	// 2.5 has one tier: its fast and mini paths answer 404 [OA][LL]
	expect(fakeSchema.variantForEndpoint('bytedance/seedance-2.5/fast/text-to-video')).toBeUndefined();
});

test('2.5 takes durations up to 30 s, no aspect ratio but auto on image-to-video, an optional prompt there, draft and task', () => {
	const image = { image_url: 'https://x.test/a.png' };
	expect(fakeSchema.validateInput({ ...image, duration: '30', draft: true }, 'standard', undefined, 'image-to-video', '2.5')).toEqual([]);
	const wrong = fakeSchema.validateInput({ ...image, aspect_ratio: '16:9', seed: 1, bitrate_mode: 'high' }, 'standard', undefined, 'image-to-video', '2.5');
	expect(wrong.map((entry: { loc: string[] }) => entry.loc[1])).toEqual(['aspect_ratio', 'seed', 'bitrate_mode']);
	expect(fakeSchema.validateInput({ ...PROMPT, duration: '30' }, 'fast', undefined, 'text-to-video', '2.0')[0]).toMatchObject({ loc: ['body', 'duration'], type: 'literal_error' });
	expect(fakeSchema.validateInput({ ...PROMPT, task: 'editing', audio_urls: ['https://x.test/a.mp3'] }, 'standard', undefined, 'reference-to-video', '2.5')).toEqual([]);
	expect(fakeSchema.validateInput({ ...PROMPT, task: 'remix' }, 'standard', undefined, 'reference-to-video', '2.5')[0]).toMatchObject({ loc: ['body', 'task'] });
	expect(fakeSchema.validateInput({ ...PROMPT, task: 'reference' }, 'standard', undefined, 'reference-to-video', '2.0')[0]).toMatchObject({ loc: ['body', 'task'], type: 'extra_forbidden' });
	expect(fakeSchema.validateInput({ ...PROMPT, draft: true }, 'fast', undefined, 'text-to-video', '2.0')[0]).toMatchObject({ loc: ['body', 'draft'], type: 'extra_forbidden' });
});

test('codec takes auto, H264 or H265 on every 2.0 tier', () => {
	expect(fakeSchema.validateInput({ ...PROMPT, codec: 'H264' }, 'mini', undefined, 'text-to-video')).toEqual([]);
	expect(fakeSchema.validateInput({ ...PROMPT, codec: 'h264' }, 'fast', undefined, 'image-to-video').map((entry: { loc: string[] }) => entry.loc[1])).toContain('codec');
});

test('text-to-video takes a prompt alone and refuses image fields and a seed', () => {
	expect(fakeSchema.validateInput(PROMPT, 'fast', undefined, 'text-to-video')).toEqual([]);
	const detail = fakeSchema.validateInput({ ...PROMPT, image_url: 'https://x.test/a.png', seed: 1 }, 'fast', undefined, 'text-to-video');
	expect(detail.map((entry: { loc: string[]; type: string }) => [entry.loc[1], entry.type])).toEqual([
		['image_url', 'extra_forbidden'],
		['seed', 'extra_forbidden'],
	]);
});

test('reference-to-video checks its lists as the schema says: counts, 12 in all, audio needs an image or video', () => {
	const urls = (count: number) => Array.from({ length: count }, (_, index) => `https://x.test/${index}`);
	expect(fakeSchema.validateInput({ ...PROMPT, image_urls: urls(9), video_urls: urls(3) }, 'standard', undefined, 'reference-to-video')).toEqual([]);
	const tooMany = fakeSchema.validateInput({ ...PROMPT, image_urls: urls(10) }, 'standard', undefined, 'reference-to-video');
	expect(tooMany[0]).toMatchObject({ loc: ['body', 'image_urls'], type: 'too_long', ctx: { max_length: REFERENCE_LIMITS.image.maxCount } });
	const thirteen = fakeSchema.validateInput({ ...PROMPT, image_urls: urls(9), video_urls: urls(3), audio_urls: urls(1) }, 'standard', undefined, 'reference-to-video');
	expect(thirteen[0].msg).toContain('must not exceed 12');
	const audioAlone = fakeSchema.validateInput({ ...PROMPT, audio_urls: urls(1) }, 'mini', undefined, 'reference-to-video');
	expect(audioAlone[0]).toMatchObject({ loc: ['body', 'audio_urls'], type: 'value_error' });
	expect(fakeSchema.validateInput({ ...PROMPT, image_urls: ['ftp://x'] }, 'fast', undefined, 'reference-to-video')[0]).toMatchObject({
		loc: ['body', 'image_urls', 0],
		type: 'file_download_error',
	});
	expect(getVariant('reference-to-video', 'mini').hasBitrateMode).toBe(false);
	expect(fakeSchema.validateInput({ ...PROMPT, bitrate_mode: 'high' }, 'mini', undefined, 'reference-to-video')[0].type).toBe('extra_forbidden');
});
