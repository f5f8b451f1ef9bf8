/**
 * Output Files, Delete Outputs at Fal After, Store Request at Fal and Delete at Fal After Download,
 * proved at the fake fal by the requests they cause (media.js plays fal's ACLs, signed URLs,
 * lifecycle expiry, stored payloads and the Platform API delete).
 */
import type { INodeParameters } from 'n8n-workflow';

import { startFakeFal, type FakeFal, type FakeFalOptions, type LogEntry } from '../fake-fal';
import { API_KEY, generateParameters, pngItem, runSeedance, SAMPLE_VIDEO } from './seedance';

const fakes: FakeFal[] = [];
afterEach(async () => {
	await Promise.all(fakes.splice(0).map(async (fake) => await fake.close()));
});

async function fakeFal(options: Partial<FakeFalOptions> = {}): Promise<FakeFal> {
	const fake = await startFakeFal({ apiKey: API_KEY, queueMs: 5, jobMs: 20, ...options });
	fakes.push(fake);
	return fake;
}

async function generate(fake: FakeFal, options: INodeParameters, overrides: INodeParameters = {}) {
	return await runSeedance(fake, generateParameters({ options, ...overrides }));
}

function lifecycleOf(entry: LogEntry | undefined, header = 'x-fal-object-lifecycle-preference'): unknown {
	const value = entry?.headers[header];
	return typeof value === 'string' ? JSON.parse(value) : undefined;
}

/** Every request the fake saw on its CDN (downloads), and whether any carried the key. */
function cdnReads(fake: FakeFal): LogEntry[] {
	return fake.requests('download');
}

function expectKeyNeverOnCdn(fake: FakeFal): void {
	for (const read of cdnReads(fake)) expect(read.headers.authorization).toBeUndefined();
	expect(JSON.stringify(cdnReads(fake))).not.toContain(API_KEY);
}

describe('Output Files: Private to my fal account', () => {
	test('the submit asks for a forbid ACL, and the video is downloaded through a signed URL minted with the key', async () => {
		const fake = await fakeFal();
		const result = await generate(fake, { outputFiles: 'private' });
		expect(result.error).toBeUndefined();
		expect(await result.readBinary(result.items[0])).toEqual(SAMPLE_VIDEO);

		const [submit] = fake.requests('submit');
		expect(lifecycleOf(submit)).toEqual({ initial_acl: { default: 'forbid' } });
		const requestId = String(result.items[0].json.requestId);
		const file = [...fake.media.files.values()].find((candidate) => candidate.requestId === requestId);
		expect(file?.acl).toBe('forbid');

		const [sign] = fake.requests('sign');
		expect(sign.headers.authorization).toBe(`Key ${API_KEY}`);
		expect(sign.query.url).toBe(file?.url);
		expect(sign.body).toEqual({ expiration_seconds: 900 });
		// One read, the signed one: the unsigned URL is never tried.
		expect(cdnReads(fake).map((read) => [read.responseStatus, read.query.identity !== undefined])).toEqual([[200, true]]);
		expectKeyNeverOnCdn(fake);
	});

	test('an uploaded input image gets the same ACL and expiry on its own upload', async () => {
		const fake = await fakeFal();
		const result = await runSeedance(fake, generateParameters({ imageSource: 'binary', options: { outputFiles: 'private', deleteOutputsAfterSeconds: 600 } }), { items: [pngItem()] });
		expect(result.error).toBeUndefined();
		const [initiate] = fake.requests('upload-initiate');
		const expected = { expiration_duration_seconds: 600, initial_acl: { default: 'forbid' } };
		expect(lifecycleOf(initiate, 'x-fal-object-lifecycle')).toEqual(expected);
		expect(lifecycleOf(initiate)).toEqual(expected);
		const input = [...fake.media.files.values()].find((file) => file.kind === 'input');
		expect(input?.acl).toBe('forbid');
		expect(lifecycleOf(fake.requests('submit')[0])).toEqual(expected);
	});

	test('Return URL Only returns a signed URL and when it expires; past that time fal refuses it', async () => {
		const fake = await fakeFal();
		const before = Date.now();
		const result = await generate(fake, { outputFiles: 'private', returnUrlOnly: true, signedLinkSeconds: 3600 });
		expect(result.error).toBeUndefined();
		const video = result.items[0].json.video as { url: string; fileUrl: string; signedUrlExpiresAt: string };
		expect(video.url).toMatch(/\?identity=[0-9a-f]+&expires=\d+$/);
		expect(video.url.startsWith(video.fileUrl)).toBe(true);
		const expiresAt = Date.parse(video.signedUrlExpiresAt);
		expect(expiresAt).toBeGreaterThanOrEqual(before + 3600_000);
		expect(expiresAt).toBeLessThanOrEqual(Date.now() + 3600_000);
		expect(fake.requests('sign')[0].body).toEqual({ expiration_seconds: 3600 });
		expect(result.items[0].binary).toBeUndefined();

		expect((await fetch(video.fileUrl)).status).toBe(403);
		expect((await fetch(video.url)).status).toBe(200);
		fake.media.clock.advance(3601_000);
		expect((await fetch(video.url)).status).toBe(403);
	});

	test('a key without assets:read: the item fails naming the permission, after fal made the video', async () => {
		const fake = await fakeFal({ keyScopes: { [API_KEY]: [] } });
		const result = await generate(fake, { outputFiles: 'private' });
		expect(result.status).toBe('error');
		expect(result.error?.message).toBe('The video on 127.0.0.1 is private, and fal did not sign a link to it (HTTP 403): the Fal API key needs the assets:read permission to sign links to private files');
		expect(String(result.error?.description)).toMatch(/assets:read/);
	});
});

