/**
 * Seedance Reference-to-Video in n8n-core's engine against the fake fal: references from URLs, named
 * binary properties or all binaries of the item; every check before any upload, each error naming the
 * field, the reference and the item; the cost with input videos. Protocol details are shared with
 * Image-to-Video and tested there.
 */
import { readFileSync } from 'fs';
import path from 'path';

import { startFakeFal, type FakeFal } from '../fake-fal';
import type { TriggerItem } from '../harness/nodeTypes';
import { API_KEY, runFamilyNode, SAMPLE_VIDEO, TINY_PNG, videoOfSeconds as longVideo, lastSubmit } from './seedance';

const MP3 = readFileSync(path.join(__dirname, '../media/fixtures/tone-1.5s.mp3'));
const FLAC = readFileSync(path.join(__dirname, '../media/fixtures/tone.flac'));

let fake: FakeFal;
beforeAll(async () => {
	fake = await startFakeFal({ apiKey: API_KEY, queueMs: 30, jobMs: 120 });
});
afterAll(async () => await fake.close());

const generate = (overrides: Record<string, unknown> = {}) => ({
	operation: 'generate',
	mode: 'waitForCompletion',
	tier: 'fast',
	prompt: 'The bottle from @Image1 spins, logo @Image2 fades in, music from @Audio1',
	duration: '5',
	...overrides,
});

/** An item like one from Google Drive + HTTP Request: a product photo, a logo, a clip and a jingle. */
function productItem(): TriggerItem {
	return {
		json: {},
		binary: {
			product: { data: TINY_PNG, mimeType: 'image/png', fileName: 'product.png' },
			clip: { data: SAMPLE_VIDEO, mimeType: 'video/mp4', fileName: 'clip.mp4' },
			logo: { data: TINY_PNG, mimeType: 'image/png', fileName: 'logo.png' },
			jingle: { data: MP3, mimeType: 'audio/mpeg', fileName: 'jingle.mp3' },
		},
	};
}

function uploadedBytes(url: unknown): Buffer | undefined {
	return [...fake.uploads.values()].find((upload) => upload.fileUrl === url)?.bytes;
}

test('named binary properties are checked, uploaded in order and sent as image_urls, video_urls and audio_urls', async () => {
	const result = await runFamilyNode(
		fake,
		'reference-to-video',
		generate({
			referenceImageSource: 'binary',
			referenceImageBinaryProperties: 'product, logo',
			referenceVideoSource: 'binary',
			referenceVideoBinaryProperties: 'clip',
			referenceAudioSource: 'binary',
			referenceAudioBinaryProperties: 'jingle',
			prompt: 'The bottle from @Image1 spins like @Video1, logo @Image2 fades in, music from @Audio1',
		}),
		{ items: [productItem()] },
	);

	expect(result.status).toBe('success');
	const { path: endpointPath, input } = lastSubmit(fake);
	expect(endpointPath).toBe('/bytedance/seedance-2.0/fast/reference-to-video');
	const images = input.image_urls as string[];
	expect(images).toHaveLength(2);
	expect(uploadedBytes(images[0])).toEqual(TINY_PNG);
	expect([...fake.uploads.values()].find((upload) => upload.fileUrl === images[1])?.fileName).toBe('logo.png');
	expect(uploadedBytes((input.video_urls as string[])[0])).toEqual(SAMPLE_VIDEO);
	expect(uploadedBytes((input.audio_urls as string[])[0])).toEqual(MP3);
	expect(input).not.toHaveProperty('seed');
	// (5 s out + 3 s of input video) at 720p × $0.0112/1000 × 0.6
	expect(result.items[0].json).toMatchObject({ endpoint: 'bytedance/seedance-2.0/fast/reference-to-video', estimatedCostUsd: 1.1612 });
});

test('"All binaries of the item" takes every binary of each type, in the item\'s order', async () => {
	await runFamilyNode(
		fake,
		'reference-to-video',
		generate({ referenceImageSource: 'allBinaries', referenceAudioSource: 'allBinaries', prompt: 'The bottle @Image1 and the logo @Image2, music @Audio1' }),
		{ items: [productItem()] },
	);
	const { input } = lastSubmit(fake);
	const names = (input.image_urls as string[]).map((url) => [...fake.uploads.values()].find((upload) => upload.fileUrl === url)?.fileName);
	expect(names).toEqual(['product.png', 'logo.png']);
	expect(input.audio_urls).toHaveLength(1);
	expect(input).not.toHaveProperty('video_urls');
});

test('URLs (one per line, or a list from an expression) go to fal as they are, and the cost is left open for a URL video', async () => {
	const result = await runFamilyNode(
		fake,
		'reference-to-video',
		generate({
			referenceImageSource: 'url',
			referenceImageUrls: 'https://cdn.example.com/bottle.png\nhttps://cdn.example.com/logo.png',
			referenceVideoSource: 'url',
			referenceVideoUrls: '={{ ["https://cdn.example.com/spin.mp4"] }}',
			prompt: 'The bottle @Image1 spins like @Video1 with @Image2',
		}),
	);
	expect(lastSubmit(fake).input).toMatchObject({
		image_urls: ['https://cdn.example.com/bottle.png', 'https://cdn.example.com/logo.png'],
		video_urls: ['https://cdn.example.com/spin.mp4'],
	});
	expect(result.items[0].json.estimatedCostUsd).toBeUndefined();
});

