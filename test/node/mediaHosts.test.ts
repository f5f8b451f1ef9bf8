/**
 * A result on each of fal's real media host forms arrives as binary data: `fal.media`, `v3.fal.media`,
 * `v3b.fal.media`, `storage.googleapis.com`. No DNS here, so n8n's HTTP client goes through a forward
 * proxy (HTTP_PROXY, as behind a corporate proxy) that maps those names to the fake fal; the node's
 * own address check finds that the names do not resolve on this machine and leaves them to the
 * proxy. The new Platform API requests (sign, delete) go through the proxy too, and the key never
 * reaches a media host.
 */
import { startForwardProxy, type ForwardProxy } from '../proxy/forwardProxy';
import { startFakeFal, type FakeFal } from '../fake-fal';
import { API_KEY, generateParameters, runSeedance, SAMPLE_VIDEO } from './seedance';

const HOST_FORMS = ['fal.media', 'v3.fal.media', 'v3b.fal.media', 'storage.googleapis.com'];
const PROXY_VARIABLES = ['HTTP_PROXY', 'http_proxy', 'HTTPS_PROXY', 'https_proxy', 'NO_PROXY', 'no_proxy'] as const;

let fake: FakeFal;
let proxy: ForwardProxy;
const saved: Partial<Record<(typeof PROXY_VARIABLES)[number], string | undefined>> = {};

beforeAll(async () => {
	fake = await startFakeFal({ apiKey: API_KEY, queueMs: 5, jobMs: 20 });
	const target = `127.0.0.1:${fake.port}`;
	proxy = await startForwardProxy({ watchSecrets: [API_KEY], hosts: Object.fromEntries(HOST_FORMS.map((host) => [host, target])) });
	for (const name of PROXY_VARIABLES) saved[name] = process.env[name];
	for (const name of ['HTTP_PROXY', 'http_proxy', 'HTTPS_PROXY', 'https_proxy'] as const) process.env[name] = proxy.url;
	for (const name of ['NO_PROXY', 'no_proxy'] as const) process.env[name] = '';
});

afterAll(async () => {
	for (const name of PROXY_VARIABLES) {
		if (saved[name] === undefined) delete process.env[name];
		else process.env[name] = saved[name];
	}
	await proxy.close();
	await fake.close();
});

beforeEach(() => {
	fake.options.privateByDefault = false;
	fake.log.length = 0;
	proxy.log.length = 0;
});

describe("a video on each of fal's media host forms is downloaded (through HTTP_PROXY)", () => {
	test.each(HOST_FORMS)('%s', async (host) => {
		fake.options.mediaBaseUrl = `http://${host}`;
		const result = await runSeedance(fake, generateParameters());
		expect(result.error).toBeUndefined();
		expect(String((result.items[0].json.video as { url: string }).url).startsWith(`http://${host}/`)).toBe(true);
		expect(await result.readBinary(result.items[0])).toEqual(SAMPLE_VIDEO);
		const reads = proxy.log.filter((entry) => entry.url.startsWith(`http://${host}/`));
		expect(reads.map((entry) => [entry.method, entry.status, entry.carriedSecret])).toEqual([['GET', 200, false]]);
		expect(fake.requests('download')[0].headers.host).toBe(host);
	});
});

describe('private files behind the proxy', () => {
	test('a 403 on v3b.fal.media is signed and deleted at fal through the proxy; the key goes only to the API host', async () => {
		fake.options.mediaBaseUrl = 'http://v3b.fal.media';
		fake.options.privateByDefault = true;
		const result = await runSeedance(fake, generateParameters({ options: { deleteAfterDownload: true } }));
		expect(result.error).toBeUndefined();
		expect(await result.readBinary(result.items[0])).toEqual(SAMPLE_VIDEO);
		const cdn = proxy.log.filter((entry) => entry.url.startsWith('http://v3b.fal.media/'));
		expect(cdn.map((entry) => [entry.status, entry.url.includes('identity='), entry.carriedSecret])).toEqual([
			[403, false, false],
			[200, true, false],
		]);
		const platform = proxy.log.filter((entry) => entry.url.includes('/v1/'));
		expect(platform.map((entry) => [entry.method, new URL(entry.url).pathname, entry.carriedSecret])).toEqual([
			['POST', '/v1/storage/files/sign', true],
			['DELETE', `/v1/models/requests/${String(result.items[0].json.requestId)}/payloads`, true],
		]);
		expect(new Set(proxy.log.filter((entry) => entry.carriedSecret).map((entry) => entry.target))).toEqual(new Set([`127.0.0.1:${fake.port}`]));
		expect(result.items[0].json.deletedAtFal).toMatchObject({ deleted: true });
	});
});