describe('a fal account whose files are private by default', () => {
	test('the plain download answers 403, the node signs the URL with the key and downloads it', async () => {
		const fake = await fakeFal({ privateByDefault: true });
		const result = await generate(fake, {});
		expect(result.error).toBeUndefined();
		expect(await result.readBinary(result.items[0])).toEqual(SAMPLE_VIDEO);
		expect(cdnReads(fake).map((read) => read.responseStatus)).toEqual([403, 200]);
		expect(fake.requests('sign')).toHaveLength(1);
		expect(lifecycleOf(fake.requests('submit')[0])).toBeUndefined();
		expectKeyNeverOnCdn(fake);
	});

	test('Get Result fetches such a video the same way', async () => {
		const fake = await fakeFal({ privateByDefault: true });
		const submitted = await generate(fake, {}, { mode: 'submitOnly' });
		const requestId = String(submitted.items[0].json.requestId);
		await new Promise((resolve) => fake.once('completed', resolve));
		const result = await runSeedance(fake, { operation: 'getResult', tier: 'fast', requestId });
		expect(result.error).toBeUndefined();
		expect(await result.readBinary(result.items[0])).toEqual(SAMPLE_VIDEO);
		expect(cdnReads(fake).map((read) => read.responseStatus)).toEqual([403, 200]);
	});

	test('a 403 from a host that is not fal\'s CDN is not answered with a signature (the key is for fal only)', async () => {
		const fake = await fakeFal({ privateByDefault: true });
		// The same files under another name of this machine: not fal's CDN, not the API Host's name.
		fake.options.mediaBaseUrl = `http://localhost:${fake.port}`;
		const result = await generate(fake, {});
		expect(result.error?.message).toBe('Could not download the video from localhost (HTTP 403)');
		expect(fake.requests('sign')).toHaveLength(0);
	});
});

