import { startFakeFal, type FakeFal } from '../fake-fal';
import { API_KEY, generateParameters, IMAGE_URL, pngItem, runSeedance, SAMPLE_VIDEO, TINY_PNG } from './seedance';

let fake: FakeFal;
beforeAll(async () => {
	fake = await startFakeFal({ apiKey: API_KEY, queueMs: 30, jobMs: 120 });
});
afterAll(async () => await fake.close());

function submittedInputs() {
	return fake.requests('submit').map((entry) => ({ path: entry.path, input: entry.body }));
}

describe('Generate Video, Wait for Completion', () => {
	test('an image URL comes back as an MP4 in binary property "data", stored on disk', async () => {
		const result = await runSeedance(fake, generateParameters());

		expect(result.status).toBe('success');
		expect(result.items).toHaveLength(1);
		const [item] = result.items;
		expect(item.pairedItem).toEqual({ item: 0 });
		const video = item.binary?.data;
		expect(video?.mimeType).toBe('video/mp4');
		expect(video?.fileName).toBe(`seedance-${String(item.json.requestId)}.mp4`);
		expect((item.json.video as { fileName?: string }).fileName).toBe(video?.fileName);
		expect(video?.fileExtension).toBe('mp4');
		expect(await result.readBinary(item)).toEqual(SAMPLE_VIDEO);
		expect(result.binaryFilePath(item)).toBeDefined();
	});

	test('the output JSON carries the request, the video, the parameters sent, timings and no cost for auto duration', async () => {
		const result = await runSeedance(fake, generateParameters());
		const json = result.items[0].json as Record<string, any>;
		const job = fake.jobs.get(json.requestId);

		expect(job).toBeDefined();
		expect(json).toMatchObject({
			endpoint: 'bytedance/seedance-2.0/fast/image-to-video',
			tier: 'fast',
			status: 'COMPLETED',
			video: { contentType: 'video/mp4', fileSize: SAMPLE_VIDEO.length },
			parameters: { prompt: 'The cat slowly turns its head and blinks', image_url: IMAGE_URL, duration: 'auto' },
		});
		expect(typeof json.seed).toBe('number');
		expect(json.video.url).toMatch(new RegExp(`^${fake.url}/`));
		expect(json.timings.queuedMs).toBeGreaterThanOrEqual(0);
		// A duration, not a speed: how long it took depends on the machine's load.
		expect(typeof json.timings.generatingMs).toBe('number');
		expect(json.timings.generatingMs).toBeGreaterThanOrEqual(0);
		expect(json.estimatedCostUsd).toBeUndefined();
	});

	test('every field reaches fal exactly as the API expects', async () => {
		fake.log.length = 0;
		await runSeedance(
			fake,
			generateParameters({
				tier: 'standard',
				prompt: '  A dolly zoom on the lighthouse  ',
				endImageSource: 'url',
				endImageUrl: 'https://images.example.com/night.png',
				resolution: '1080p',
				duration: '8',
				aspectRatio: '9:16',
				generateAudio: false,
				additionalFields: { seed: 42, endUserId: 'customer-7', bitrateMode: 'high' },
			}),
		);

		expect(submittedInputs()).toEqual([
			{
				path: '/bytedance/seedance-2.0/image-to-video',
				input: {
					prompt: 'A dolly zoom on the lighthouse',
					image_url: IMAGE_URL,
					end_image_url: 'https://images.example.com/night.png',
					resolution: '1080p',
					duration: '8',
					aspect_ratio: '9:16',
					generate_audio: false,
					seed: 42,
					end_user_id: 'customer-7',
					bitrate_mode: 'high',
				},
			},
		]);
		expect(fake.requests('submit')[0].headers.authorization).toBe(`Key ${API_KEY}`);
	});

	test("the model page's defaults are what a fresh node sends", async () => {
		fake.log.length = 0;
		await runSeedance(fake, generateParameters());
		expect(submittedInputs()[0].input).toEqual({
			prompt: 'The cat slowly turns its head and blinks',
			image_url: IMAGE_URL,
			resolution: '720p',
			duration: 'auto',
			aspect_ratio: 'auto',
			generate_audio: true,
		});
	});

	test('the Mini tier goes to its own endpoint', async () => {
		fake.log.length = 0;
		const result = await runSeedance(fake, generateParameters({ tier: 'mini', resolution: '480p' }));
		expect(result.status).toBe('success');
		expect(submittedInputs()[0].path).toBe('/bytedance/seedance-2.0/mini/image-to-video');
	});

	test('a binary start and end image are uploaded to fal storage and their URLs submitted', async () => {
		fake.log.length = 0;
		const item = pngItem();
		item.binary!.last = { data: Buffer.concat([Buffer.from('RIFF'), Buffer.from('24000000', 'hex'), Buffer.from('WEBPVP8 ')]), mimeType: 'image/webp', fileName: 'last.webp' };
		const result = await runSeedance(
			fake,
			generateParameters({ imageSource: 'binary', imageBinaryProperty: 'data', endImageSource: 'binary', endImageBinaryProperty: 'last' }),
			{ items: [item] },
		);

		expect(result.status).toBe('success');
		const uploads = [...fake.uploads.values()];
		const start = uploads.find((upload) => upload.fileName === 'cat.png');
		const end = uploads.find((upload) => upload.fileName === 'last.webp');
		expect(start?.bytes).toEqual(TINY_PNG);
		expect(start?.contentType).toBe('image/png');
		expect(end?.contentType).toBe('image/webp');
		expect(submittedInputs()[0].input).toMatchObject({ image_url: start?.fileUrl, end_image_url: end?.fileUrl });
		expect(fake.requests('upload-put').every((entry) => entry.headers.authorization === undefined)).toBe(true);
	});

	test('a data URI image is passed through as it is', async () => {
		fake.log.length = 0;
		const dataUri = `data:image/png;base64,${TINY_PNG.toString('base64')}`;
		const result = await runSeedance(fake, generateParameters({ imageUrl: dataUri }));
		expect(result.status).toBe('success');
		expect(submittedInputs()[0].input.image_url).toBe(dataUri);
		expect(fake.requests('upload-initiate')).toHaveLength(0);
	});

	test('a fixed duration gives the cost from the token formula', async () => {
		const result = await runSeedance(fake, generateParameters({ duration: '10', resolution: '720p' }));
		// 1280 × 720 × 10 × 24 / 1024 = 216000 tokens at $0.0112 per 1000 on the fast tier
		expect(result.items[0].json.estimatedCostUsd).toBeCloseTo(2.4192, 4);
	});

	test('options: another binary property, a file name, and URL only', async () => {
		const named = await runSeedance(fake, generateParameters({ options: { binaryPropertyName: 'video', fileName: 'clip' } }));
		expect(Object.keys(named.items[0].binary ?? {})).toEqual(['video']);
		expect(named.items[0].binary?.video.fileName).toBe('clip.mp4');
		expect((named.items[0].json.video as { fileName?: string }).fileName).toBe('clip.mp4');

		fake.log.length = 0;
		const urlOnly = await runSeedance(fake, generateParameters({ options: { returnUrlOnly: true } }));
		expect(urlOnly.items[0].binary).toBeUndefined();
		expect((urlOnly.items[0].json.video as { url: string }).url).toMatch(/^http/);
		expect(fake.requests('download')).toHaveLength(0);
	});

	test('the API key appears nowhere in the execution', async () => {
		const result = await runSeedance(fake, generateParameters());
		expect(result.executionJson).not.toContain(API_KEY);
		expect(result.executionJson).not.toContain('secret-part-9876543210');
	});

	test("fal's status stream notices completion at once, with one request per job", async () => {
		fake.log.length = 0;
		const result = await runSeedance(fake, generateParameters());
		const job = fake.jobs.get(String(result.items[0].json.requestId));
		const resultFetch = fake.requests('result').find((entry) => entry.path.endsWith(job!.requestId));
		expect(resultFetch!.time - job!.completedAt!).toBeLessThan(1000);
		expect(fake.requests('status-stream')).toHaveLength(1);
		expect(fake.requests('status')).toHaveLength(0);
		expect(fake.requests('submit')).toHaveLength(1);
		expect(fake.requests('download')).toHaveLength(1);
	});

	test('when the status stream is cut, the node polls the status instead', async () => {
		fake.log.length = 0;
		// The client tries the stream 4 times (3 retries) before giving up on it.
		fake.fault({ on: 'status-stream', drop: true, times: 4 });
		const result = await runSeedance(fake, generateParameters());
		expect(result.status).toBe('success');
		expect(fake.pendingFaults()).toEqual([]);
		const polls = fake.requests('status');
		expect(polls.length).toBeGreaterThan(0);
		expect(polls.at(-1)?.responseStatus).toBe(200);
	}, 30000);
});

test('options are read per item: each item can name its own file', async () => {
	const result = await runSeedance(fake, generateParameters({ options: { fileName: '={{ $json.name }}.mp4' } }), {
		items: [{ json: { name: 'cat' } }, { json: { name: 'dog' } }],
	});
	expect(result.items.map((item) => item.binary?.data.fileName)).toEqual(['cat.mp4', 'dog.mp4']);
});
