/**
 * Seedance 2.5 in every kind, in n8n-core's engine against the fake fal: new nodes (version 2) start on
 * it, every field reaches fal as the schema says (versions.ts), and each refusal comes before anything
 * is uploaded or submitted, naming the field and the item. Version 1 nodes reach 2.5 by choosing it.
 */
import { readFileSync } from 'fs';
import path from 'path';

import { startFakeFal, type FakeFal } from '../fake-fal';
import type { TriggerItem } from '../harness/nodeTypes';
import { API_KEY, runFamilyNode, SAMPLE_VIDEO, TINY_PNG, videoOfSeconds, lastSubmit } from './seedance';
import type { Kind } from '../../nodes/shared/schema';

const MP3 = readFileSync(path.join(__dirname, '../media/fixtures/tone-1.5s.mp3'));
const V2 = { typeVersion: 2 };

let fake: FakeFal;
beforeAll(async () => {
	fake = await startFakeFal({ apiKey: API_KEY, queueMs: 20, jobMs: 60 });
});
afterAll(async () => await fake.close());

const generate = (overrides: Record<string, unknown> = {}) => ({ operation: 'generate', mode: 'waitForCompletion', ...overrides });

async function refused(kind: Kind, parameters: Record<string, unknown>, items: TriggerItem[] = [{ json: {} }], typeVersion = 2) {
	const submits = fake.requests('submit').length;
	const uploads = fake.uploads.size;
	const result = await runFamilyNode(fake, kind, generate(parameters), { items, typeVersion });
	expect(result.status).toBe('error');
	expect(fake.requests('submit')).toHaveLength(submits);
	expect(fake.uploads.size).toBe(uploads);
	return result.error?.message;
}

describe('Text-to-Video on Seedance 2.5', () => {
	test('a new node (version 2) starts on 2.5: its endpoint, its fields, a 30 s clip and its price', async () => {
		const result = await runFamilyNode(fake, 'text-to-video', generate({ prompt: 'A kite over the sea', duration: '30', resolution: '1080p', aspectRatio: '21:9', generateAudio: false, additionalFields: { endUserId: 'u-9' } }), V2);
		expect(result.error?.message).toBeUndefined();
		expect(lastSubmit(fake)).toEqual({
			path: '/bytedance/seedance-2.5/text-to-video',
			input: { prompt: 'A kite over the sea', resolution: '1080p', duration: '30', aspect_ratio: '21:9', generate_audio: false, end_user_id: 'u-9' },
		});
		const json = result.items[0].json;
		expect(json).toMatchObject({ endpoint: 'bytedance/seedance-2.5/text-to-video', status: 'COMPLETED' });
		// 1920×1080×30×24/1024 = 1,458,000 tokens × $0.0234/1000
		expect(json.estimatedCostUsd).toBe(34.1172);
	});

	test('a version 1 node reaches 2.5 by choosing it; the 2.0 tier it had is not used', async () => {
		await runFamilyNode(fake, 'text-to-video', generate({ model: '2.5', tier: 'mini', prompt: 'A kite', duration: '20' }));
		expect(lastSubmit(fake)).toEqual({ path: '/bytedance/seedance-2.5/text-to-video', input: { prompt: 'A kite', resolution: '720p', duration: '20', aspect_ratio: 'auto', generate_audio: true } });
	});

	test('a version 2 node set to Seedance 2.0 sends what version 1 sends', async () => {
		await runFamilyNode(fake, 'text-to-video', generate({ model: '2.0', prompt: 'A kite' }), V2);
		expect(lastSubmit(fake)).toEqual({ path: '/bytedance/seedance-2.0/fast/text-to-video', input: { prompt: 'A kite', resolution: '720p', duration: 'auto', aspect_ratio: 'auto', generate_audio: true } });
	});

	test.each([
		[{ prompt: ' ' }, 'Prompt: is empty [item 0]'],
		[{ prompt: 'x', resolution: '4k' }, 'Resolution: "4k" is not offered by Seedance 2.5. Use one of: 480p, 720p, 1080p [item 0]'],
		[{ prompt: 'x', duration: '31' }, 'Duration: "31" is not allowed. Use one of: auto, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30 [item 0]'],
		[{ prompt: 'x', model: '3.0' }, 'Model: "3.0" is not allowed. Use one of: 2.5, 2.0 [item 0]'],
	])('refused before anything is sent: %j', async (parameters, message) => {
		expect(await refused('text-to-video', parameters)).toBe(message);
	});

	test('Bitrate Mode and Codec are 2.0 fields: hidden on 2.5, so a value left from 2.0 is not sent', async () => {
		await runFamilyNode(fake, 'text-to-video', generate({ prompt: 'x', additionalFields: { bitrateMode: 'high', codec: 'H265', endUserId: 'u' } }), V2);
		expect(lastSubmit(fake).input).toEqual({ prompt: 'x', resolution: '720p', duration: 'auto', aspect_ratio: 'auto', generate_audio: true, end_user_id: 'u' });
	});

	test('Seedance 2.0 still stops at 15 s', async () => {
		expect(await refused('text-to-video', { model: '2.0', prompt: 'x', duration: '20' })).toBe(
			'Duration: "20" is not allowed. Use one of: auto, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15 [item 0]',
		);
	});

	test('Get Status and Get Result find a 2.5 request on 2.5\'s queue', async () => {
		const submitted = await runFamilyNode(fake, 'text-to-video', generate({ mode: 'submitOnly', prompt: 'A kite', duration: '4' }), V2);
		expect(submitted.error?.message).toBeUndefined();
		const requestId = String(submitted.items[0].json.requestId);
		const status = await runFamilyNode(fake, 'text-to-video', { operation: 'getStatus', requestId }, V2);
		expect(status.error?.message).toBeUndefined();
		expect(status.items[0].json).toMatchObject({ requestId, endpoint: 'bytedance/seedance-2.5/text-to-video' });
		expect(fake.requests('status').slice(-1)[0].path).toBe(`/bytedance/seedance-2.5/requests/${requestId}/status`);
		if (fake.jobs.get(requestId)?.status !== 'COMPLETED') await new Promise((resolve) => fake.once('completed', resolve));
		const got = await runFamilyNode(fake, 'text-to-video', { operation: 'getResult', requestId, options: { returnUrlOnly: true } }, V2);
		expect(got.items[0].json).toMatchObject({ requestId, status: 'COMPLETED' });
		expect(fake.requests('result').slice(-1)[0].path).toBe(`/bytedance/seedance-2.5/requests/${requestId}`);
	});
});

