/**
 * The packed package inside a real n8n 2.41.1 (installed the way n8n installs community packages),
 * run headlessly with `n8n execute` against the fake fal.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { exampleCredential } from './examples';
import { IMAGE_URLS, seedanceWorkflow as workflowWith } from './executeWorkflow';
import { N8nInstance, outputOf, readExample } from './n8nInstance';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { startFakeFal } = require('../fake-fal');

const SECRET_KEY = 'e2e-secret-key-5f0c1d2e:do-not-print-me';
const CREDENTIAL = { id: 'falE2eCredential', name: 'Fal (fake)' };
const SAMPLE_VIDEO = path.join(__dirname, '..', 'fake-fal', 'fixtures', 'sample.mp4');

const seedanceWorkflow = (id: string, prompts: string[], seedance: Record<string, unknown> = {}) => workflowWith(id, prompts, CREDENTIAL, seedance);

describe('Seedance in a real n8n (n8n execute)', () => {
	let fake: { url: string; close(): Promise<void> };
	let n8n: N8nInstance;
	let outputDir: string;
	const sampleBytes = fs.statSync(SAMPLE_VIDEO).size;

	const generate = seedanceWorkflow('e2eGenerateTwo', ['A cat blinks', 'An ant walks to the left']);
	const continueOnFail = seedanceWorkflow('e2eContinueOnFail', ['A cat blinks', 'Forbidden [content-policy] scene'], {
		onError: 'continueRegularOutput',
	});
	const contentPolicy = seedanceWorkflow('e2eContentPolicy', ['Forbidden [content-policy] scene']);
	const textSubmitOnly = seedanceWorkflow('e2eTextSubmitOnly', ['A lighthouse at dusk, waves crashing'], {
		type: 'n8n-nodes-seedance.seedanceTextToVideo',
		parameters: { operation: 'generate', mode: 'submitOnly', tier: 'mini', prompt: '={{ $json.prompt }}', duration: '4', webhookUrl: 'https://n8n.example.com/webhook/seedance' },
	});
	const referenceRefused = seedanceWorkflow('e2eReferenceRefused', ['Put @Image2 on the table'], {
		type: 'n8n-nodes-seedance.seedanceReferenceToVideo',
		parameters: { operation: 'generate', prompt: '={{ $json.prompt }}', referenceImageSource: 'url', referenceImageUrls: '={{ $json.imageUrl }}' },
	});

	beforeAll(async () => {
		fake = await startFakeFal({ apiKey: SECRET_KEY, jobMs: 300, queueMs: 50 });
		outputDir = fs.mkdtempSync(path.join(os.tmpdir(), 'seedance-e2e-videos-'));
		// n8n 2.x lets file nodes touch only N8N_RESTRICT_FILE_ACCESS_TO (default ~/.n8n-files).
		n8n = N8nInstance.create('execute', { N8N_RESTRICT_FILE_ACCESS_TO: outputDir });
		const exampleWorkflows = [
			'image-url-to-video.json',
			'batch-images-to-videos.json',
			'form-upload-to-video.json',
			'text-to-video-social-post.json',
			'product-clip-from-references.json',
		].map((file) =>
			// The batch example writes to /tmp/seedance-videos/; here, to a folder of this run.
			JSON.parse(JSON.stringify(readExample(file)).split('/tmp/seedance-videos/').join(`${outputDir}/`)),
		);
		await n8n.importCredentials([
			{ ...CREDENTIAL, apiKey: SECRET_KEY, apiHost: fake.url },
			{ ...exampleCredential(exampleWorkflows[0]), apiKey: SECRET_KEY, apiHost: fake.url },
		]);
		await n8n.importWorkflows([generate, continueOnFail, contentPolicy, textSubmitOnly, referenceRefused, ...exampleWorkflows]);
	});

	afterAll(async () => {
		await n8n?.dispose();
		await fake?.close();
		fs.rmSync(outputDir, { recursive: true, force: true });
	});

	it('turns two image URLs into two MP4s on disk, in order, each paired with its input item', async () => {
		const { execution, output } = await n8n.execute(generate.id);

		expect(execution.status).toBe('success');
		const items = outputOf(execution, 'Seedance');
		expect(items).toHaveLength(2);
		items.forEach((item, index) => {
			expect(item.pairedItem).toEqual({ item: index });
			const video = item.binary?.data;
			expect(video?.mimeType).toBe('video/mp4');
			const file = n8n.binaryFilePath(video!);
			expect(fs.statSync(file).size).toBe(sampleBytes);
			expect(fs.readFileSync(file).equals(fs.readFileSync(SAMPLE_VIDEO))).toBe(true);
			expect(item.json).toMatchObject({
				requestId: expect.any(String),
				endpoint: 'bytedance/seedance-2.0/fast/image-to-video',
				status: 'COMPLETED',
				video: { url: expect.stringMatching(/^http/), contentType: 'video/mp4', fileSize: sampleBytes },
				parameters: expect.objectContaining({ image_url: IMAGE_URLS[index], duration: '5' }),
			});
		});
		expect(items[0].json.requestId).not.toBe(items[1].json.requestId);
		expect(output).not.toContain(SECRET_KEY);
	});

	it('with Continue On Fail, a content-policy rejection becomes an error item and the other item still gets its video', async () => {
		const { execution, output } = await n8n.execute(continueOnFail.id);

		expect(execution.status).toBe('success');
		const items = outputOf(execution, 'Seedance');
		expect(items).toHaveLength(2);
		expect(items[0].binary?.data?.mimeType).toBe('video/mp4');
		expect(items[1].json.error).toEqual(expect.stringMatching(/content polic/i));
		expect(items[1].pairedItem).toEqual({ item: 1 });
		expect(output).not.toContain(SECRET_KEY);
	});

	it('a fal 422 content-policy rejection fails the execution with a message that says what happened', async () => {
		const { execution, output } = await n8n.execute(contentPolicy.id);

		expect(execution.status).toBe('error');
		const error = execution.data.resultData.error;
		expect(error?.node?.name).toBe('Seedance');
		expect(`${error?.message} ${error?.description ?? ''}`).toMatch(/content polic/i);
		expect(`${error?.message} ${error?.description ?? ''}`).toMatch(/prompt|image/i);
		expect(output).not.toContain(SECRET_KEY);
	});

	it('runs the example "image URL to video" (the Telegram node stays disabled)', async () => {
		const { execution } = await n8n.execute('seedanceExample1');

		expect(execution.status).toBe('success');
		const [item] = outputOf(execution, 'Seedance Image-to-Video');
		expect(item.binary?.data).toMatchObject({ mimeType: 'video/mp4', fileName: 'cat.mp4' });
		// A disabled node passes its input through; nothing was sent.
		const example = readExample('image-url-to-video.json');
		expect(example.nodes.find((node) => node.name === 'Send video to Telegram')?.disabled).toBe(true);
	});

	it('runs the example "batch of images to videos": three MP4 files written to disk', async () => {
		const { execution } = await n8n.execute('seedanceExample2');

		expect(execution.status).toBe('success');
		const items = outputOf(execution, 'Seedance Image-to-Video');
		expect(items.map((item) => item.binary?.data?.fileName)).toEqual(['cat.mp4', 'ant.mp4', 'dice.mp4']);
		expect(items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		for (const name of ['cat.mp4', 'ant.mp4', 'dice.mp4']) {
			expect(fs.statSync(path.join(outputDir, name)).size).toBe(sampleBytes);
		}
	});

	it('runs the example "daily text-to-video social post": a 9:16 MP4 named after the topic, from the text-to-video endpoint', async () => {
		const { execution, output } = await n8n.execute('seedanceExample4');

		expect(execution.status).toBe('success');
		const [item] = outputOf(execution, 'Seedance Text-to-Video');
		expect(item.binary?.data).toMatchObject({ mimeType: 'video/mp4', fileName: 'latte-art.mp4' });
		expect(item.json).toMatchObject({
			endpoint: 'bytedance/seedance-2.0/fast/text-to-video',
			parameters: { aspect_ratio: '9:16', duration: '8', resolution: '720p', generate_audio: true },
			estimatedCostUsd: 1.9354,
		});
		expect(output).not.toContain(SECRET_KEY);
	});

	it('runs the example "product clip from references": the photo, logo and jingle uploaded to fal storage and sent in order', async () => {
		const { execution } = await n8n.execute('seedanceExample5');

		expect(execution.status).toBe('success');
		const [item] = outputOf(execution, 'Seedance Reference-to-Video');
		expect(item.binary?.data).toMatchObject({ mimeType: 'video/mp4', fileName: 'product-clip.mp4' });
		const parameters = item.json.parameters as { image_urls: string[]; audio_urls: string[]; prompt: string };
		expect(item.json.endpoint).toBe('bytedance/seedance-2.0/fast/reference-to-video');
		expect(parameters.image_urls).toHaveLength(2);
		expect(parameters.audio_urls).toHaveLength(1);
		for (const url of [...parameters.image_urls, ...parameters.audio_urls]) expect(url.startsWith(fake.url)).toBe(true);
		expect(parameters.prompt).toContain('Aurora water bottle from @Image1');
	});

	it('Seedance Text-to-Video in Submit Only returns the request at once with the mini endpoint and the webhook', async () => {
		const { execution } = await n8n.execute(textSubmitOnly.id);

		expect(execution.status).toBe('success');
		const [item] = outputOf(execution, 'Seedance');
		expect(item.json).toMatchObject({
			requestId: expect.any(String),
			endpoint: 'bytedance/seedance-2.0/mini/text-to-video',
			status: 'IN_QUEUE',
			webhookUrl: 'https://n8n.example.com/webhook/seedance',
		});
		expect(item.binary).toBeUndefined();
	});

	it('Seedance Reference-to-Video refuses a prompt naming a missing reference, naming the field and the item', async () => {
		const { execution, output } = await n8n.execute(referenceRefused.id);

		expect(execution.status).toBe('error');
		expect(execution.data.resultData.error?.message).toBe('Prompt: names @Image2, but only 1 image is given (@Image1) [item 0]');
		expect(output).not.toContain(SECRET_KEY);
	});
});
