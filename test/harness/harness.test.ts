/**
 * Proves the harness runs a node inside n8n-core's real engine: a small probe node uses the
 * same helpers our Seedance node uses (binary in, HTTP with the fal credential, stream out,
 * Continue On Fail, the execution's cancel signal) against a local HTTP server.
 */
import { existsSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Readable } from 'node:stream';

import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError, sleep } from 'n8n-workflow';

import { initEngine, runWorkflow } from './runWorkflow';

const API_KEY = 'harness-secret-key-1234';
const PROBE_TYPE = 'n8n-nodes-harness.probe';
/** How long the probe's sleep action sleeps unless the execution is stopped. */
const SLEEP_MS = 60_000;

/** A local stand-in for an API: echoes who called, and streams back the bytes it got, reversed. */
interface RecordedRequest {
	method: string;
	url: string;
	headers: IncomingHttpHeaders;
}

function startServer(): Promise<{ server: Server; url: string; requests: RecordedRequest[] }> {
	const requests: RecordedRequest[] = [];
	const server = createServer((req, res) => {
		requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
		const chunks: Buffer[] = [];
		req.on('data', (chunk: Buffer) => chunks.push(chunk));
		req.on('end', () => {
			if (req.url === '/whoami') {
				res.setHeader('content-type', 'application/json');
				res.end(JSON.stringify({ authorized: req.headers.authorization === `Key ${API_KEY}` }));
				return;
			}
			if (req.url === '/hang') return; // never answers: only an abort ends this request
			if (req.url === '/reverse') {
				res.setHeader('content-type', 'application/octet-stream');
				res.end(Buffer.concat(chunks).reverse());
				return;
			}
			res.statusCode = 404;
			res.end();
		});
	});
	return new Promise((resolve) => {
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address() as AddressInfo;
			resolve({ server, url: `http://127.0.0.1:${port}`, requests });
		});
	});
}

const probeDescription: INodeTypeDescription = {
	displayName: 'Probe',
	name: 'probe',
	group: ['transform'],
	version: 1,
	description: 'Exercises the n8n helpers our node relies on',
	defaults: { name: 'Probe' },
	inputs: [NodeConnectionTypes.Main],
	outputs: [NodeConnectionTypes.Main],
	credentials: [{ name: 'falApi', required: true }],
	properties: [
		{
			displayName: 'Action',
			name: 'action',
			type: 'options',
			options: [
				{ name: 'Reverse', value: 'reverse' },
				{ name: 'Sleep', value: 'sleep' },
				{ name: 'Hang', value: 'hang' },
				{ name: 'Wait', value: 'wait' },
			],
			default: 'reverse',
		},
		{ displayName: 'Fail On Item', name: 'failOnItem', type: 'number', default: -1 },
	],
};

class Probe implements INodeType {
	description = probeDescription;

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		if (this.getNodeParameter('action', 0) === 'sleep') {
			await sleep(SLEEP_MS, this.getExecutionCancelSignal());
			return [items];
		}

		const credentials = await this.getCredentials<{ apiKey: string; apiHost: string }>('falApi');
		if (this.getNodeParameter('action', 0) === 'hang') {
			// httpRequestWithAuthentication sets abortSignal to the execution's cancel signal itself.
			await this.helpers.httpRequestWithAuthentication.call(this, 'falApi', {
				url: `${credentials.apiHost}/hang`,
			});
			return [items];
		}
		if (this.getNodeParameter('action', 0) === 'wait') {
			await this.putExecutionToWait(new Date(Date.now() + 60_000));
			return [items];
		}
		const failOnItem = this.getNodeParameter('failOnItem', 0) as number;
		const output: INodeExecutionData[] = [];
		for (let i = 0; i < items.length; i++) {
			try {
				if (i === failOnItem) {
					throw new NodeOperationError(this.getNode(), `Item ${i} is broken`, { itemIndex: i });
				}
				const whoami = (await this.helpers.httpRequestWithAuthentication.call(this, 'falApi', {
					url: `${credentials.apiHost}/whoami`,
					json: true,
				})) as IDataObject;
				const input = await this.helpers.getBinaryDataBuffer(i, 'data');
				const stream = (await this.helpers.httpRequest({
					method: 'POST',
					url: `${credentials.apiHost}/reverse`,
					body: input,
					encoding: 'stream',
				})) as Readable;
				const binary = await this.helpers.prepareBinaryData(stream, 'x.bin', 'application/octet-stream');
				output.push({
					json: {
						authorized: whoami.authorized,
						resumeUrl: this.evaluateExpression('{{ $execution.resumeUrl }}', i),
					},
					binary: { data: binary },
					pairedItem: { item: i },
				});
			} catch (error) {
				if (!this.continueOnFail()) throw error;
				output.push({ json: { error: (error as Error).message }, pairedItem: { item: i } });
			}
		}
		return [output];
	}
}

const imageItem = (text: string) => ({
	json: { text },
	binary: { data: { data: Buffer.from(text), mimeType: 'image/png', fileName: `${text}.png` } },
});

