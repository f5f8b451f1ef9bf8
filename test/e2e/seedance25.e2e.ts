/**
 * Seedance 2.5 in a real n8n 2.41.1 (`n8n execute`, the packed package) against the fake fal: a node
 * saved at version 2 without a Model parameter runs on 2.5 (n8n fills the version's default), in every
 * kind, and a version 1 node without one stays on 2.0.
 */
import { manualWorkflow } from './executeWorkflow';
import { N8nInstance, NODE_TYPE, outputOf, type WorkflowJson } from './n8nInstance';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { startFakeFal } = require('../fake-fal');

const SECRET_KEY = 'e2e-25-key-1a2b3c4d:do-not-print-me';
const CREDENTIAL = { id: 'falE2e25Credential', name: 'Fal (fake, 2.5)' };
const IMAGE_URL = 'https://upload.wikimedia.org/wikipedia/commons/3/3a/Cat03.jpg';

/** Manual Trigger → one Seedance node of `type` at `typeVersion`. */
function workflow(id: string, type: string, typeVersion: number, parameters: Record<string, unknown>): WorkflowJson {
	return manualWorkflow(id, { credential: CREDENTIAL, seedance: [{ type, typeVersion, parameters }] });
}

const TEXT = workflow('e2e25Text', 'n8n-nodes-seedance.seedanceTextToVideo', 2, { prompt: 'A kite over the sea at dawn', duration: '20', resolution: '1080p' });
const IMAGE = workflow('e2e25Image', NODE_TYPE, 2, { imageUrl: IMAGE_URL, duration: '6', aspectRatio: '16:9' });
const REFERENCE = workflow('e2e25Reference', 'n8n-nodes-seedance.seedanceReferenceToVideo', 2, {
	prompt: 'Continue @Video1 with the cat from @Image1',
	task: 'extension',
	referenceImageSource: 'url',
	referenceImageUrls: IMAGE_URL,
	referenceVideoSource: 'url',
	referenceVideoUrls: 'https://videos.example.com/clip.mp4',
	duration: '10',
});
const SAVED_V1 = workflow('e2e25SavedV1', 'n8n-nodes-seedance.seedanceTextToVideo', 1, { prompt: 'A kite', duration: '5' });

describe('Seedance 2.5 in a real n8n (n8n execute)', () => {
	let fake: { url: string; close(): Promise<void>; requests(kind: string): Array<{ path: string; body: Record<string, unknown> }> };
	let n8n: N8nInstance;

	beforeAll(async () => {
		fake = await startFakeFal({ apiKey: SECRET_KEY, jobMs: 200, queueMs: 50 });
		n8n = N8nInstance.create('execute');
		await n8n.importCredentials([{ ...CREDENTIAL, apiKey: SECRET_KEY, apiHost: fake.url }]);
		await n8n.importWorkflows([TEXT, IMAGE, REFERENCE, SAVED_V1]);
	});

	afterAll(async () => {
		await n8n?.dispose();
		await fake?.close();
	});

	function submitted(): { path: string; body: Record<string, unknown> } {
		const [entry] = fake.requests('submit').slice(-1);
		return { path: entry.path, body: entry.body };
	}

	it('Text-to-Video: a version 2 node runs on 2.5, 20 s at 1080p, and outputs the MP4', async () => {
		const { execution, output } = await n8n.execute(TEXT.id);
		expect(execution.status).toBe('success');
		const [item] = outputOf(execution, 'Seedance');
		expect(item.binary?.data?.mimeType).toBe('video/mp4');
		expect(item.json).toMatchObject({ endpoint: 'bytedance/seedance-2.5/text-to-video', status: 'COMPLETED' });
		expect(submitted()).toEqual({
			path: '/bytedance/seedance-2.5/text-to-video',
			body: { prompt: 'A kite over the sea at dawn', resolution: '1080p', duration: '20', aspect_ratio: 'auto', generate_audio: true },
		});
		expect(output).not.toContain(SECRET_KEY);
	});

	it('Image-to-Video: no prompt and no aspect ratio reach fal on 2.5', async () => {
		const { execution } = await n8n.execute(IMAGE.id);
		expect(execution.status).toBe('success');
		expect(outputOf(execution, 'Seedance')[0].binary?.data?.mimeType).toBe('video/mp4');
		expect(submitted()).toEqual({ path: '/bytedance/seedance-2.5/image-to-video', body: { resolution: '720p', duration: '6', generate_audio: true, image_url: IMAGE_URL } });
	});

	it('Reference-to-Video: the task and the references reach fal on 2.5', async () => {
		const { execution } = await n8n.execute(REFERENCE.id);
		expect(execution.status).toBe('success');
		expect(outputOf(execution, 'Seedance')[0].json).toMatchObject({ endpoint: 'bytedance/seedance-2.5/reference-to-video', status: 'COMPLETED' });
		expect(submitted()).toEqual({
			path: '/bytedance/seedance-2.5/reference-to-video',
			body: {
				prompt: 'Continue @Video1 with the cat from @Image1',
				resolution: '720p',
				duration: '10',
				aspect_ratio: 'auto',
				generate_audio: true,
				task: 'extension',
				image_urls: [IMAGE_URL],
				video_urls: ['https://videos.example.com/clip.mp4'],
			},
		});
	});

	it('a version 1 node saved without a Model stays on Seedance 2.0 Fast', async () => {
		const { execution } = await n8n.execute(SAVED_V1.id);
		expect(execution.status).toBe('success');
		expect(submitted()).toEqual({
			path: '/bytedance/seedance-2.0/fast/text-to-video',
			body: { prompt: 'A kite', resolution: '720p', duration: '5', aspect_ratio: 'auto', generate_audio: true },
		});
	});
});