describe('Image-to-Video on Seedance 2.5', () => {
	const image = { imageSource: 'url', imageUrl: 'https://images.example.com/cat.jpg' };

	test('no aspect ratio is sent (fal fixes it to the image\'s) and no seed; the end image and 30 s are', async () => {
		await runFamilyNode(
			fake,
			'image-to-video',
			generate({ ...image, prompt: 'The cat blinks', aspectRatio: '16:9', duration: '30', endImageSource: 'url', endImageUrl: 'https://images.example.com/end.png', additionalFields: { seed: 7 } }),
			V2,
		);
		expect(lastSubmit(fake)).toEqual({
			path: '/bytedance/seedance-2.5/image-to-video',
			input: { prompt: 'The cat blinks', resolution: '720p', duration: '30', generate_audio: true, image_url: 'https://images.example.com/cat.jpg', end_image_url: 'https://images.example.com/end.png' },
		});
	});

	test('the prompt is optional: an empty one is left out', async () => {
		const result = await runFamilyNode(fake, 'image-to-video', generate({ ...image, prompt: '' }), V2);
		expect(result.status).toBe('success');
		expect(lastSubmit(fake).input).toEqual({ resolution: '720p', duration: 'auto', generate_audio: true, image_url: 'https://images.example.com/cat.jpg' });
	});

	test('a binary start image is checked, then uploaded', async () => {
		const item: TriggerItem = { json: {}, binary: { data: { data: TINY_PNG, mimeType: 'image/png', fileName: 'cat.png' } } };
		await runFamilyNode(fake, 'image-to-video', generate({ imageSource: 'binary', prompt: 'The cat blinks' }), { ...V2, items: [item] });
		expect(String(lastSubmit(fake).input.image_url)).toContain('/files/uploads/');
		const gif: TriggerItem = { json: {}, binary: { data: { data: Buffer.from('GIF89a\x01\x00\x01\x00\x00\x00\x00;', 'binary'), mimeType: 'image/gif' } } };
		expect(await refused('image-to-video', { imageSource: 'binary', prompt: 'x' }, [gif])).toMatch(/^Start Image Binary Property: "data" \(labelled image\/gif\) is a GIF image \[item 0\]$/);
	});

	test('Seedance 2.0 still needs a prompt and sends the aspect ratio', async () => {
		expect(await refused('image-to-video', { ...image, model: '2.0', prompt: ' ' })).toBe('Prompt: is empty [item 0]');
		await runFamilyNode(fake, 'image-to-video', generate({ ...image, model: '2.0', prompt: 'x', aspectRatio: '1:1' }), V2);
		expect(lastSubmit(fake).input).toMatchObject({ aspect_ratio: '1:1' });
	});
});