describe('each problem is refused before anything is uploaded, naming the field, the reference and the item', () => {
	async function refused(overrides: Record<string, unknown>, items: TriggerItem[] = [productItem()]) {
		const submits = fake.requests('submit').length;
		const uploads = fake.uploads.size;
		const result = await runFamilyNode(fake, 'reference-to-video', generate(overrides), { items });
		expect(result.status).toBe('error');
		expect(fake.requests('submit')).toHaveLength(submits);
		expect(fake.uploads.size).toBe(uploads);
		return result.error;
	}

	test('a prompt naming @Image4 when three images are given', async () => {
		const error = await refused({
			referenceImageSource: 'url',
			referenceImageUrls: 'https://x.test/1.png, https://x.test/2.png, https://x.test/3.png',
			prompt: 'Put @Image4 on the table',
		});
		expect(error?.message).toBe('Prompt: names @Image4, but only 3 images are given (@Image1…@Image3) [item 0]');
		expect(error?.description).toContain('@Image1 is the first entry of Reference Images');
	});

	test('audio alone', async () => {
		const error = await refused({ referenceAudioSource: 'binary', referenceAudioBinaryProperties: 'jingle', prompt: 'music @Audio1' });
		expect(error?.message).toBe('Reference Audio: audio alone is not accepted: fal needs at least one reference image or video with it [item 0]');
	});

	test('an audio file that is really FLAC, named by its property', async () => {
		const item: TriggerItem = { json: {}, binary: { product: { data: TINY_PNG, mimeType: 'image/png' }, song: { data: FLAC, mimeType: 'audio/mpeg', fileName: 'song.mp3' } } };
		const error = await refused({ referenceImageSource: 'binary', referenceImageBinaryProperties: 'product', referenceAudioSource: 'binary', referenceAudioBinaryProperties: 'song', prompt: '@Image1 with @Audio1' }, [item]);
		expect(error?.message).toBe('Reference Audio: @Audio1 (binary property "song") is FLAC, not MP3, WAV [item 0]');
	});

	test('a text file given as an image', async () => {
		const item: TriggerItem = { json: {}, binary: { notes: { data: Buffer.from('just some text'), mimeType: 'image/png' } } };
		const error = await refused({ referenceImageSource: 'binary', referenceImageBinaryProperties: 'notes', prompt: 'A still life' }, [item]);
		expect(error?.message).toMatch(/^Reference Images: @Image1 \(binary property "notes"\) is text, not an image, not JPEG, PNG, WEBP \[item 0\]$/);
	});

	test('three 3 s videos pass; one of 16 s is refused with its length named', async () => {
		const item: TriggerItem = {
			json: {},
			binary: Object.fromEntries(['a', 'b', 'c'].map((name) => [name, { data: SAMPLE_VIDEO, mimeType: 'video/mp4' }])),
		};
		// three 3 s clips are fine
		const ok = await runFamilyNode(fake, 'reference-to-video', generate({ referenceVideoSource: 'allBinaries', prompt: 'like @Video3' }), { items: [item] });
		expect(ok.status).toBe('success');
		const long: TriggerItem = { json: {}, binary: { a: { data: longVideo(16), mimeType: 'video/mp4' } } };
		const error = await refused({ referenceVideoSource: 'binary', referenceVideoBinaryProperties: 'a', prompt: 'like @Video1' }, [long]);
		expect(error?.message).toBe('Reference Videos: together 16 s long, over fal\'s limit of 15 s (@Video1 (binary property "a") 16 s) [item 0]');
	});

	test('a missing binary property lists the ones the item has', async () => {
		const error = await refused({ referenceImageSource: 'binary', referenceImageBinaryProperties: 'product, photo', prompt: 'x' });
		expect(error?.message).toBe('Reference Images: the item has no binary property "photo" [item 0]');
		expect(error?.description).toBe("The item's binary properties are: product, clip, logo, jingle.");
	});

	test('ten image URLs', async () => {
		const urls = Array.from({ length: 10 }, (_, index) => `https://x.test/${index}.png`).join('\n');
		const error = await refused({ referenceImageSource: 'url', referenceImageUrls: urls, prompt: 'x' });
		expect(error?.message).toBe('Reference Images: 10 given, fal takes at most 9 [item 0]');
	});
});

test('with Continue On Fail, an item with bad references fails alone and the others are generated', async () => {
	const good = productItem();
	const bad: TriggerItem = { json: {}, binary: { product: { data: TINY_PNG, mimeType: 'image/png' } } };
	const result = await runFamilyNode(
		fake,
		'reference-to-video',
		generate({ referenceImageSource: 'binary', referenceImageBinaryProperties: 'product, logo', prompt: '@Image1 and @Image2' }),
		{ items: [good, bad], continueOnFail: true },
	);
	expect(result.status).toBe('success');
	expect(result.items[0].json.status).toBe('COMPLETED');
	expect(result.items[1].json.error).toBe('Reference Images: the item has no binary property "logo" [item 1]');
});

test('Submit Only and Get Result use the reference-to-video endpoint of the tier', async () => {
	const submitted = await runFamilyNode(fake, 'reference-to-video', generate({ mode: 'submitOnly', tier: 'standard', referenceImageSource: 'url', referenceImageUrls: 'https://x.test/a.png', prompt: '@Image1 turns' }));
	const requestId = String(submitted.items[0].json.requestId);
	expect(submitted.items[0].json.endpoint).toBe('bytedance/seedance-2.0/reference-to-video');
	await fake.finish(requestId);
	const got = await runFamilyNode(fake, 'reference-to-video', { operation: 'getResult', tier: 'standard', requestId, options: { returnUrlOnly: true } });
	expect(got.items[0].json).toMatchObject({ requestId, status: 'COMPLETED', endpoint: 'bytedance/seedance-2.0/reference-to-video' });
});

