import { startFakeFal, type FakeFal } from '../fake-fal';
import { API_KEY, generateParameters, runSeedance } from './seedance';

let fake: FakeFal;
beforeAll(async () => {
	// Jobs long enough that six submits overlap even on a loaded machine (CI shares two cores).
	fake = await startFakeFal({ apiKey: API_KEY, queueMs: 20, jobMs: 2000 });
});
afterAll(async () => await fake.close());
beforeEach(() => {
	fake.maxConcurrentJobs = 0;
	fake.log.length = 0;
});

const prompts = ['one', 'two', 'three', 'four', 'five', 'six'];
const items = prompts.map((prompt) => ({ json: { prompt } }));

describe('items overlap at fal up to the Concurrency option, and keep their order', () => {
	test('six items with concurrency 6 run at fal at the same time', async () => {
		const result = await runSeedance(fake, generateParameters({ prompt: '={{ $json.prompt }}', options: { concurrency: 6 } }), { items });

		expect(result.status).toBe('success');
		expect(fake.maxConcurrentJobs).toBe(6);
		expect(result.items.map((item) => (item.json.parameters as { prompt: string }).prompt)).toEqual(prompts);
		expect(result.items.map((item) => item.pairedItem)).toEqual(prompts.map((_, index) => ({ item: index })));
		expect(result.items.every((item) => item.binary?.data.mimeType === 'video/mp4')).toBe(true);
	});

	test('concurrency 2 never has more than two jobs at fal', async () => {
		const result = await runSeedance(fake, generateParameters({ prompt: '={{ $json.prompt }}', options: { concurrency: 2 } }), { items });
		expect(result.status).toBe('success');
		expect(fake.maxConcurrentJobs).toBe(2);
		expect(result.items.map((item) => (item.json.parameters as { prompt: string }).prompt)).toEqual(prompts);
	});

	test('a concurrency outside 1–40 names the option', async () => {
		const result = await runSeedance(fake, generateParameters({ options: { concurrency: 0 } }));
		expect(result.error?.message).toMatch(/^Concurrency: "0" must be a whole number from 1 to 40/);
	});
});
