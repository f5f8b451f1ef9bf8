/**
 * Behind an outbound proxy: a real n8n 2.41.1 started with HTTP_PROXY/HTTPS_PROXY pointing at a local
 * forward proxy (test/proxy/forwardProxy.ts) runs an image-to-video workflow (binary image uploaded to
 * fal storage, job queued, followed, result fetched, MP4 downloaded). Every request the fake fal sees
 * must have come through the proxy, and the key must only ever go to the API host. The credential's
 * API Host names the fake as `localhost`, while the video URLs it hands out name it `127.0.0.1`: two
 * hosts to the client, like fal's queue and its CDN, so "the key only to the API host" can fail.
 *
 * How n8n 2.41 routes proxies: its request helpers (@n8n/backend-network) pick an agent per request
 * from proxy-from-env 1.1.0 (`http_proxy`/`HTTP_PROXY`, `https_proxy`/`HTTPS_PROXY`, `all_proxy`,
 * lowercase first), and `NO_PROXY`/`no_proxy` is the only bypass: there is no implicit one for
 * 127.0.0.1 or localhost, so the fake on 127.0.0.1 is proxied as long as NO_PROXY does not name it
 * (cleared here, in case the machine sets one). Node's global `fetch` ignores these variables unless
 * NODE_USE_ENV_PROXY=1, which is left unset: a client on `fetch` goes around the proxy, and this fails.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import { startForwardProxy, VIA, type ForwardProxy } from '../proxy/forwardProxy';
import type { FakeFal } from '../fake-fal';
import { manualWorkflow } from './executeWorkflow';
import { N8nInstance, outputOf, type WorkflowJson } from './n8nInstance';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { startFakeFal } = require('../fake-fal');

const SECRET_KEY = 'proxy-e2e-key-7d1e4c:never-elsewhere';
const CREDENTIAL = { id: 'falProxyCredential', name: 'Fal (fake, behind a proxy)' };
const SAMPLE_VIDEO = fs.readFileSync(path.join(__dirname, '..', 'fake-fal', 'fixtures', 'sample.mp4'));
/** A valid 1×1 PNG. */
const TINY_PNG_BASE64 = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';

/** Manual Trigger → Code (an item with a PNG in binary "data") → Seedance: upload, generate, download. */
function binaryImageWorkflow(id: string): WorkflowJson {
	return manualWorkflow(id, {
		credential: CREDENTIAL,
		items: [{ json: { prompt: 'The cat slowly turns its head' }, binary: { data: { data: TINY_PNG_BASE64, mimeType: 'image/png', fileName: 'cat.png' } } }],
		seedance: [{ parameters: { operation: 'generate', prompt: '={{ $json.prompt }}', imageSource: 'binary', imageBinaryProperty: 'data', duration: '5' } }],
	});
}

describe('Seedance in a real n8n behind an HTTP(S) proxy', () => {
	let fake: FakeFal;
	let proxy: ForwardProxy;
	let n8n: N8nInstance;
	const workflow = binaryImageWorkflow('e2eBehindProxy');

	beforeAll(async () => {
		fake = await startFakeFal({ apiKey: SECRET_KEY, jobMs: 300, queueMs: 50 });
		proxy = await startForwardProxy({ watchSecrets: [SECRET_KEY] });
		n8n = N8nInstance.create('proxy', {
			HTTP_PROXY: proxy.url,
			HTTPS_PROXY: proxy.url,
			http_proxy: proxy.url,
			https_proxy: proxy.url,
			NO_PROXY: '',
			no_proxy: '',
		});
		await n8n.importCredentials([{ ...CREDENTIAL, apiKey: SECRET_KEY, apiHost: `http://localhost:${fake.port}` }]);
		await n8n.importWorkflows([workflow]);
	});

	afterAll(async () => {
		await n8n?.dispose();
		await proxy?.close();
		await fake?.close();
	});

	it('sends every fal request (storage upload, queue, result, video download) through the proxy, and the key only to the API host', async () => {
		const { execution, output } = await n8n.execute(workflow.id);

		expect(execution.status).toBe('success');
		const [item] = outputOf(execution, 'Seedance');
		expect(item.binary?.data?.mimeType).toBe('video/mp4');
		expect(fs.readFileSync(n8n.binaryFilePath(item.binary!.data)).equals(SAMPLE_VIDEO)).toBe(true);

		const kinds = new Set(fake.log.map((entry) => entry.kind));
		for (const kind of ['upload-initiate', 'upload-put', 'submit', 'result', 'download'] as const) expect(kinds).toContain(kind);
		expect(kinds.has('status') || kinds.has('status-stream')).toBe(true);

		// The proxy stamps Via on what it forwards: a request without it reached fal directly.
		const direct = fake.log.filter((entry) => entry.headers.via !== VIA).map((entry) => `${entry.kind}: ${entry.method} ${entry.path}`);
		expect(direct).toEqual([]);

		// …and the proxy's own log holds exactly the requests fal saw.
		const apiHost = `localhost:${fake.port}`;
		const cdnHost = `127.0.0.1:${fake.port}`;
		const toFake = proxy.log.filter((entry) => entry.target === apiHost || entry.target === cdnHost);
		expect(toFake.map((entry) => `${entry.method} ${new URL(entry.url).pathname}`).sort()).toEqual(fake.log.map((entry) => `${entry.method} ${entry.path}`).sort());

		// The video came from the URL fal gave (the CDN host here), and only the API host got the key.
		expect(toFake.filter((entry) => entry.target === cdnHost).map((entry) => entry.method)).toEqual(['GET']);
		const keyedTargets = new Set(proxy.log.filter((entry) => entry.carriedSecret).map((entry) => entry.target));
		expect([...keyedTargets]).toEqual([apiHost]);
		expect(output).not.toContain(SECRET_KEY);
	});
});
