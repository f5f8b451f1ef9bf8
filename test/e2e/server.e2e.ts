/**
 * `n8n start` with the packed package: the server comes up and knows our node and credential types (the form example itself runs end to end in formExample.e2e.ts).
 */
import { exampleCredential } from './examples';
import { CREDENTIAL_TYPE_NAME, N8nInstance, NODE_TYPE, login, readExample } from './n8nInstance';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { startFakeFal } = require('../fake-fal');

describe('n8n start with the package installed', () => {
	let n8n: N8nInstance;
	let fake: { url: string; close(): Promise<void> };
	let baseUrl: string;

	beforeAll(async () => {
		fake = await startFakeFal({ apiKey: 'server-e2e-key', jobMs: 300, queueMs: 50 });
		n8n = N8nInstance.create('server');
		const form = readExample('form-upload-to-video.json');
		await n8n.importCredentials([{ ...exampleCredential(form), apiKey: 'server-e2e-key', apiHost: fake.url }]);
		await n8n.importWorkflows([form]);
		baseUrl = await n8n.start();
	});

	afterAll(async () => {
		await n8n?.dispose();
		await fake?.close();
	});

	it('answers its health check', async () => {
		const response = await fetch(`${baseUrl}/healthz`);
		expect(response.status).toBe(200);
		expect(await response.json()).toEqual({ status: 'ok' });
	});

	it('lists the Seedance node and the Fal API credential among its types (after logging in as the env-made owner)', async () => {
		// n8n 2.41 serves /types/*.json only to a logged-in user (server.js protectTypeFiles).
		expect((await fetch(`${baseUrl}/types/nodes.json`)).status).toBe(401);
		const headers = await login(baseUrl);

		const nodes = (await (await fetch(`${baseUrl}/types/nodes.json`, { headers })).json()) as Array<{ name: string; displayName: string }>;
		expect(nodes).toContainEqual(expect.objectContaining({ name: NODE_TYPE, displayName: 'Seedance Image-to-Video' }));

		const credentials = (await (await fetch(`${baseUrl}/types/credentials.json`, { headers })).json()) as Array<{ name: string; displayName: string }>;
		expect(credentials).toContainEqual(expect.objectContaining({ name: CREDENTIAL_TYPE_NAME, displayName: 'Fal API' }));
	});
});
