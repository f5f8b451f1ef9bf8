/** Downloads of the finished video: any public host, no private address, and a failing video host reported as such. */
import { promises as dns } from 'dns';
import { createServer, type Server } from 'http';
import { hostname } from 'os';
import type { AddressInfo } from 'net';
import type { INodeParameters } from 'n8n-workflow';

import { isPrivateHost } from '../../nodes/shared/transport/privateAddress';
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

describe('Wait for Completion downloads from any public host fal names, never from a private address', () => {
	test('a result naming a private address is refused, naming the host, and nothing is fetched from it', async () => {
		const result = await generateWithVideoAt('http://169.254.169.254/latest/meta-data/iam');
		expect(result.status).toBe('error');
		expect(result.error?.message).toMatch(/^Refused to download the video from 169\.254\.169\.254: it is a private, loopback or link-local address/);
		expect(String(result.error?.description)).toMatch(/Allowed Download Hosts/);
	});

	test('a public host that is not fal\'s own is fetched (it fails here only because nothing answers offline)', async () => {
		const result = await generateWithVideoAt('http://media.invalid/ok.mp4');
		expect(result.error?.message).toBe('Could not download the video from media.invalid: no answer from the host');
		expect(String(result.error?.description)).toMatch(/could not be reached or failed \(/);
	});

	test("a name that resolves to a private address is refused by what it resolves to (n8n's egress filter)", async () => {
		const name = hostname().toLowerCase();
		const resolved = await dns.lookup(name, { all: true });
		// Precondition of this test: the machine's own name resolves to itself or its local network.
		expect(resolved.some(({ address }) => isPrivateHost(address))).toBe(true);
		const result = await generateWithVideoAt(`http://${name}:${cdnPort}/ok.mp4`);
		expect(result.status).toBe('error');
		// n8n's filter blocks it first (127.0.0.0/8 is in its default list); isPrivateHost would otherwise.
		expect(result.error?.message).toMatch(new RegExp(`^Refused to download the video from ${name}: it resolves to [^ ]+, (which n8n's SSRF rules block|a private, loopback or link-local address)`));
		const listed = await generateWithVideoAt(`http://${name}:${cdnPort}/ok.mp4`, { allowedDownloadHosts: name });
		expect(listed.status).toBe('success');
	});

	test('a private mirror is fetched once listed in Allowed Download Hosts', async () => {
		const refused = await generateWithVideoAt('http://10.255.255.1/ok.mp4');
		expect(refused.error?.message).toMatch(/^Refused to download the video from 10\.255\.255\.1: it is a private/);
		const listed = await generateWithVideoAt('http://localhost.localdomain.invalid/ok.mp4', { allowedDownloadHosts: 'localhost.localdomain.invalid' });
		expect(listed.error?.message).toBe('Could not download the video from localhost.localdomain.invalid: no answer from the host');
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
