/**
 * Seedance 2.5 drafts in the fake (drafts.js), driven through fal's own client: a draft is
 * completed at 1080p by the account that made it, within 7 days; anything else is refused with a
 * 422 on draft_id.
 */
import { ValidationError } from '@fal-ai/client';

import { createReferenceFalClient } from '../contract/referenceClient';
import { startFakeFal, type FakeFal, type FakeFalOptions } from './index';

const API_KEY = 'test-key';
const OTHER_KEY = 'other-account-key';
const COMPLETE = 'bytedance/seedance-2.5/draft/complete';
const DAY_MS = 24 * 60 * 60 * 1000;

const fakes: FakeFal[] = [];
afterEach(async () => {
	await Promise.all(fakes.splice(0).map(async (fake) => await fake.close()));
});

async function fakeFal(options: FakeFalOptions = {}): Promise<FakeFal> {
	const fake = await startFakeFal({ apiKey: API_KEY, queueMs: 10, jobMs: 50, otherAccounts: { [OTHER_KEY]: 'other-user' }, ...options });
	fakes.push(fake);
	return fake;
}

interface Completion {
	submitted: { request_id: string; status_url?: string };
	result?: { data: unknown };
	error?: unknown;
}

/** Submits draft/complete, waits for it, and returns the result or the error `result()` throws. */
async function complete(fake: FakeFal, input: object, apiKey = API_KEY): Promise<Completion> {
	const client = createReferenceFalClient({ apiKey, apiHost: fake.url });
	const submitted = await client.queue.submit(COMPLETE, { input });
	await client.queue.subscribeToStatus(COMPLETE, { requestId: submitted.request_id, pollInterval: 20 });
	const outcome = await client.queue.result(COMPLETE, { requestId: submitted.request_id }).then(
		(result): Omit<Completion, 'submitted'> => ({ result }),
		(error: unknown): Omit<Completion, 'submitted'> => ({ error }),
	);
	return { submitted, ...outcome };
}

function draftIdError(outcome: { error?: unknown }) {
	expect(outcome.error).toBeInstanceOf(ValidationError);
	const error = outcome.error as ValidationError;
	expect(error.status).toBe(422);
	return error.getFieldErrors('draft_id')[0];
}

