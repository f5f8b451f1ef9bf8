/**
 * What users of the real fal reported (schema/knownIssues.ts), turned into warnings and words
 * (issue 19, point 5): Fast-tier lengths that can hang for half an hour warn before submitting,
 * without refusing; fal's "likenesses of real people" 422 says what it is.
 */
import type { INodeProperties } from 'n8n-workflow';

import { SeedanceImageToVideo } from '../../nodes/SeedanceImageToVideo/SeedanceImageToVideo.node';
import { startFakeFal, type FakeFal } from '../fake-fal';
import { API_KEY, generateParameters, runSeedance } from './seedance';

const LIKENESS = 'The images or videos provided may contain likenesses of real people';

let fake: FakeFal;
beforeAll(async () => {
	fake = await startFakeFal({
		apiKey: API_KEY,
		queueMs: 10,
		jobMs: 30,
		behaviour: (input: { prompt: string }) =>
			input.prompt.includes('[face]') ? { error: { status: 422, body: { detail: [{ loc: ['body', 'image_url'], msg: LIKENESS, type: 'value_error' }] } } } : undefined,
	});
});
afterAll(async () => await fake.close());

function hintsOf(result: Awaited<ReturnType<typeof runSeedance>>): Array<{ message: string; type?: string }> {
	return (result.runData[result.nodeName]?.[0]?.hints ?? []) as Array<{ message: string; type?: string }>;
}

describe('Fast-tier lengths reported to hang', () => {
	test.each([
		['480p', '13', 12],
		['720p', '11', 10],
	])('%s for %s s: the job is still submitted, with a warning on the execution', async (resolution, duration, maxSeconds) => {
		const result = await runSeedance(fake, generateParameters({ tier: 'fast', resolution, duration, options: { returnUrlOnly: true } }), {
			items: [{ json: {} }, { json: {} }],
		});

		expect(result.status).toBe('success');
		const warnings = hintsOf(result).filter((hint) => hint.type === 'warning');
		expect(warnings).toHaveLength(1);
		expect(warnings[0].message).toContain(`longer than ${maxSeconds} s at ${resolution}`);
		expect(warnings[0].message).toMatch(/30 minutes/);
	});

	test('12 s at 480p, or the Standard tier, gets no warning', async () => {
		const fast = await runSeedance(fake, generateParameters({ tier: 'fast', resolution: '480p', duration: '12', options: { returnUrlOnly: true } }));
		const standard = await runSeedance(fake, generateParameters({ tier: 'standard', resolution: '720p', duration: '15', options: { returnUrlOnly: true } }));
		expect(hintsOf(fast)).toEqual([]);
		expect(hintsOf(standard)).toEqual([]);
	});

	test('the Duration field shows a notice for exactly those lengths on the Fast tier', () => {
		const properties = new SeedanceImageToVideo().description.properties as INodeProperties[];
		const notices = properties.filter((property) => property.type === 'notice' && property.name.startsWith('longJobNotice'));
		expect(notices.map((notice) => [notice.displayOptions?.show?.tier, notice.displayOptions?.show?.resolution, notice.displayOptions?.show?.duration])).toEqual([
			[['fast'], ['480p'], ['13', '14', '15']],
			[['fast'], ['720p'], ['11', '12', '13', '14', '15']],
		]);
	});
});

test("fal's 422 for real people's faces says so, and that retrying will not help", async () => {
	const result = await runSeedance(fake, generateParameters({ prompt: 'a portrait smiles [face]' }));

	expect(result.status).toBe('error');
	expect(result.error?.message).toBe("fal refuses inputs that show real people's faces; retrying will not help");
	expect(String(result.error?.description)).toContain('Start Image (image_url)');
	expect(String(result.error?.description)).toContain(LIKENESS);
});
