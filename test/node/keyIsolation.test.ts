import { createServer, type IncomingHttpHeaders, type Server } from 'http';
import type { AddressInfo } from 'net';

import { startFakeFal, type FakeFal } from '../fake-fal';
import { API_KEY, generateParameters, runSeedance, SAMPLE_VIDEO, TINY_PNG } from './seedance';

/** A CDN on another host, as fal's real video URLs are (v3.fal.media), recording what it received. */
let cdn: Server;
let cdnUrl: string;
const cdnRequests: IncomingHttpHeaders[] = [];
let fake: FakeFal;

beforeAll(async () => {
	cdn = createServer((request, response) => {
		cdnRequests.push(request.headers);
		response.writeHead(200, { 'content-type': 'video/mp4', 'content-length': SAMPLE_VIDEO.length });
		response.end(SAMPLE_VIDEO);
	});
	await new Promise<void>((resolve) => cdn.listen(0, '127.0.0.1', resolve));
	cdnUrl = `http://127.0.0.1:${(cdn.address() as AddressInfo).port}`;
	fake = await startFakeFal({
		apiKey: API_KEY,
		queueMs: 10,
		jobMs: 50,
		behaviour: () => ({ output: { video: { url: `${cdnUrl}/files/output.mp4`, content_type: 'video/mp4' }, seed: 7 } }),
	});
});
afterAll(async () => {
	cdn.closeAllConnections();
	await new Promise((resolve) => cdn.close(resolve));
	await fake.close();
});

test('the API key goes to the configured API host only, never to the video host', async () => {
	const result = await runSeedance(fake, generateParameters({ imageSource: 'binary' }), {
		items: [{ json: {}, binary: { data: { data: TINY_PNG, mimeType: 'image/png', fileName: 'a.png' } } }],
	});

	expect(result.status).toBe('success');
	expect(await result.readBinary(result.items[0])).toEqual(SAMPLE_VIDEO);
	expect(cdnRequests).toHaveLength(1);
	expect(JSON.stringify(cdnRequests)).not.toContain(API_KEY);
	const withKey = fake.log.filter((entry) => entry.headers.authorization === `Key ${API_KEY}`).map((entry) => entry.kind);
	// The price lookup (Platform API) is fal's too: it goes to the configured API host with the key.
	expect(new Set(withKey)).toEqual(new Set(['pricing', 'upload-initiate', 'submit', 'status-stream', 'result']));
	expect(fake.requests('upload-put')[0].headers.authorization).toBeUndefined();
});
