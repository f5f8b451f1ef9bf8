/**
 * fal's media as it really is, in a real n8n 2.41.1: a result on `fal.media` and one from an account
 * whose files are private both arrive as binary data. n8n runs behind a forward proxy (HTTP_PROXY)
 * that maps fal's media host names to the fake fal without DNS (test/proxy/forwardProxy.ts `hosts`).
 * The private one is read through a URL signed with the credential's key (sign goes through the
 * proxy too), then deleted at fal; the key never reaches a media host.
 */
import fs from 'node:fs';
import path from 'node:path';

import { startForwardProxy, type ForwardProxy } from '../proxy/forwardProxy';
import type { FakeFal } from '../fake-fal';
import { manualWorkflow } from './executeWorkflow';
import { N8nInstance, outputOf, type WorkflowJson } from './n8nInstance';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { startFakeFal } = require('../fake-fal');

const SECRET_KEY = 'fal-media-e2e-key-51c0:never-on-a-cdn';
const CREDENTIAL = { id: 'falMediaCredential', name: 'Fal (fake, fal media hosts)' };
const SAMPLE_VIDEO = fs.readFileSync(path.join(__dirname, '..', 'fake-fal', 'fixtures', 'sample.mp4'));

/** Manual Trigger → Seedance generating one video from a fixed image, with the given More Options. */
function generateWorkflow(id: string, options: Record<string, unknown>): WorkflowJson {
	return manualWorkflow(id, {
		credential: CREDENTIAL,
		seedance: [{ parameters: { operation: 'generate', prompt: 'The cat blinks', imageSource: 'url', imageUrl: 'https://images.example.com/cat.jpg', duration: '5', options } }],
	});
}

describe("fal's media hosts and private files in a real n8n", () => {
	let fake: FakeFal;
	let proxy: ForwardProxy;
	let n8n: N8nInstance;
	const onFalMedia = generateWorkflow('e2eFalMedia', {});
	const privateAccount = generateWorkflow('e2ePrivateAccount', { outputFiles: 'private', deleteOutputsAfterSeconds: 600, storePayloads: false, deleteAfterDownload: true });

	beforeAll(async () => {
		fake = await startFakeFal({ apiKey: SECRET_KEY, jobMs: 200, queueMs: 30 });
		const target = `127.0.0.1:${fake.port}`;
		proxy = await startForwardProxy({ watchSecrets: [SECRET_KEY], hosts: { 'fal.media': target, 'v3b.fal.media': target } });
		n8n = N8nInstance.create('fal-media', { HTTP_PROXY: proxy.url, HTTPS_PROXY: proxy.url, http_proxy: proxy.url, https_proxy: proxy.url, NO_PROXY: '', no_proxy: '' });
		await n8n.importCredentials([{ ...CREDENTIAL, apiKey: SECRET_KEY, apiHost: fake.url }]);
		await n8n.importWorkflows([onFalMedia, privateAccount]);
	});

	afterAll(async () => {
		await n8n?.dispose();
		await proxy?.close();
		await fake?.close();
	});

	beforeEach(() => {
		fake.log.length = 0;
		proxy.log.length = 0;
	});

	it('a result on fal.media/files/… arrives as binary data', async () => {
		fake.options.mediaBaseUrl = 'http://fal.media';
		fake.options.privateByDefault = false;
		const { execution } = await n8n.execute(onFalMedia.id);
		expect(execution.status).toBe('success');
		const [item] = outputOf(execution, 'Seedance');
		expect(String((item.json.video as { url: string }).url)).toMatch(/^http:\/\/fal\.media\/files\//);
		expect(fs.readFileSync(n8n.binaryFilePath(item.binary!.data)).equals(SAMPLE_VIDEO)).toBe(true);
		expect(proxy.log.filter((entry) => entry.url.startsWith('http://fal.media/')).map((entry) => [entry.status, entry.carriedSecret])).toEqual([[200, false]]);
	});

	it('a private account: the output is private, read through a signed URL, then deleted at fal; the key only goes to the API host', async () => {
		fake.options.mediaBaseUrl = 'http://v3b.fal.media';
		fake.options.privateByDefault = true;
		const { execution, output } = await n8n.execute(privateAccount.id);
		expect(execution.status).toBe('success');
		const [item] = outputOf(execution, 'Seedance');
		expect(fs.readFileSync(n8n.binaryFilePath(item.binary!.data)).equals(SAMPLE_VIDEO)).toBe(true);
		expect(item.json.deletedAtFal).toMatchObject({ deleted: true });

		const [submit] = fake.requests('submit');
		expect(JSON.parse(String(submit.headers['x-fal-object-lifecycle-preference']))).toEqual({ expiration_duration_seconds: 600, initial_acl: { default: 'forbid' } });
		expect(submit.headers['x-fal-store-io']).toBe('0');
		const cdn = proxy.log.filter((entry) => entry.url.startsWith('http://v3b.fal.media/'));
		expect(cdn.map((entry) => [entry.status, entry.url.includes('identity='), entry.carriedSecret])).toEqual([[200, true, false]]);
		const storageCalls = proxy.log.filter((entry) => /\/v1\/(storage\/files\/sign|models\/requests\/.*\/payloads)/.test(entry.url));
		expect(storageCalls.map((entry) => [entry.method, entry.status, entry.carriedSecret])).toEqual([
			['POST', 200, true],
			['DELETE', 200, true],
		]);
		expect(new Set(proxy.log.filter((entry) => entry.carriedSecret).map((entry) => entry.target))).toEqual(new Set([`127.0.0.1:${fake.port}`]));
		expect(output).not.toContain(SECRET_KEY);
	});
});