describe('engine harness', () => {
	let api: Awaited<ReturnType<typeof startServer>>;

	beforeAll(async () => {
		api = await startServer();
	});

	afterAll(async () => {
		api.server.closeAllConnections();
		await new Promise((resolve) => api.server.close(resolve));
	});

	const run = (overrides: Partial<Parameters<typeof runWorkflow>[0]> = {}) =>
		runWorkflow({
			nodeType: new Probe(),
			nodeTypeName: PROBE_TYPE,
			parameters: { action: 'reverse' },
			items: [imageItem('abc'), imageItem('hello')],
			credentials: { falApi: { apiKey: API_KEY, apiHost: api.url } },
			...overrides,
		});

	test('a node reads the input binary, calls the API with the fal key and stores a streamed binary on disk', async () => {
		const result = await run();

		expect(result.status).toBe('success');
		expect(result.error).toBeUndefined();
		expect(result.nodeExecutionOrder).toEqual(['Trigger', 'Probe']);
		expect(result.items.map((item) => item.json.authorized)).toEqual([true, true]);
		expect(result.items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		expect(await result.readBinary(result.items[0])).toEqual(Buffer.from('cba'));
		expect(await result.readBinary(result.items[1])).toEqual(Buffer.from('olleh'));

		const whoami = api.requests.filter((request) => request.url === '/whoami');
		expect(whoami.at(-1)?.headers.authorization).toBe(`Key ${API_KEY}`);
		// Plain httpRequest does not authenticate: the key goes only where the node asks for it.
		expect(api.requests.filter((r) => r.url === '/reverse').at(-1)?.headers.authorization).toBeUndefined();
	});

	test('binaries live in the filesystem binary-data mode, not in memory', async () => {
		const result = await run();
		const { binaryDataDir } = await initEngine();
		const output = result.items[0].binary?.data;

		expect(output).toMatchObject({
			data: 'filesystem-v2',
			mimeType: 'application/octet-stream',
			fileName: 'x.bin',
			bytes: 3,
		});
		expect(output?.id).toMatch(/^filesystem-v2:/);
		const file = result.binaryFilePath(result.items[0]);
		expect(file?.startsWith(binaryDataDir)).toBe(true);
		expect(file && existsSync(file)).toBe(true);

		const input = result.runData.Trigger[0].data?.main[0]?.[0].binary?.data;
		expect(input).toMatchObject({ data: 'filesystem-v2', mimeType: 'image/png', fileName: 'abc.png' });
	});

	test('the node sees $execution.resumeUrl with the execution id and resume token', async () => {
		const result = await run({ executionId: '4242', resumeToken: 'tok' });

		expect(result.resumeUrl).toBe('http://127.0.0.1:5678/webhook-waiting/4242?signature=tok');
		expect(result.items[0].json.resumeUrl).toBe(result.resumeUrl);
	});

	test('the API key appears nowhere in the saved execution', async () => {
		const result = await run();

		expect(result.executionJson).toContain('"authorized":true');
		expect(result.executionJson).not.toContain(API_KEY);
	});

	test('with Continue On Fail a broken item becomes an error item and the others go on', async () => {
		const result = await run({ parameters: { action: 'reverse', failOnItem: 0 }, continueOnFail: true });

		expect(result.status).toBe('success');
		expect(result.items).toEqual([
			{ json: { error: 'Item 0 is broken' }, pairedItem: { item: 0 } },
			expect.objectContaining({ json: expect.objectContaining({ authorized: true }), pairedItem: { item: 1 } }),
		]);
	});

	test('without Continue On Fail the run fails with the node error', async () => {
		const result = await run({ parameters: { action: 'reverse', failOnItem: 1 } });

		expect(result.status).toBe('error');
		expect(result.error?.message).toBe('Item 1 is broken');
		expect(result.items).toEqual([]);
	});

	// Only the abort can end these runs early: the sleep lasts SLEEP_MS and /hang never answers.
	// The bound is half of that, not a speed target (the machine is shared and noisy).
	test('stopping the execution aborts a sleeping node', async () => {
		const startedAt = Date.now();
		const result = await run({ parameters: { action: 'sleep' }, cancelAfterMs: 100 });

		expect(result.status).toBe('canceled');
		expect(Date.now() - startedAt).toBeLessThan(SLEEP_MS / 2);
	});

	test('stopping the execution aborts an HTTP request in flight', async () => {
		const startedAt = Date.now();
		const result = await run({ parameters: { action: 'hang' }, cancelAfterMs: 100 });

		expect(result.status).toBe('canceled');
		expect(Date.now() - startedAt).toBeLessThan(SLEEP_MS / 2);
		expect(api.requests.some((request) => request.url === '/hang')).toBe(true);
	});

	test('a node that puts the execution to wait leaves it waiting', async () => {
		const result = await run({ parameters: { action: 'wait' } });

		expect(result.status).toBe('waiting');
		expect(result.waitTill?.getTime()).toBeGreaterThan(Date.now());
		expect(result.items).toHaveLength(2);
	});

	test('credentials missing from the run are reported on the node', async () => {
		const result = await run({ credentials: {} });

		expect(result.status).toBe('error');
		expect(result.error?.message).toMatch(/credentials/i);
	});
});
