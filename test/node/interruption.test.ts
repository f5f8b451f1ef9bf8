import { startFakeFal, type FakeFal } from '../fake-fal';
import { API_KEY, generateParameters, runSeedance } from './seedance';

let fake: FakeFal;
beforeAll(async () => {
	fake = await startFakeFal({ apiKey: API_KEY, queueMs: 20, jobMs: 100 });
});
afterAll(async () => await fake.close());

describe('a job that takes too long, or an execution that is stopped, cancels its fal job', () => {
	test('the wait timeout cancels the fal job and fails with the request id', async () => {
		const started = Date.now();
		const result = await runSeedance(fake, generateParameters({ prompt: 'forever [never]', options: { waitTimeoutSeconds: 1 } }));
		const [job] = [...fake.jobs.values()].filter((candidate) => candidate.input.prompt === 'forever [never]');

		expect(result.status).toBe('error');
		expect(result.error?.message).toBe(`Seedance did not finish within the wait timeout of 1 s (request ${job.requestId})`);
		expect(String(result.error?.description)).toMatch(/^The fal job was cancelled\. Raise Options → Wait Timeout/);
		expect(job.cancelled).toBe(true);
		expect(fake.requests('cancel').map((entry) => entry.path)).toContain(`/bytedance/seedance-2.0/requests/${job.requestId}/cancel`);
		expect(Date.now() - started).toBeLessThan(5000);
	});

	test('a stopped execution cancels every running fal job', async () => {
		fake.log.length = 0;
		const result = await runSeedance(fake, generateParameters({ prompt: 'stop me [never]' }), {
			items: [{ json: {} }, { json: {} }, { json: {} }],
			cancelAfterMs: 700,
		});
		const jobs = [...fake.jobs.values()].filter((job) => job.input.prompt === 'stop me [never]');

		expect(result.status).toBe('canceled');
		expect(jobs).toHaveLength(3);
		expect(jobs.every((job) => job.cancelled)).toBe(true);
		expect(fake.requests('cancel')).toHaveLength(3);
	});

	test('without Continue On Fail, the first failure cancels the other running jobs', async () => {
		fake.log.length = 0;
		const result = await runSeedance(fake, generateParameters({ prompt: '={{ $json.prompt }}' }), {
			items: [{ json: { prompt: 'slow [never]' } }, { json: { prompt: 'bad [content-policy]' } }],
		});
		const slow = [...fake.jobs.values()].find((job) => job.input.prompt === 'slow [never]');

		expect(result.status).toBe('error');
		expect(result.error?.message).toMatch(/content policy/);
		expect(slow?.cancelled).toBe(true);
	});
});
