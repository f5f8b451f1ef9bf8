/** Downloads of the finished video: only allowed hosts, and a failing video host reported as such. */
import { createServer, type Server } from 'http';
import type { AddressInfo } from 'net';
import type { INodeParameters } from 'n8n-workflow';

import { startFakeFal, type FakeFal } from '../fake-fal';
import { API_KEY, generateParameters, runSeedance, SAMPLE_VIDEO } from './seedance';

let cdn: Server;
let cdnPort: number;
let fake: FakeFal;
/** The video URL each job's result names, by prompt. */
const videoUrls = new Map<string, string>();

beforeAll(async () => {
	cdn = createServer((request, response) => {
		const status = Number(/\/status\/(\d+)/.exec(request.url ?? '')?.[1] ?? 200);
		if (status === 302) {
			response.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' }).end();
			return;
		}
		if (status !== 200) {
			response.writeHead(status, { 'content-type': 'application/xml' }).end('<Error><Code>AccessDenied</Code></Error>');
			return;
		}
		response.writeHead(200, { 'content-type': 'video/mp4', 'content-length': SAMPLE_VIDEO.length }).end(SAMPLE_VIDEO);
	});
	await new Promise<void>((resolve) => cdn.listen(0, '127.0.0.1', resolve));
	cdnPort = (cdn.address() as AddressInfo).port;
	fake = await startFakeFal({
		apiKey: API_KEY,
		queueMs: 10,
		jobMs: 40,
		behaviour: (input: { prompt: string }) => {
			const url = videoUrls.get(input.prompt);
			return url ? { output: { video: { url, content_type: 'video/mp4' }, seed: 1 } } : undefined;
		},
	});
});
afterAll(async () => {
	cdn.closeAllConnections();
	await new Promise((resolve) => cdn.close(resolve));
	await fake.close();
});

async function generateWithVideoAt(url: string, options: INodeParameters = {}) {
	const prompt = `a cat ${videoUrls.size}`;
	videoUrls.set(prompt, url);
	return await runSeedance(fake, generateParameters({ prompt, options }));
}

describe('Wait for Completion downloads only from allowed hosts', () => {
	test('a result naming another host is refused, naming the host, and nothing is fetched from it', async () => {
		const result = await generateWithVideoAt('http://169.254.169.254/latest/meta-data/iam');
		expect(result.status).toBe('error');
		expect(result.error?.message).toMatch(/^Refused to download the video from 169\.254\.169\.254: it is not one of fal's media hosts/);
		expect(String(result.error?.description)).toMatch(/Allowed Download Hosts/);
	});

	test('a host listed in Allowed Download Hosts is fetched', async () => {
		const refused = await generateWithVideoAt('http://media.invalid/ok.mp4');
		expect(refused.error?.message).toMatch(/^Refused to download the video from media\.invalid: it is not one of fal's media hosts/);
		// Listed, it is fetched (and fails: .invalid never resolves), so the refusal is gone.
		const listed = await generateWithVideoAt('http://media.invalid/ok.mp4', { allowedDownloadHosts: 'media.invalid' });
		expect(listed.error?.message).toBe('Could not download the video from media.invalid: no answer from the host');
		expect(String(listed.error?.description)).toMatch(/could not be reached or failed \(/);
	});

	test('with a local API Host, this machine under its other name (localhost) is the API Host', async () => {
		const allowed = await generateWithVideoAt(`http://localhost:${cdnPort}/ok.mp4`);
		expect(allowed.status).toBe('success');
		expect(await allowed.readBinary(allowed.items[0])).toEqual(SAMPLE_VIDEO);
	});

	test("a redirect from the video host is not followed", async () => {
		const result = await generateWithVideoAt(`http://127.0.0.1:${cdnPort}/status/302`);
		expect(result.error?.message).toBe('Could not download the video from 127.0.0.1 (HTTP 302)');
	});
});

describe('a failing video host is reported as a download failure, never as a rejected fal key', () => {
	test.each([403, 404])('HTTP %i from the video host', async (status) => {
		const result = await generateWithVideoAt(`http://127.0.0.1:${cdnPort}/status/${status}`);
		expect(result.status).toBe('error');
		expect(result.error?.message).toBe(`Could not download the video from 127.0.0.1 (HTTP ${status})`);
		expect(result.error?.message).not.toMatch(/API key/);
		expect(String(result.error?.description)).toMatch(/fal keeps result files for a limited time/);
	});

	test('Get Result reports it the same way', async () => {
		const done = await generateWithVideoAt(`http://127.0.0.1:${cdnPort}/status/403`, { returnUrlOnly: true });
		const requestId = String(done.items[0].json.requestId);
		const result = await runSeedance(fake, { operation: 'getResult', tier: 'fast', requestId });
		expect(result.error?.message).toBe('Could not download the video from 127.0.0.1 (HTTP 403)');
	});
});
