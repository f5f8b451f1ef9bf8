/**
 * Seedance Text-to-Video in n8n-core's engine against the fake fal. The protocol details (status
 * stream, polling, retries, timeouts, cancelling, downloads) are the shared code's, tested once with
 * Image-to-Video; here: what this node sends and where, in every mode and operation.
 */
import { startFakeFal, type FakeFal } from '../fake-fal';
import { API_KEY, runFamilyNode, SAMPLE_VIDEO } from './seedance';

let fake: FakeFal;
beforeAll(async () => {
	fake = await startFakeFal({ apiKey: API_KEY, queueMs: 30, jobMs: 120 });
});
afterAll(async () => await fake.close());

const PROMPT = 'A barista pours latte art in slow motion';
const generate = (overrides: Record<string, unknown> = {}) => ({ operation: 'generate', mode: 'waitForCompletion', tier: 'fast', prompt: PROMPT, ...overrides });

function lastSubmit() {
	const [entry] = fake.requests('submit').slice(-1);
	return { path: entry.path, input: entry.body };
}

test('a prompt comes back as an MP4, with the text-to-video endpoint and its cost', async () => {
	const result = await runFamilyNode(fake, 'text-to-video', generate({ duration: '5', resolution: '480p' }));

	expect(result.status).toBe('success');
	const [item] = result.items;
	expect(item.json).toMatchObject({ endpoint: 'bytedance/seedance-2.0/fast/text-to-video', tier: 'fast', status: 'COMPLETED', parameters: { prompt: PROMPT } });
	// 854×480×5×24/1024 tokens × $0.0112/1000
	expect(item.json.estimatedCostUsd).toBe(0.538);
	expect(await result.readBinary(item)).toEqual(SAMPLE_VIDEO);
});

test('every field reaches fal as the schema says, and no image field or seed is sent', async () => {
	await runFamilyNode(
		fake,
		'text-to-video',
		generate({
			tier: 'standard',
			resolution: '4k',
			duration: '12',
			aspectRatio: '21:9',
			generateAudio: false,
			additionalFields: { endUserId: 'shop-1', bitrateMode: 'high', seed: 42 },
		}),
	);
	expect(lastSubmit()).toEqual({
		path: '/bytedance/seedance-2.0/text-to-video',
		input: { prompt: PROMPT, resolution: '4k', duration: '12', aspect_ratio: '21:9', generate_audio: false, end_user_id: 'shop-1', bitrate_mode: 'high' },
	});
});

test('Codec reaches fal only when it is added, on every tier; a value fal does not know is refused before anything is sent', async () => {
	await runFamilyNode(fake, 'text-to-video', generate({ tier: 'mini', additionalFields: { codec: 'H265' } }));
	expect(lastSubmit().input).toMatchObject({ codec: 'H265' });
	await runFamilyNode(fake, 'text-to-video', generate({ tier: 'standard' }));
	expect(lastSubmit().input).not.toHaveProperty('codec');

	const submits = fake.requests('submit').length;
	const refused = await runFamilyNode(fake, 'text-to-video', generate({ additionalFields: { codec: 'AV1' } }));
	expect(refused.error?.message).toBe('Codec: "AV1" is not allowed. Use one of: auto, H264, H265 [item 0]');
	expect(fake.requests('submit')).toHaveLength(submits);
});

test('the Mini tier goes to the mini endpoint and refuses Bitrate Mode before anything is sent', async () => {
	const result = await runFamilyNode(fake, 'text-to-video', generate({ tier: 'mini' }));
	expect(result.items[0].json.endpoint).toBe('bytedance/seedance-2.0/mini/text-to-video');

	const submits = fake.requests('submit').length;
	const refused = await runFamilyNode(fake, 'text-to-video', generate({ tier: 'mini', additionalFields: { bitrateMode: 'high' } }));
	expect(refused.status).toBe('error');
	expect(refused.error?.message).toBe('Bitrate Mode: is not available on the Mini tier [item 0]');
	expect(fake.requests('submit')).toHaveLength(submits);
});

test('an empty prompt is refused naming the field and the item', async () => {
	const result = await runFamilyNode(fake, 'text-to-video', generate({ prompt: '  ' }), { items: [{ json: {} }] });
	expect(result.error?.message).toBe('Prompt: is empty [item 0]');
});

test('Submit Only returns the request at once; Get Status, Get Result and Cancel find it on the text-to-video endpoint', async () => {
	const submitted = await runFamilyNode(fake, 'text-to-video', generate({ mode: 'submitOnly', webhookUrl: 'https://n8n.example.com/webhook/seedance', duration: '4' }));
	const json = submitted.items[0].json;
	expect(json).toMatchObject({ endpoint: 'bytedance/seedance-2.0/fast/text-to-video', status: 'IN_QUEUE', webhookUrl: 'https://n8n.example.com/webhook/seedance' });
	expect(json.estimatedCostUsd).toBe(0.9677);
	const requestId = String(json.requestId);
	expect(fake.jobs.get(requestId)?.webhookUrl).toBe('https://n8n.example.com/webhook/seedance');

	const status = await runFamilyNode(fake, 'text-to-video', { operation: 'getStatus', tier: 'fast', requestId });
	expect(status.items[0].json).toMatchObject({ requestId, endpoint: 'bytedance/seedance-2.0/fast/text-to-video' });
	expect(fake.requests('status').slice(-1)[0].path).toContain('/bytedance/seedance-2.0/requests/');

	await fake.finish(requestId);
	const got = await runFamilyNode(fake, 'text-to-video', { operation: 'getResult', tier: 'fast', requestId });
	expect(got.items[0].json).toMatchObject({ requestId, status: 'COMPLETED', endpoint: 'bytedance/seedance-2.0/fast/text-to-video' });
	expect(await got.readBinary(got.items[0])).toEqual(SAMPLE_VIDEO);

	const cancelled = await runFamilyNode(fake, 'text-to-video', { operation: 'cancel', tier: 'fast', requestId });
	expect(cancelled.items[0].json).toMatchObject({ requestId, status: 'ALREADY_COMPLETED', cancelled: false });
});

test('Submit and Wait for Webhook submits to text-to-video with the resume URL and puts the execution to wait', async () => {
	const result = await runFamilyNode(fake, 'text-to-video', generate({ mode: 'waitForWebhook', duration: '4' }), { credentials: { falApi: { apiKey: API_KEY, apiHost: fake.url } } });
	expect(result.status).toBe('waiting');
	const requestId = String(result.items[0].json.requestId);
	const job = fake.jobs.get(requestId);
	expect(job?.endpoint).toBe('bytedance/seedance-2.0/fast/text-to-video');
	expect(job?.webhookUrl).toBe(result.resumeUrl);
});
