/**
 * A Stop (or another item's failure) that lands while fal is answering a submit: fal has queued and
 * will bill the job, so the node must learn its id, cancel it at once, log it and name it.
 */
import { ExecuteContext } from 'n8n-core';

import { startFakeFal, type FakeFal, type FakeJob } from '../fake-fal';
import { API_KEY, generateParameters, runSeedance } from './seedance';

let fake: FakeFal;
beforeAll(async () => {
	fake = await startFakeFal({ apiKey: API_KEY, queueMs: 20, jobMs: 100 });
});
afterAll(async () => await fake.close());
afterEach(() => {
	fake.holdSubmitAnswer = undefined;
	jest.restoreAllMocks();
});

const delay = async (ms: number) => await new Promise((resolve) => setTimeout(resolve, ms));

/** Holds fal's answer to the next submit: `received` settles when fal has the job, the answer goes out after `release`. */
function holdNextSubmit(): { received: Promise<FakeJob>; release: () => void } {
	let onReceived!: (job: FakeJob) => void;
	let release!: () => void;
	const received = new Promise<FakeJob>((resolve) => (onReceived = resolve));
	const released = new Promise<void>((resolve) => (release = resolve));
	fake.holdSubmitAnswer = (job) => {
		onReceived(job);
		return released;
	};
	return { received, release };
}

function captureLogs(): string[] {
	const lines: string[] = [];
	const record = (message: string) => void lines.push(message);
	const logger = { error: record, warn: record, info: record, debug: () => undefined };
	jest.spyOn(ExecuteContext.prototype, 'logger', 'get').mockReturnValue(logger as never);
	return lines;
}

describe.each([['waitForCompletion'], ['waitForWebhook'], ['submitOnly']])('Stop during a submit (%s)', (mode) => {
	test('the job fal queued meanwhile is cancelled at once, logged and named in the error', async () => {
		const logs = captureLogs();
		const hold = holdNextSubmit();
		const prompt = `stopped while submitting (${mode}) [never]`;
		// Stop is pressed once fal has the job; fal's answer follows shortly after.
		const stopped = hold.received.then(() => undefined);
		void stopped.then(async () => {
			await delay(100);
			hold.release();
		});
		const result = await runSeedance(fake, generateParameters({ mode, prompt }), { cancelWhen: stopped });
		const job = await hold.received;

		expect(result.status).toBe('canceled');
		expect(job.cancelled).toBe(true);
		expect(fake.requests('cancel').map((entry) => entry.path)).toContain(`/bytedance/seedance-2.0/requests/${job.requestId}/cancel`);
		expect(result.error?.message).toContain(job.requestId);
		expect(logs.some((line) => line.includes(job.requestId) && /cancel/i.test(line))).toBe(true);
	});
});

describe('another item failing during a submit', () => {
	test('the job fal queued for this item is cancelled and named in the run error', async () => {
		captureLogs();
		let heldJob: FakeJob | undefined;
		let release!: () => void;
		const released = new Promise<void>((resolve) => (release = resolve));
		fake.holdSubmitAnswer = (job) => {
			if (!job.input.prompt.startsWith('held')) return undefined;
			heldJob = job;
			return released;
		};
		// Item 1 fails (content policy, at its result); only then does fal answer item 0's submit.
		const onRequest = (entry: { kind: string; responseStatus: unknown }) => {
			if (entry.kind === 'result' && entry.responseStatus === 422) void delay(300).then(release);
		};
		fake.on('request', onRequest);
		const result = await runSeedance(fake, generateParameters({ prompt: '={{ $json.prompt }}' }), {
			items: [{ json: { prompt: 'held [never]' } }, { json: { prompt: 'refused [content-policy]' } }],
		}).finally(() => fake.off('request', onRequest));

		expect(result.status).toBe('error');
		expect(result.error?.message).toMatch(/content policy/);
		expect(heldJob?.cancelled).toBe(true);
		expect(String(result.error?.description)).toContain(String(heldJob?.requestId));
	});
});
