/**
 * Every kind of request to fal has its own timeout (transport/timeouts.ts), and a submit that timed
 * out is not sent again: fal may have queued it. Short timeouts here, against the fake fal.
 */
import { runWithTransport } from '../contract/clients';
import { startFakeFal, type FakeFal } from '../fake-fal';
import { REQUEST_TIMEOUTS_MS, type RequestTimeouts } from '../../nodes/shared/transport';

const API_KEY = 'timeout-key';
const ENDPOINT = 'bytedance/seedance-2.0/fast/text-to-video';
const SHORT: RequestTimeouts = { submit: 300, status: 300, result: 300, cancel: 300, upload: 300 };
const delay = async (ms: number) => await new Promise((resolve) => setTimeout(resolve, ms));

let fake: FakeFal;
beforeAll(async () => {
	fake = await startFakeFal({ apiKey: API_KEY, queueMs: 10, jobMs: 20 });
});
afterAll(async () => await fake.close());
afterEach(() => {
	fake.holdSubmitAnswer = undefined;
});

const credentials = () => ({ apiKey: API_KEY, apiHost: fake.url });

test('each kind of request has a named timeout shorter than axios’s 300 s default', () => {
	for (const [kind, ms] of Object.entries(REQUEST_TIMEOUTS_MS)) {
		expect([kind, ms > 0 && ms < 300_000]).toEqual([kind, true]);
	}
});

test('a submit fal does not answer in time fails after its timeout and is not sent again', async () => {
	const before = fake.jobs.size;
	fake.holdSubmitAnswer = async () => await delay(1500);
	const outcome = await runWithTransport(credentials(), async (client) => await client.submit({ endpoint: ENDPOINT, input: { prompt: 'slow answer' } }), SHORT);

	expect(outcome.ok).toBe(false);
	expect(outcome.ok ? '' : outcome.message).toMatch(/ETIMEDOUT/);
	await delay(1600);
	expect(fake.jobs.size - before).toBe(1);
	expect(fake.requests('submit').filter((entry) => entry.body && (entry.body as { prompt?: string }).prompt === 'slow answer')).toHaveLength(1);
});

test('a status read that hangs times out and is retried', async () => {
	const submitted = await runWithTransport(credentials(), async (client) => await client.submit({ endpoint: ENDPOINT, input: { prompt: 'status hangs' } }), SHORT);
	if (!submitted.ok) throw new Error(submitted.message);
	// Were the hanging read waited out, its 404 (never retried) would be the answer.
	fake.fault({ on: 'status', status: 404, delayMs: 1500 });
	const outcome = await runWithTransport(credentials(), async (client) => await client.status(ENDPOINT, submitted.value.request_id, false), SHORT);

	expect(outcome).toMatchObject({ ok: true, value: { status: expect.stringMatching(/IN_QUEUE|IN_PROGRESS|COMPLETED/) } });
});