describe('retention', () => {
	test('Delete Outputs at Fal After sets the outputs\' expiry; after it the file is gone', async () => {
		const fake = await fakeFal();
		const result = await generate(fake, { deleteOutputsAfterSeconds: 120, returnUrlOnly: true });
		expect(lifecycleOf(fake.requests('submit')[0])).toEqual({ expiration_duration_seconds: 120 });
		const url = String((result.items[0].json.video as { url: string }).url);
		expect((await fetch(url)).status).toBe(200);
		fake.media.clock.advance(121_000);
		expect((await fetch(url)).status).toBe(404);
	});

	test('Store Request at Fal off sends X-Fal-Store-IO: 0 and fal keeps no payloads; on, it keeps them', async () => {
		const fake = await fakeFal();
		const off = await generate(fake, { storePayloads: false });
		const on = await generate(fake, {});
		const [first, second] = fake.requests('submit');
		expect(first.headers['x-fal-store-io']).toBe('0');
		expect(second.headers['x-fal-store-io']).toBeUndefined();
		expect(fake.media.storedPayloads(String(off.items[0].json.requestId))).toBeNull();
		expect(fake.media.storedPayloads(String(on.items[0].json.requestId))).toMatchObject({ input: { prompt: expect.any(String) } });
	});

	test('nothing is sent when every option is left at fal\'s default', async () => {
		const fake = await fakeFal();
		await generate(fake, {});
		const [submit] = fake.requests('submit');
		expect(submit.headers['x-fal-object-lifecycle-preference']).toBeUndefined();
		expect(submit.headers['x-fal-store-io']).toBeUndefined();
		expect(fake.requests('sign')).toHaveLength(0);
	});

	test('Submit Only sends the same headers', async () => {
		const fake = await fakeFal();
		await generate(fake, { outputFiles: 'private', deleteOutputsAfterSeconds: 60, storePayloads: false }, { mode: 'submitOnly' });
		const [submit] = fake.requests('submit');
		expect(lifecycleOf(submit)).toEqual({ expiration_duration_seconds: 60, initial_acl: { default: 'forbid' } });
		expect(submit.headers['x-fal-store-io']).toBe('0');
	});

	test('Delete at Fal After Download deletes the payloads and output files once the video is in n8n', async () => {
		const fake = await fakeFal();
		const result = await generate(fake, { deleteAfterDownload: true });
		expect(result.error).toBeUndefined();
		expect(await result.readBinary(result.items[0])).toEqual(SAMPLE_VIDEO);
		const requestId = String(result.items[0].json.requestId);
		const [deletion] = fake.requests('delete-payloads');
		expect(deletion.path).toBe(`/v1/models/requests/${requestId}/payloads`);
		expect(deletion.headers.authorization).toBe(`Key ${API_KEY}`);
		expect(deletion.time).toBeGreaterThanOrEqual(cdnReads(fake)[0].time);
		const fileUrl = `${fake.url}/files/${requestId}.mp4`;
		expect(result.items[0].json.deletedAtFal).toEqual({
			deleted: true,
			payloads: 'deleted',
			outputFiles: [{ url: fileUrl, deleted: true }],
			note: expect.stringMatching(/Input files .* are not deleted/),
		});
		expect((await fetch(fileUrl)).status).toBe(404);
		expect(fake.media.storedPayloads(requestId)).toBeNull();
	});

	test('a key that is not an ADMIN key: the refusal is on the item, which keeps its video', async () => {
		const fake = await fakeFal({ keyScopes: { [API_KEY]: ['assets:read'] } });
		const result = await generate(fake, { deleteAfterDownload: true });
		expect(result.error).toBeUndefined();
		expect(await result.readBinary(result.items[0])).toEqual(SAMPLE_VIDEO);
		expect(result.items[0].json.deletedAtFal).toEqual({
			deleted: false,
			httpStatus: 403,
			error: "fal refused: deleting a request's payloads and files needs an ADMIN Fal API key, and this key is not one",
		});
		expect(fake.media.storedPayloads(String(result.items[0].json.requestId))).not.toBeNull();
	});

	test('with Return URL Only nothing is deleted, and the item says so', async () => {
		const fake = await fakeFal();
		const result = await generate(fake, { deleteAfterDownload: true, returnUrlOnly: true });
		expect(fake.requests('delete-payloads')).toHaveLength(0);
		expect(result.items[0].json.deletedAtFal).toMatchObject({ deleted: false, error: expect.stringMatching(/Return URL Only/) });
	});

	test.each([
		[{ deleteOutputsAfterSeconds: -5 }, /Delete Outputs at Fal After: "-5" must be a whole number of seconds/],
		[{ signedLinkSeconds: 604801 }, /Signed Link Lifetime: "604801" must be a whole number of seconds from 1 to 604800/],
		[{ outputFiles: 'secret' }, /Output Files: "secret" is not allowed/],
	])('bad option %p is refused naming the field, before anything is sent', async (options, message) => {
		const fake = await fakeFal();
		const result = await generate(fake, options as INodeParameters);
		expect(result.error?.message).toMatch(message);
		expect(fake.requests('submit')).toHaveLength(0);
	});
});

describe('Complete Draft takes the same privacy and retention options', () => {
	test('its draft/complete submit carries them, and the private 1080p video is fetched signed and deleted at fal', async () => {
		const fake = await fakeFal();
		const draft = fake.drafts.create({ ownerKey: API_KEY });
		const options = { outputFiles: 'private', deleteOutputsAfterSeconds: 300, storePayloads: false, deleteAfterDownload: true };
		const result = await runSeedance(fake, { operation: 'completeDraft', mode: 'waitForCompletion', draftId: draft.draftId, options });
		expect(result.error).toBeUndefined();
		expect(await result.readBinary(result.items[0])).toEqual(SAMPLE_VIDEO);
		const [submit] = fake.requests('submit');
		expect(submit.path).toBe('/bytedance/seedance-2.5/draft/complete');
		expect(lifecycleOf(submit)).toEqual({ expiration_duration_seconds: 300, initial_acl: { default: 'forbid' } });
		expect(submit.headers['x-fal-store-io']).toBe('0');
		expect(fake.requests('sign')).toHaveLength(1);
		expect(result.items[0].json.deletedAtFal).toMatchObject({ deleted: true });
		expectKeyNeverOnCdn(fake);
	});
});
