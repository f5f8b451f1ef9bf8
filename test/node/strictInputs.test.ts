/**
 * Inputs are checked before anything is uploaded or submitted: images by their bytes (not their
 * label or data-URI media type), request ids by fal's format, the Wait Timeout against its maximum.
 */
import { startFakeFal, type FakeFal } from '../fake-fal';
import { API_KEY, generateParameters, runSeedance, TINY_PNG } from './seedance';

let fake: FakeFal;
beforeAll(async () => {
	fake = await startFakeFal({ apiKey: API_KEY, queueMs: 10, jobMs: 40 });
});
afterAll(async () => await fake.close());
beforeEach(() => {
	fake.log.length = 0;
});

const hex = (text: string) => Buffer.from(text, 'hex');
const JPEG = hex('ffd8ffe000104a46494600010100000100010000ffd9');
const GIF = Buffer.from('GIF89a\u0001\u0000\u0001\u0000\u0000\u0000\u0000;', 'latin1');
const HEIC = Buffer.concat([hex('00000018'), Buffer.from('ftypheic'), hex('0000000068656963')]);
const TIFF = hex('49492a0008000000');
const SVG = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"></svg>');

function binaryItem(bytes: Buffer, mimeType: string, fileName: string) {
	return { json: {}, binary: { data: { data: bytes, mimeType, fileName } } };
}

function nothingSent() {
	expect(fake.requests('upload-initiate')).toHaveLength(0);
	expect(fake.requests('upload-put')).toHaveLength(0);
	expect(fake.requests('submit')).toHaveLength(0);
}

describe('binary images are checked by their bytes; nothing is uploaded or submitted for a bad one', () => {
	test.each([
		['a 0-byte file labelled image/png', Buffer.alloc(0), 'image/png', /"data" \(labelled image\/png\) is an empty file \(0 bytes\)/],
		['text labelled image/png', Buffer.from('this is not an image'), 'image/png', /"data" \(labelled image\/png\) is text, not an image/],
		['an SVG', SVG, 'image/svg+xml', /is a SVG image/],
		['a HEIC photo', HEIC, 'image/heic', /is a HEIC\/HEIF image/],
		['a TIFF', TIFF, 'image/tiff', /is a TIFF image/],
		['a GIF', GIF, 'image/gif', /is a GIF image/],
		['a GIF labelled image/png', GIF, 'image/png', /is a GIF image/],
	])('%s is refused naming the field and the item', async (_name, bytes, mimeType, message) => {
		const result = await runSeedance(fake, generateParameters({ imageSource: 'binary' }), { items: [binaryItem(bytes, mimeType, 'x')] });
		expect(result.status).toBe('error');
		expect(result.error?.message).toMatch(/^Start Image Binary Property: /);
		expect(result.error?.message).toMatch(message);
		expect(result.error?.message).toMatch(/\[item 0\]$/);
		expect(String(result.error?.description)).toMatch(/JPEG, PNG or WebP/);
		nothingSent();
	});

	test('a JPEG labelled application/octet-stream is uploaded as image/jpeg', async () => {
		const result = await runSeedance(fake, generateParameters({ imageSource: 'binary' }), { items: [binaryItem(JPEG, 'application/octet-stream', 'photo')] });
		expect(result.status).toBe('success');
		expect(fake.requests('upload-initiate')[0].body).toMatchObject({ content_type: 'image/jpeg' });
	});

	test('a bad End Image leaves the good Start Image un-uploaded', async () => {
		const items = [{ json: {}, binary: { start: { data: TINY_PNG, mimeType: 'image/png', fileName: 's.png' }, end: { data: GIF, mimeType: 'image/gif', fileName: 'e.gif' } } }];
		const parameters = generateParameters({ imageSource: 'binary', imageBinaryProperty: 'start', endImageSource: 'binary', endImageBinaryProperty: 'end' });
		const result = await runSeedance(fake, parameters, { items });
		expect(result.error?.message).toMatch(/^End Image Binary Property: "end" \(labelled image\/gif\) is a GIF image \[item 0\]/);
		nothingSent();
	});

	test('with Continue On Fail, the bad item is named and the good one still runs', async () => {
		const result = await runSeedance(fake, generateParameters({ imageSource: 'binary' }), {
			continueOnFail: true,
			items: [binaryItem(TINY_PNG, 'image/png', 'a.png'), binaryItem(SVG, 'image/png', 'b.png')],
		});
		expect(result.items[0].binary?.data.mimeType).toBe('video/mp4');
		expect(result.items[1].json.error).toMatch(/is a SVG image \[item 1\]/);
		expect(fake.requests('submit')).toHaveLength(1);
	});
});

