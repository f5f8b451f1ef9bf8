/**
 * n8n 3.0's defaults, tried on n8n 2.41 today: SSRF protection on (N8N_SSRF_PROTECTION_ENABLED=true,
 * which blocks loopback and private ranges) and binary data on the filesystem. Every fal request the
 * node makes (submit, status stream, result, the video download) goes through n8n's HTTP helpers, so
 * n8n's SSRF rules apply to it: the fake fal on 127.0.0.1 is refused until it is allowed through
 * n8n's own allow-list (N8N_SSRF_ALLOWED_IP_RANGES), as a user with a local proxy or gateway would do.
 * n8n 1.x has no SSRF protection settings, so this suite runs on the 2.x line.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import { seedanceWorkflow } from './executeWorkflow';
import { N8nInstance, n8nMajor, outputOf } from './n8nInstance';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { startFakeFal } = require('../fake-fal');

const API_KEY = 'e2e-ssrf-key-do-not-print';
const CREDENTIAL = { id: 'falSsrfCredential', name: 'Fal (fake)' };
const SAMPLE_VIDEO = fs.readFileSync(path.join(__dirname, '..', 'fake-fal', 'fixtures', 'sample.mp4'));
const N8N_3_DEFAULTS = { N8N_SSRF_PROTECTION_ENABLED: 'true', N8N_DEFAULT_BINARY_DATA_MODE: 'filesystem' };

const describeOn2x = n8nMajor() >= 2 ? describe : describe.skip;

describeOn2x('with SSRF protection on and filesystem binary data (n8n 3.0 defaults)', () => {
	let fake: Awaited<ReturnType<typeof startFakeFal>>;
	const instances: N8nInstance[] = [];
	const workflow = seedanceWorkflow('e2eSsrfGenerate', ['A cat blinks', 'An ant walks to the left'], CREDENTIAL);

	async function n8nWith(label: string, env: Record<string, string>): Promise<N8nInstance> {
		const n8n = N8nInstance.create(label, { ...N8N_3_DEFAULTS, ...env });
		instances.push(n8n);
		await n8n.importCredentials([{ ...CREDENTIAL, apiKey: API_KEY, apiHost: fake.url }]);
		await n8n.importWorkflows([workflow]);
		return n8n;
	}

	beforeAll(async () => {
		fake = await startFakeFal({ apiKey: API_KEY, jobMs: 300, queueMs: 50 });
	});

	afterAll(async () => {
		for (const n8n of instances) await n8n.dispose();
		await fake?.close();
	});

	it('fal on a loopback address is refused by n8n before anything is sent', async () => {
		const n8n = await n8nWith('ssrf-blocked', {});
		const submitsBefore = fake.requests('submit').length;

		const { execution, output } = await n8n.execute(workflow.id);

		expect(execution.status).toBe('error');
		expect(fake.requests('submit').length - submitsBefore).toBe(0);
		expect(output).not.toContain(API_KEY);
	});

	it("allowed through n8n's allow-list, every request and the download pass and the videos are stored on disk", async () => {
		const n8n = await n8nWith('ssrf-allowed', { N8N_SSRF_ALLOWED_IP_RANGES: '127.0.0.1/32' });

		const { execution } = await n8n.execute(workflow.id);

		expect(execution.status).toBe('success');
		const items = outputOf(execution, 'Seedance');
		expect(items).toHaveLength(2);
		for (const item of items) {
			const video = item.binary!.data!;
			expect(video.id).toMatch(/^filesystem(-v2)?:/);
			expect(fs.readFileSync(n8n.binaryFilePath(video)).equals(SAMPLE_VIDEO)).toBe(true);
		}
	});
});