describe('fake fal: Seedance 2.5 draft/complete', () => {
	test("completing the account's own draft renders it at 1080p with the draft's seed, on the 2.5 queue", async () => {
		const fake = await fakeFal();
		const draft = fake.drafts.create({ ownerKey: API_KEY, seed: 4242 });
		const { submitted, result, error } = await complete(fake, { draft_id: draft.draftId });

		expect(error).toBeUndefined();
		expect(result?.data).toMatchObject({ seed: 4242, video: { content_type: 'video/mp4' } });
		expect(submitted.status_url).toBe(`${fake.url}/bytedance/seedance-2.5/requests/${submitted.request_id}/status`);
		const job = fake.jobs.get(submitted.request_id);
		expect(job?.renderedResolution).toBe('1080p');
		expect(draft.completions).toEqual([submitted.request_id]);
		expect(fake.requests('status').every((entry) => entry.path.startsWith('/bytedance/seedance-2.5/requests/'))).toBe(true);
	});

	test('a 2.5 generate request with draft: true renders a 480p preview and returns a draft_id that completes', async () => {
		const fake = await fakeFal();
		const client = createReferenceFalClient({ apiKey: API_KEY, apiHost: fake.url });
		const endpoint = 'bytedance/seedance-2.5/text-to-video';
		const { request_id: requestId } = await client.queue.submit(endpoint, { input: { prompt: 'A kite', duration: '4', resolution: '480p', draft: true } });
		await client.queue.subscribeToStatus(endpoint, { requestId, pollInterval: 20 });
		const { data } = (await client.queue.result(endpoint, { requestId })) as { data: { draft_id: string; seed: number } };

		expect(data.draft_id).toMatch(/^draft-/);
		expect(fake.jobs.get(requestId)?.renderedResolution).toBe('480p');
		expect(fake.drafts.drafts.get(data.draft_id)).toMatchObject({ ownerKey: API_KEY, requestId, seed: data.seed });
		const completed = await complete(fake, { draft_id: data.draft_id });
		expect(completed.result?.data).toMatchObject({ seed: data.seed });

		// Without draft: no draft_id, the asked resolution.
		const plain = await client.queue.submit(endpoint, { input: { prompt: 'A kite', duration: '4', resolution: '720p' } });
		await client.queue.subscribeToStatus(endpoint, { requestId: plain.request_id, pollInterval: 20 });
		expect(((await client.queue.result(endpoint, { requestId: plain.request_id })).data as object)).not.toHaveProperty('draft_id');
		expect(fake.jobs.get(plain.request_id)?.renderedResolution).toBe('720p');
	});

	test('an unknown draft id is refused on draft_id (draft_not_found)', async () => {
		const fake = await fakeFal();
		const entry = draftIdError(await complete(fake, { draft_id: 'draft-does-not-exist' }));
		expect(entry).toMatchObject({ loc: ['body', 'draft_id'], type: 'draft_not_found', input: 'draft-does-not-exist' });
		expect(entry.msg).toMatch(/Draft not found/);
	});

	test("another account's draft is answered exactly like an unknown one", async () => {
		const fake = await fakeFal();
		const draft = fake.drafts.create({ ownerKey: API_KEY });
		const entry = draftIdError(await complete(fake, { draft_id: draft.draftId }, OTHER_KEY));
		expect(entry).toMatchObject({ type: 'draft_not_found', input: draft.draftId });
		expect(draft.completions).toEqual([]);
	});

	test('a draft completes on its 7th day and is refused as expired after it (scripted clock)', async () => {
		const fake = await fakeFal();
		const draft = fake.drafts.create({ ownerKey: API_KEY });
		fake.drafts.clock.advance(7 * DAY_MS - 60_000);
		expect((await complete(fake, { draft_id: draft.draftId })).error).toBeUndefined();

		fake.drafts.clock.advance(120_000);
		const entry = draftIdError(await complete(fake, { draft_id: draft.draftId }));
		expect(entry).toMatchObject({ loc: ['body', 'draft_id'], type: 'draft_expired' });
		expect(entry.msg).toMatch(/7 days/);
	});

	test('draft/complete needs a draft_id and takes nothing else but resolution 1080p', async () => {
		const fake = await fakeFal();
		expect(draftIdError(await complete(fake, {}))).toMatchObject({ type: 'missing' });

		const draft = fake.drafts.create({ ownerKey: API_KEY });
		const outcome = await complete(fake, { draft_id: draft.draftId, prompt: 'again' });
		expect((outcome.error as ValidationError).getFieldErrors('prompt')[0]).toMatchObject({ type: 'extra_forbidden' });
		expect((await complete(fake, { draft_id: draft.draftId, resolution: '1080p' })).error).toBeUndefined();
		expect((await complete(fake, { draft_id: draft.draftId, resolution: '720p' })).error).toBeInstanceOf(ValidationError);
	});

	test('a refused completion sends an ERROR webhook with the draft_id detail', async () => {
		const fake = await fakeFal();
		const client = createReferenceFalClient({ apiKey: API_KEY, apiHost: fake.url });
		const received = new Promise<{ status: string }>((resolve) => fake.once('webhook-sent', resolve));
		// Nobody listens there: the delivery fails, but the payload the fake built is what counts.
		await client.queue.submit(COMPLETE, { input: { draft_id: 'draft-unknown' }, webhookUrl: 'http://127.0.0.1:9/hook' });
		expect((await received).status).toBe('ERROR');
		expect(fake.webhooks[0].body.payload.detail[0]).toMatchObject({ loc: ['body', 'draft_id'], type: 'draft_not_found' });
	});
});
