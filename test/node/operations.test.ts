import { startFakeFal, type FakeFal } from '../fake-fal';
import { API_KEY, generateParameters, runSeedance, SAMPLE_VIDEO } from './seedance';

let fake: FakeFal;
beforeAll(async () => {
	fake = await startFakeFal({ apiKey: API_KEY, queueMs: 20, jobMs: 300 });
});
afterAll(async () => await fake.close());

async function submitOnly(overrides = {}) {
	const result = await runSeedance(fake, generateParameters({ mode: 'submitOnly', ...overrides }));
	expect(result.status).toBe('success');
	return result.items[0].json as Record<string, any>;
}

async function lookup(operation: string, requestId: string, overrides = {}) {
	return await runSeedance(fake, { operation, tier: 'fast', requestId, ...overrides });
}

function waitForCompleted(requestId: string): Promise<void> {
	const job = fake.jobs.get(requestId);
	if (job?.status === 'COMPLETED') return Promise.resolve();
	return new Promise((resolve) => fake.on('completed', (done) => done.requestId === requestId && resolve()));
}

describe('Submit Only, then Get Status, Get Result and Cancel', () => {
	test('Submit Only returns at once with the request id, endpoint and queue URLs, and passes the webhook URL to fal', async () => {
		const json = await submitOnly({ webhookUrl: 'https://n8n.example.com/webhook/abc/seedance' });
		const job = fake.jobs.get(json.requestId);

		expect(job?.status).not.toBe('COMPLETED');
		expect(job?.webhookUrl).toBe('https://n8n.example.com/webhook/abc/seedance');
		expect(json).toMatchObject({ endpoint: 'bytedance/seedance-2.0/fast/image-to-video', status: 'IN_QUEUE', webhookUrl: 'https://n8n.example.com/webhook/abc/seedance' });
		expect(json.statusUrl).toContain(json.requestId);
		await waitForCompleted(json.requestId);
	});

	test('a webhook URL that is not http(s) names the field', async () => {
		const result = await runSeedance(fake, generateParameters({ mode: 'submitOnly', webhookUrl: 'n8n.local/hook' }));
		expect(result.error?.message).toMatch(/^Webhook URL: "n8n\.local\/hook" must start with http:\/\/ or https:\/\//);
	});

	test('Get Status reports the state, and done once fal finished', async () => {
		const { requestId } = await submitOnly();
		const early = await lookup('getStatus', requestId);
		expect(early.items[0].json).toMatchObject({ requestId, done: false });
		expect(['IN_QUEUE', 'IN_PROGRESS']).toContain(early.items[0].json.status);

		await waitForCompleted(requestId);
		const late = await lookup('getStatus', requestId, { includeLogs: true });
		expect(late.items[0].json).toMatchObject({ requestId, status: 'COMPLETED', done: true });
	});

	test('Get Result outputs the same video and JSON as a finished generation', async () => {
		const { requestId } = await submitOnly();
		await waitForCompleted(requestId);
		const result = await lookup('getResult', requestId);

		expect(result.status).toBe('success');
		expect(result.items[0].json).toMatchObject({ requestId, status: 'COMPLETED', video: { contentType: 'video/mp4' } });
		expect(await result.readBinary(result.items[0])).toEqual(SAMPLE_VIDEO);
	});

	test("Get Result estimates the cost from the video itself: its length and frame size, at fal's price", async () => {
		const { requestId } = await submitOnly();
		await waitForCompleted(requestId);
		const result = await lookup('getResult', requestId);

		// sample.mp4 is 3 s of 640×360: billed as 480p (the nearest short side), 28,822.5 tokens × $0.0112/1k.
		expect(result.items[0].json.estimatedCostUsd).toBe(0.3228);
		expect(result.items[0].json.cost).toMatchObject({
			tokens: 28823,
			priceSource: 'fal',
			basis: 'the output video: 3 s at 640×360, billed as 480p; reference videos, if any, are not known here',
		});
	});

	test('Cancel stops a running request; cancelling a finished one says so', async () => {
		const { requestId } = await submitOnly({ prompt: 'long [never]' });
		const cancelled = await lookup('cancel', requestId);
		expect(cancelled.items[0].json).toEqual({ requestId, endpoint: 'bytedance/seedance-2.0/fast/image-to-video', status: 'CANCELLATION_REQUESTED', cancelled: true });
		expect(fake.jobs.get(requestId)?.cancelled).toBe(true);

		const finished = await submitOnly();
		await waitForCompleted(finished.requestId);
		const late = await lookup('cancel', finished.requestId);
		expect(late.items[0].json).toMatchObject({ status: 'ALREADY_COMPLETED', cancelled: false });
	});

	test('an empty request ID names the field', async () => {
		const result = await lookup('getResult', '  ');
		expect(result.error?.message).toMatch(/^Request ID: is empty \[item 0\]/);
	});
});
