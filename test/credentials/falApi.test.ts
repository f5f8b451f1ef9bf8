import { Workflow, type INode } from 'n8n-workflow';

import { FalApi } from '../../credentials/FalApi.credentials';
import { startFakeFal, type FakeFal } from '../fake-fal';
import { HarnessNodeTypes } from '../harness/nodeTypes';

const KEY = 'credential-test-key-123456';
const falApi = new FalApi();
const node: INode = { id: 'n', name: 'n', type: 'n8n-nodes-base.noOp', typeVersion: 1, position: [0, 0], parameters: {} };
const workflow = new Workflow({ nodes: [], connections: {}, active: false, nodeTypes: new HarnessNodeTypes({}) });

let fake: FakeFal;
beforeAll(async () => {
	fake = await startFakeFal({ apiKey: KEY });
});
afterAll(async () => await fake.close());

/** Resolves a credential expression the way n8n does, with `$credentials` in scope. */
function resolve(value: string, credentials: Record<string, string>): string {
	return String(workflow.expression.getSimpleParameterValue(node, value, 'internal', { $credentials: credentials }, undefined, ''));
}

/** Sends the credential's test request as n8n's "Test" button would, with its `authenticate` header. */
async function runCredentialTest(credentials: Record<string, string>): Promise<number> {
	const { request } = falApi.test;
	const baseURL = resolve(String(request.baseURL), credentials);
	const authorization = resolve(String(falApi.authenticate.properties.headers?.Authorization), credentials);
	const response = await fetch(`${baseURL}${String(request.url)}`, {
		method: request.method,
		headers: { authorization, 'content-type': 'application/json' },
		body: JSON.stringify(request.body),
	});
	return response.status;
}

describe('the Fal API credential test', () => {
	test('defaults to fal\'s REST host, which the test request needs', () => {
		expect(resolve(String(falApi.test.request.baseURL), { apiKey: KEY, apiHost: '' })).toBe('https://rest.fal.ai');
	});

	test('passes with the right key and fails with a wrong one, against the configured API host', async () => {
		expect(await runCredentialTest({ apiKey: KEY, apiHost: `${fake.url}/` })).toBe(200);
		expect(await runCredentialTest({ apiKey: 'wrong-key', apiHost: fake.url })).toBe(401);
		expect(fake.requests('upload-initiate').map((entry) => entry.headers.authorization)).toEqual([`Key ${KEY}`, 'Key wrong-key']);
	});

	test('starts an upload but sends no bytes: it costs nothing', async () => {
		expect(fake.requests('upload-put')).toHaveLength(0);
		expect(fake.requests('submit')).toHaveLength(0);
	});
});