describe('data URIs are checked by their decoded bytes, whatever parameters they carry', () => {
	const png64 = TINY_PNG.toString('base64');

	test.each([
		['plain', `data:image/png;base64,${png64}`],
		['with ;charset=', `data:image/png;charset=utf-8;base64,${png64}`],
		['with ;name=', `data:image/png;name=cat.png;base64,${png64}`],
	])('a PNG data URI %s is sent as given', async (_name, uri) => {
		const result = await runSeedance(fake, generateParameters({ imageUrl: uri }));
		expect(result.status).toBe('success');
		expect(fake.requests('submit')[0].body).toMatchObject({ image_url: uri });
	});

	test.each([
		['text labelled image/png', `data:image/png;base64,${Buffer.from('not an image').toString('base64')}`, /the data: URI is text, not an image/],
		['an SVG with ;charset=', 'data:image/svg+xml;charset=utf-8,%3Csvg%3E%3C%2Fsvg%3E', /the data: URI is a SVG image/],
		['a GIF with ;charset= before base64', `data:image/gif;charset=binary;base64,${GIF.toString('base64')}`, /the data: URI is a GIF image/],
		['an empty one', 'data:image/png;base64,', /the data: URI is an empty file/],
		['broken base64', 'data:image/png;base64,@@@', /is a data: URI, but its base64 data is not valid base64/],
	])('%s is refused', async (_name, uri, message) => {
		const result = await runSeedance(fake, generateParameters({ imageUrl: uri }));
		expect(result.error?.message).toMatch(/^Start Image URL: /);
		expect(result.error?.message).toMatch(message);
		nothingSent();
	});
});

describe('request ids are checked for fal\'s format before they go into a URL path', () => {
	test.each(['getStatus', 'getResult', 'cancel'])('%s refuses a request id with a path in it', async (operation) => {
		const result = await runSeedance(fake, { operation, tier: 'fast', requestId: '../../storage/upload/initiate' });
		expect(result.error?.message).toMatch(/^Request ID: "\.\.\/\.\.\/storage\/upload\/initiate" is not a fal request ID \[item 0\]/);
		expect(fake.log).toHaveLength(0);
	});
});

describe('the Wait Timeout has a maximum, with a clear message', () => {
	test('Wait for Completion refuses more than 24 hours before submitting', async () => {
		const result = await runSeedance(fake, generateParameters({ options: { waitTimeoutSeconds: 1e12 } }));
		expect(result.error?.message).toMatch(/^Wait Timeout: 1000000000000 s is over the maximum of 86400 s \(24 hours\)/);
		nothingSent();
	});

	test('24 hours exactly is accepted', async () => {
		const result = await runSeedance(fake, generateParameters({ options: { waitTimeoutSeconds: 86400 } }));
		expect(result.status).toBe('success');
	});

	test("Submit and Wait for Webhook refuses a wait past n8n's own limit", async () => {
		const result = await runSeedance(fake, generateParameters({ mode: 'waitForWebhook', options: { waitTimeoutSeconds: 1e12 } }));
		expect(result.error?.message).toMatch(/^Wait Timeout: 1000000000000 s is past n8n's limit for a waiting execution/);
		nothingSent();
	});
});

test("a content-policy rejection says so once, naming the field", async () => {
	const result = await runSeedance(fake, generateParameters({ prompt: 'something [content-policy]' }));
	expect(result.error?.message).toMatch(/^fal's content policy rejected Prompt \(prompt\): /);
	expect(result.error?.message.match(/content policy/g)).toHaveLength(1);
});

describe('prompt length and stopping a waiting execution: documented where users look', () => {
	const readme = require('fs').readFileSync(require('path').join(__dirname, '../../README.md'), 'utf8') as string;

	test("fal states no prompt limit for Seedance, so a long prompt is sent as given and the README says fal decides", async () => {
		const prompt = `A cat ${'slowly turns its head and blinks, '.repeat(300)}`.trim();
		const result = await runSeedance(fake, generateParameters({ prompt }));
		expect(result.status).toBe('success');
		expect((fake.requests('submit')[0].body as { prompt: string }).prompt).toBe(prompt);
		expect(readme).toMatch(/Prompt length: fal's Seedance pages state no limit, so the node sends the prompt as given and fal\s+decides/);
	});

	test('the Wait Timeout hint and the README say that stopping a waiting webhook-mode execution cannot cancel the jobs, and point to Cancel', () => {
		const { SeedanceImageToVideo } = require('../../nodes/SeedanceImageToVideo/SeedanceImageToVideo.node');
		const options = new SeedanceImageToVideo().description.properties.find((property: { name: string }) => property.name === 'options');
		const waitTimeout = options.options.find((option: { name: string }) => option.name === 'waitTimeoutSeconds');
		expect(waitTimeout.hint).toMatch(/stopping the waiting execution does not cancel the fal jobs \(n8n 2\.41 runs no node code then\): use the Cancel operation/);
		expect(readme).toMatch(/\*\*Stopping a waiting execution\*\*[^]*runs no node code in n8n 2\.41[^]*\*\*Cancel\*\*/);
	});
});
