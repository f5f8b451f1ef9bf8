/**
 * What fal and the network do wrong, inside a real n8n (`n8n execute`), on every n8n line the
 * package supports: a Continue On Fail batch where fal rejects one item at result time, and
 * dropped connections on the status stream and on the result request (retried as on fal-js).
 * n8n 1.x wraps its helpers' errors differently from 2.x; these cases hung or failed there.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import { seedanceWorkflow } from './executeWorkflow';
import { N8nInstance, outputOf } from './n8nInstance';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { startFakeFal } = require('../fake-fal');

const API_KEY = 'e2e-faults-key-do-not-print';
const CREDENTIAL = { id: 'falFaultsCredential', name: 'Fal (fake)' };
const SAMPLE_VIDEO = fs.readFileSync(path.join(__dirname, '..', 'fake-fal', 'fixtures', 'sample.mp4'));

describe('fal faults in a real n8n (n8n execute)', () => {
	let fake: Awaited<ReturnType<typeof startFakeFal>>;
	let n8n: N8nInstance;

	const batch = seedanceWorkflow('e2eFaultsBatchOfThree', ['A cat blinks', 'Forbidden [content-policy] scene', 'A dog wags its tail'], CREDENTIAL, {
		onError: 'continueRegularOutput',
	});
	const errorOutput = seedanceWorkflow('e2eFaultsErrorOutput', ['A cat blinks', 'Forbidden [content-policy] scene', 'A dog wags its tail'], CREDENTIAL, {
		onError: 'continueErrorOutput',
	});
	const single = seedanceWorkflow('e2eFaultsSingle', ['A cat blinks'], CREDENTIAL);

	beforeAll(async () => {
		fake = await startFakeFal({ apiKey: API_KEY, jobMs: 300, queueMs: 50 });
		n8n = N8nInstance.create('faults');
		await n8n.importCredentials([{ ...CREDENTIAL, apiKey: API_KEY, apiHost: fake.url }]);
		await n8n.importWorkflows([batch, errorOutput, single]);
	});

	afterAll(async () => {
		await n8n?.dispose();
		await fake?.close();
	});

	it('Continue On Fail: a batch of three where fal rejects the second at result time ends, the second item carrying its error', async () => {
		const { execution, output } = await n8n.execute(batch.id);

		expect(execution.status).toBe('success');
		const items = outputOf(execution, 'Seedance');
		expect(items).toHaveLength(3);
		expect(items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(items[0].binary?.data?.mimeType).toBe('video/mp4');
		expect(items[1].json.error).toEqual(expect.stringMatching(/content polic/i));
		expect(items[1].binary).toBeUndefined();
		expect(items[2].binary?.data?.mimeType).toBe('video/mp4');
		expect(output).not.toContain(API_KEY);
	});

	it('"Continue (using error output)": the rejected item leaves on the error output, the videos on the success output', async () => {
		const { execution } = await n8n.execute(errorOutput.id);

		expect(execution.status).toBe('success');
		const [success, failed] = execution.data.resultData.runData.Seedance[0].data!.main;
		expect(success.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 2 }]);
		expect(success.map((item) => item.binary?.data?.mimeType)).toEqual(['video/mp4', 'video/mp4']);
		expect(failed).toHaveLength(1);
		expect(failed[0].pairedItem).toEqual({ item: 1 });
		expect(failed[0].json.error).toEqual(expect.stringMatching(/content polic/i));
	});

	it('a dropped status stream is opened again, and a dropped result request is sent again: the video arrives', async () => {
		const before = { streams: fake.requests('status-stream').length, polls: fake.requests('status').length, results: fake.requests('result').length };
		fake.fault({ on: 'status-stream', drop: true });
		fake.fault({ on: 'result', drop: true });

		const { execution } = await n8n.execute(single.id);

		expect(execution.status).toBe('success');
		const [item] = outputOf(execution, 'Seedance');
		expect(item.binary?.data?.mimeType).toBe('video/mp4');
		expect(Buffer.from(await readBinary(item.binary!.data!)).equals(SAMPLE_VIDEO)).toBe(true);
		// Retried, not worked around: a second stream (no fall back to polling) and a second result request.
		const streams = fake.requests('status-stream').slice(before.streams);
		expect(streams.map((entry: { fault?: boolean }) => entry.fault === true)).toEqual([true, false]);
		expect(fake.requests('status').length - before.polls).toBe(0);
		const results = fake.requests('result').slice(before.results);
		expect(results.map((entry: { fault?: boolean }) => entry.fault === true)).toEqual([true, false]);
		expect(fake.pendingFaults()).toEqual([]);
	});

	async function readBinary(binary: { id?: string; data?: string }): Promise<Buffer> {
		return binary.id ? fs.readFileSync(n8n.binaryFilePath(binary as { id: string; mimeType: string })) : Buffer.from(binary.data ?? '', 'base64');
	}
});
