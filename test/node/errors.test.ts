import { createServer } from 'http';
import type { AddressInfo } from 'net';

import { startFakeFal, type FakeFal } from '../fake-fal';
import { API_KEY, generateParameters, pngItem, runSeedance } from './seedance';

let fake: FakeFal;
beforeAll(async () => {
	fake = await startFakeFal({
		apiKey: API_KEY,
		queueMs: 20,
		jobMs: 80,
		behaviour: (input: { prompt?: string }) =>
			input.prompt?.includes('[bad-image]')
				? { error: { status: 422, body: { detail: [{ loc: ['body', 'image_url'], msg: 'Could not download the image from the URL', type: 'image_load_error' }] } } }
				: undefined,
	});
});
afterAll(async () => await fake.close());
beforeEach(() => {
	fake.log.length = 0;
});

function errorText(result: { error?: { message: string; description?: unknown } }): string {
	return `${result.error?.message ?? ''} | ${String(result.error?.description ?? '')}`;
}

describe('bad input is refused before anything reaches fal, naming the field and the item', () => {
	test.each([
		['an empty prompt', { prompt: '   ' }, /^Prompt: is empty \[item 0\]/],
		['a URL that is not http(s)', { imageUrl: 'ftp://example.com/cat.jpg' }, /^Start Image URL: must start with http:\/\/, https:\/\/ or data:/],
		['text that is not a URL', { imageUrl: 'cat.jpg' }, /^Start Image URL: "cat\.jpg" is not a URL/],
		['4K on the Fast tier', { resolution: '4k' }, /^Resolution: "4k" is not offered by the Fast tier/],
		['a seed that is not a whole number', { additionalFields: { seed: 4.5 } }, /^Seed: "4\.5" is not a whole number/],
		['a bitrate mode on the Mini tier', { tier: 'mini', additionalFields: { bitrateMode: 'high' } }, /^Bitrate Mode: is not available on the Mini tier/],
		['an unknown duration', { duration: '20' }, /^Duration: "20" is not allowed/],
	])('%s', async (_name, overrides, message) => {
		const result = await runSeedance(fake, generateParameters(overrides));
		expect(result.status).toBe('error');
		expect(result.error?.message).toMatch(message);
		expect(fake.requests('submit')).toHaveLength(0);
	});

	test('a missing binary property lists the ones the item has', async () => {
		const result = await runSeedance(fake, generateParameters({ imageSource: 'binary', imageBinaryProperty: 'photo' }), { items: [pngItem({}, 'image')] });
		expect(result.error?.message).toMatch(/^Start Image Binary Property: the item has no binary property "photo" \[item 0\]/);
		expect(String(result.error?.description)).toContain('image');
	});

	test('a binary property that is not an image is refused', async () => {
		const item = { json: {}, binary: { data: { data: Buffer.from('hello'), mimeType: 'text/plain', fileName: 'a.txt' } } };
		const result = await runSeedance(fake, generateParameters({ imageSource: 'binary' }), { items: [item] });
		expect(result.error?.message).toMatch(/"data" \(labelled text\/plain\) is text, not an image/);
		expect(fake.requests('upload-initiate')).toHaveLength(0);
	});

	test("an image over fal's 30 MB limit is refused with its size", async () => {
		const big = { json: {}, binary: { data: { data: Buffer.alloc(31 * 1024 * 1024, 1), mimeType: 'image/png', fileName: 'big.png' } } };
		const result = await runSeedance(fake, generateParameters({ imageSource: 'binary' }), { items: [big] });
		expect(result.error?.message).toMatch(/Start Image: is 31\.0 MB, over fal's limit of 30\.0 MB/);
		expect(fake.requests('upload-initiate')).toHaveLength(0);
	});

	test('the failing item is named when another item is fine', async () => {
		const result = await runSeedance(fake, generateParameters({ prompt: '={{ $json.prompt }}' }), {
			items: [{ json: { prompt: 'a cat' } }, { json: { prompt: '' } }],
		});
		expect(result.error?.message).toMatch(/^Prompt: is empty \[item 1\]/);
	});
});

describe("fal's answers become errors a user can act on", () => {
	test("a 422 on image_url names the Start Image field and fal's message", async () => {
		const result = await runSeedance(fake, generateParameters({ prompt: 'a cat [bad-image]' }));
		expect(result.status).toBe('error');
		expect(result.error?.message).toBe('fal rejected the input: Start Image (image_url): Could not download the image from the URL');
		expect(String(result.error?.description)).toMatch(/Request ID: [0-9a-f-]{36}/);
	});

	test('a content-policy rejection is explained as such', async () => {
		const result = await runSeedance(fake, generateParameters({ prompt: 'something [content-policy]' }));
		expect(result.error?.message).toMatch(/^fal's content policy rejected Prompt \(prompt\): /);
		expect(String(result.error?.description)).toMatch(/Rephrase the prompt or use another image/);
	});

	test('a wrong API key says the Fal API key was rejected, and never shows the key', async () => {
		const wrongKey = 'wrong-key-abcdef123456';
		const result = await runSeedance(fake, generateParameters(), { credentials: { falApi: { apiKey: wrongKey, apiHost: fake.url } } });
		expect(result.error?.message).toBe('The Fal API key was rejected (HTTP 401)');
		expect(String(result.error?.description)).toMatch(/Check the API Key in the Fal API credential/);
		expect(result.executionJson).not.toContain(wrongKey);
	});

	test('a burst of 429s on submit is retried and the video still arrives', async () => {
		fake.fault({ on: 'submit', status: 429, times: 2 });
		const result = await runSeedance(fake, generateParameters());
		expect(result.status).toBe('success');
		expect(fake.requests('submit').map((entry) => entry.responseStatus)).toEqual([429, 429, 200]);
	});

	test('a 5xx flap and a dropped connection while polling are retried', async () => {
		fake.fault({ on: 'status-stream', drop: true, times: 4 });
		fake.fault({ on: 'status', status: 503, times: 1 });
		fake.fault({ on: 'status', drop: true, times: 1 });
		fake.fault({ on: 'result', status: 502, times: 1 });
		const result = await runSeedance(fake, generateParameters());
		expect(result.status).toBe('success');
		expect(fake.requests('status').some((entry) => entry.responseStatus === 'dropped')).toBe(true);
	});

	test('a persistent 429 ends in advice to lower the concurrency', async () => {
		// The client tries a submit 4 times (3 retries, fal-protocol.md §2): all four get 429.
		fake.fault({ on: 'submit', status: 429, times: 4 });
		const result = await runSeedance(fake, generateParameters());
		expect(result.error?.message).toBe('fal is rate limiting this key (HTTP 429)');
		expect(String(result.error?.description)).toMatch(/Lower Options → Concurrency/);
		expect(fake.pendingFaults()).toEqual([]);
		expect(fake.requests('submit')).toHaveLength(4);
	}, 30000);

	test('an unreachable fal host is reported as such, with no stack trace', async () => {
		const closedPort = await new Promise<number>((resolve) => {
			const server = createServer().listen(0, '127.0.0.1', () => {
				const { port } = server.address() as AddressInfo;
				server.close(() => resolve(port));
			});
		});
		const result = await runSeedance(fake, generateParameters(), { credentials: { falApi: { apiKey: API_KEY, apiHost: `http://127.0.0.1:${closedPort}` } } });
		expect(result.error?.message).toMatch(/^Could not reach fal/);
		expect(errorText(result)).toMatch(/Check the network, a proxy, or the API Host/);
		expect(errorText(result)).not.toMatch(/\n\s+at /);
	}, 30000);
});

describe('Continue On Fail', () => {
	test('a failed item becomes an error item with pairedItem and the others complete', async () => {
		const result = await runSeedance(fake, generateParameters({ prompt: '={{ $json.prompt }}' }), {
			continueOnFail: true,
			items: [{ json: { prompt: 'a cat' } }, { json: { prompt: 'a dog [content-policy]' } }, { json: { prompt: '' } }, { json: { prompt: 'a bird' } }],
		});
		expect(result.status).toBe('success');
		expect(result.items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }, { item: 3 }]);
		expect(result.items[0].binary?.data.mimeType).toBe('video/mp4');
		expect(result.items[1].json.error).toMatch(/content policy/);
		expect(result.items[2].json.error).toMatch(/^Prompt: is empty \[item 2\]/);
		expect(result.items[3].binary?.data.mimeType).toBe('video/mp4');
		expect(result.executionJson).not.toContain(API_KEY);
	});
});
