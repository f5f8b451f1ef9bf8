/**
 * A Stop (or another item's failure) that lands while fal is answering a submit: fal has queued and
 * will bill the job, so the node must learn its id, cancel it at once, log it and name it.
 */
import { ExecuteContext } from 'n8n-core';

import { REQUEST_TIMEOUTS_MS } from '../../nodes/shared/transport';
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

describe.each([['waitForCompletion'], ['waitForWebhook'], ['submitOnly']])('a submit fal does not answer (%s)', (mode) => {
	test('a timed-out submit says fal may have queued (and will bill) the job, how to find it, and is not sent again', async () => {
		const logs = captureLogs();
		// fal takes the job but answers after the submit's own timeout (shortened here from 30 s).
		jest.replaceProperty(REQUEST_TIMEOUTS_MS, 'submit', 300);
		const hold = holdNextSubmit();
		const prompt = `unanswered submit (${mode})`;
		const result = await runSeedance(fake, generateParameters({ mode, prompt }));
		const job = await hold.received;
		hold.release();

		expect(result.status).toBe('error');
		expect(result.error?.message).toBe('fal did not answer the submit (no answer within 0.3 s): it may have queued the job anyway, and will then run and bill it');
		const description = String(result.error?.description);
		expect(description).toContain('before you run this item again, or the video may be made and billed twice');
		expect(description).toMatch(/fal dashboard's request history/);
		expect(description).toMatch(/GET \/v1\/models\/requests\/by-endpoint\?endpoint_id=bytedance\/seedance-2\.0\/fast\/image-to-video&start=\d{4}-\d\d-\d\dT/);
		expect(description).toContain('Cancel operation');
		// fal has the job; the node sent it once and says so in the log.
		expect(job.input.prompt).toBe(prompt);
		expect(fake.requests('submit').filter((entry) => (entry.body as { prompt?: string } | undefined)?.prompt === prompt)).toHaveLength(1);
		expect(logs.some((line) => line.includes('did not answer a submit to bytedance/seedance-2.0/fast/image-to-video') && line.includes('may have queued'))).toBe(true);
	});
});

test('a submit whose connection dropped after it was sent is reported the same way, not as "could not reach fal"', async () => {
	captureLogs();
	fake.fault({ on: 'submit', drop: true });
	const result = await runSeedance(fake, generateParameters({ mode: 'submitOnly', prompt: 'dropped submit' }));

	expect(result.status).toBe('error');
	expect(result.error?.message).toBe('fal did not answer the submit (connection closed unexpectedly): it may have queued the job anyway, and will then run and bill it');
	expect(String(result.error?.description)).toContain('endpoint_id=bytedance/seedance-2.0/fast/image-to-video');
	expect(fake.requests('submit').filter((entry) => (entry.body as { prompt?: string } | undefined)?.prompt === 'dropped submit')).toHaveLength(1);
});
