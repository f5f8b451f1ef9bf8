/** The fake's copy of fal's input schemas agrees with the family schema the nodes are built from. */
import { getVariant, KINDS, REFERENCE_LIMITS, VARIANTS } from '../../nodes/shared/schema';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const fakeSchema = require('./seedance-schema.js');

const PROMPT = { prompt: 'A bottle spins on a table' };

test('the fake knows every endpoint of the family, with the same resolutions and bitrate mode', () => {
	for (const variant of VARIANTS) {
		expect(fakeSchema.variantForEndpoint(variant.endpoint)).toEqual({ tier: variant.id, kind: variant.kind });
		expect(fakeSchema.TIERS[variant.id].resolutions).toEqual(variant.resolutions);
		expect(fakeSchema.TIERS[variant.id].hasBitrateMode).toBe(variant.hasBitrateMode);
		expect(fakeSchema.TIERS[variant.id].hasCodec).toBe(variant.hasCodec);
	}
	expect(fakeSchema.KINDS).toEqual(KINDS);
	expect(fakeSchema.variantForEndpoint('bytedance/seedance-2.0/turbo/text-to-video')).toBeUndefined();
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