describe('Reference-to-Video on Seedance 2.5', () => {
	const urls = (count: number, extension: string) => Array.from({ length: count }, (_, index) => `https://x.example.com/${index + 1}.${extension}`).join('\n');

	test('the task and up to 30 images, 10 videos and 10 audio reach fal', async () => {
		const result = await runFamilyNode(
			fake,
			'reference-to-video',
			generate({
				prompt: 'Cut @Video1 to the beat of @Audio1, with @Image30 at the end',
				task: 'editing',
				referenceImageSource: 'url',
				referenceImageUrls: urls(30, 'png'),
				referenceVideoSource: 'url',
				referenceVideoUrls: urls(10, 'mp4'),
				referenceAudioSource: 'url',
				referenceAudioUrls: urls(10, 'mp3'),
				duration: '12',
			}),
			V2,
		);
		expect(result.error?.message).toBeUndefined();
		const { path: submitted, input } = lastSubmit(fake);
		expect(submitted).toBe('/bytedance/seedance-2.5/reference-to-video');
		expect(Object.keys(input)).toEqual(['prompt', 'resolution', 'duration', 'aspect_ratio', 'generate_audio', 'task', 'image_urls', 'video_urls', 'audio_urls']);
		expect(input).toMatchObject({ task: 'editing', duration: '12' });
		expect((input.image_urls as string[]).length).toBe(30);
	});

	test('the task defaults to reference; audio alone is accepted on 2.5 (not on 2.0)', async () => {
		const item: TriggerItem = { json: {}, binary: { jingle: { data: MP3, mimeType: 'audio/mpeg', fileName: 'jingle.mp3' } } };
		const parameters = { prompt: 'A dance to @Audio1', referenceAudioSource: 'binary', referenceAudioBinaryProperties: 'jingle' };
		const result = await runFamilyNode(fake, 'reference-to-video', generate(parameters), { ...V2, items: [item] });
		expect(result.error?.message).toBeUndefined();
		expect(lastSubmit(fake).input).toMatchObject({ task: 'reference', audio_urls: [expect.stringContaining('/files/uploads/')] });
		expect(await refused('reference-to-video', { ...parameters, model: '2.0' }, [item])).toBe(
			'Reference Audio: audio alone is not accepted: fal needs at least one reference image or video with it [item 0]',
		);
	});

	test('a binary video\'s seconds are billed with the output\'s at × 0.6', async () => {
		const item: TriggerItem = { json: {}, binary: { clip: { data: SAMPLE_VIDEO, mimeType: 'video/mp4', fileName: 'clip.mp4' } } };
		const result = await runFamilyNode(fake, 'reference-to-video', generate({ prompt: 'Like @Video1', referenceVideoSource: 'binary', referenceVideoBinaryProperties: 'clip', duration: '5' }), { ...V2, items: [item] });
		// (5 s + 3 s) × 21,600 tokens × $0.0214/1000 × 0.6
		expect(result.items[0].json.estimatedCostUsd).toBe(2.2188);
	});

	describe('each refusal names the field, the reference and the item, before any upload', () => {
		const clip = (seconds: number) => ({ data: videoOfSeconds(seconds), mimeType: 'video/mp4' });

		test('31 images', async () => {
			expect(await refused('reference-to-video', { prompt: 'x', referenceImageSource: 'url', referenceImageUrls: urls(31, 'png') })).toBe(
				'Reference Images: 31 given, fal takes at most 30 [item 0]',
			);
		});

		test('11 videos', async () => {
			expect(await refused('reference-to-video', { prompt: 'x', referenceVideoSource: 'url', referenceVideoUrls: urls(11, 'mp4') })).toBe(
				'Reference Videos: 11 given, fal takes at most 10 [item 0]',
			);
		});

		test('a video shorter than 1.8 s', async () => {
			const item: TriggerItem = { json: {}, binary: { a: clip(1.5) } };
			expect(await refused('reference-to-video', { prompt: 'x', referenceVideoSource: 'allBinaries' }, [item])).toBe(
				'Reference Videos: @Video1 (binary property "a") is only 1.5 s long; fal needs at least 1.8 s per video [item 0]',
			);
		});

		test('videos longer than 30.2 s together', async () => {
			const item: TriggerItem = { json: {}, binary: { a: clip(20), b: clip(12) } };
			expect(await refused('reference-to-video', { prompt: 'x', referenceVideoSource: 'allBinaries' }, [item])).toBe(
				'Reference Videos: together 32 s long, over fal\'s limit of 30.2 s (@Video1 (binary property "a") 20 s, @Video2 (binary property "b") 12 s) [item 0]',
			);
		});

		test('editing or extension without a reference video', async () => {
			const message = await refused('reference-to-video', { prompt: 'x', task: 'extension', referenceImageSource: 'url', referenceImageUrls: urls(1, 'png') });
			expect(message).toBe('Task: "extension" works on a reference video, but no reference video is given [item 0]');
		});

		test('a task fal does not know', async () => {
			expect(await refused('reference-to-video', { prompt: 'x', task: 'remix', referenceImageSource: 'url', referenceImageUrls: urls(1, 'png') })).toBe(
				'Task: "remix" is not allowed. Use one of: reference, editing, extension [item 0]',
			);
		});
	});

	test('Seedance 2.0 keeps its limits and sends no task', async () => {
		expect(await refused('reference-to-video', { model: '2.0', prompt: 'x', referenceImageSource: 'url', referenceImageUrls: urls(10, 'png') })).toBe(
			'Reference Images: 10 given, fal takes at most 9 [item 0]',
		);
		await runFamilyNode(fake, 'reference-to-video', generate({ model: '2.0', prompt: 'x', task: 'editing', referenceImageSource: 'url', referenceImageUrls: urls(1, 'png') }), V2);
		expect(lastSubmit(fake).input).not.toHaveProperty('task');
	});
});
