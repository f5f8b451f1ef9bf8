/**
 * `npm run smoke:live` cannot reach fal here: its argument handling, its refusals and its comparison
 * logic are tested, and the whole run is made against the fake fal (`--api-host`), which must show
 * no difference from what the fake itself assumes.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';

import * as schema from '../../nodes/shared/schema';
import { startFakeFal, type FakeFal } from '../fake-fal';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { main } = require('../../scripts/smoke-live.js') as { main: (argv: string[], env: Record<string, string | undefined>, out: Console, schema?: unknown) => Promise<number> };
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { compareWithFake, parseSmokeArgs } = require('../../scripts/lib/liveFacts.js') as {
	compareWithFake: (observations: object, options?: { apiHost?: string }) => { checked: number; differences: Array<{ id: string; fake: string; observed: string }> };
	parseSmokeArgs: (argv: string[], env: Record<string, string | undefined>) => { maxUsd: number; apiHost?: string };
};

const KEY = 'smoke-test-key';
const SCRIPT = path.join(__dirname, '../../scripts/smoke-live.js');

function capture() {
	const lines: string[] = [];
	const out = { log: (line: string) => lines.push(line), error: (line: string) => lines.push(`ERR ${line}`) } as unknown as Console;
	return { lines, out };
}

let fake: FakeFal;
beforeAll(async () => {
	fake = await startFakeFal({ apiKey: KEY, queueMs: 5, jobMs: 20 });
});
afterAll(async () => await fake.close());
beforeEach(() => {
	fake.log.length = 0;
});

describe('smoke:live refuses to start unless told how much it may spend', () => {
	test('the real command line without --max-usd exits 2 and says why, before anything else', () => {
		const run = spawnSync(process.execPath, [SCRIPT], { env: { PATH: process.env.PATH, FAL_KEY: KEY }, encoding: 'utf8' });
		expect(run.status).toBe(2);
		expect(run.stderr).toMatch(/Refusing to start without an explicit --max-usd/);
	});

	test.each([
		[[], { FAL_KEY: KEY }, /without an explicit --max-usd/],
		[['--max-usd'], { FAL_KEY: KEY }, /--max-usd needs a value/],
		[['--max-usd', '0'], { FAL_KEY: KEY }, /must be a positive number of dollars, not "0"/],
		[['--max-usd', 'lots'], { FAL_KEY: KEY }, /not "lots"/],
		[['--max-usd', '1', '--yes'], { FAL_KEY: KEY }, /Unknown argument "--yes"/],
		[['--max-usd', '1'], {}, /FAL_KEY is not set/],
		[['--max-usd', '1'], { FAL_KEY: KEY, CI: 'true' }, /Refusing to run in CI/],
		[['--max-usd', '1', '--api-host', 'ftp://x'], { FAL_KEY: KEY }, /--api-host must be an http\(s\) URL/],
	])('%j with %j is refused', (argv, env, message) => {
		expect(() => parseSmokeArgs(argv, env)).toThrow(message);
	});

	test('--max-usd=0.5 and --api-host are read', () => {
		expect(parseSmokeArgs(['--max-usd=0.5', '--api-host', 'http://127.0.0.1:9/'], { FAL_KEY: KEY })).toEqual({ maxUsd: 0.5, apiHost: 'http://127.0.0.1:9', withDraft: false });
		expect(parseSmokeArgs(['--with-draft', '--max-usd', '2'], { FAL_KEY: KEY })).toEqual({ maxUsd: 2, apiHost: undefined, withDraft: true });
	});

	test('--with-draft counts the draft in the estimate: a cap that covers the 2.0 Mini run alone sends nothing', async () => {
		const { lines, out } = capture();
		const mini = schema.estimateCostUsd(schema.getVariant('text-to-video', 'mini'), { resolution: '480p', duration: '4' }) as number;
		const code = await main(['--with-draft', '--max-usd', String(mini + 0.01), '--api-host', fake.url], { FAL_KEY: KEY }, out, schema);
		expect(code).toBe(2);
		expect(lines.join('\n')).toMatch(/Not started: the run is estimated at \$\d+\.\d+ \(bytedance\/seedance-2\.0\/mini\/text-to-video, 480p, 4 s \+ bytedance\/seedance-2\.5\/text-to-video draft, 480p, 4 s\), over --max-usd/);
		expect(fake.log).toHaveLength(0);
	});

	test('a cap below the estimate of the cheapest run sends nothing', async () => {
		const { lines, out } = capture();
		const code = await main(['--max-usd', '0.01', '--api-host', fake.url], { FAL_KEY: KEY }, out, schema);
		expect(code).toBe(2);
		expect(lines.join('\n')).toMatch(/Not started: the run is estimated at \$0\.\d+ \(bytedance\/seedance-2\.0\/mini\/text-to-video, 480p, 4 s\), over --max-usd 0\.01/);
		expect(fake.log).toHaveLength(0);
	});
});

describe('smoke:live against the fake fal', () => {
	test('the cheapest generation, private, expiring and unstored: cost printed, no difference from the fake\'s assumptions', async () => {
		const { lines, out } = capture();
		const code = await main(['--max-usd', '1', '--api-host', fake.url], { FAL_KEY: KEY }, out, schema);
		const text = lines.join('\n');
		expect(text).toMatch(/Cost: about \$0\.\d+/);
		expect(text).toMatch(/Checked 10 facts the fake fal assumes; 0 differences\./);
		expect(code).toBe(0);
		const [submit] = fake.requests('submit');
		expect(submit.path).toBe('/bytedance/seedance-2.0/mini/text-to-video');
		expect(submit.body).toMatchObject({ resolution: '480p', duration: '4' });
		expect(submit.headers['x-fal-store-io']).toBe('0');
		expect(JSON.parse(String(submit.headers['x-fal-object-lifecycle-preference']))).toEqual({ expiration_duration_seconds: 600, initial_acl: { default: 'forbid' } });
		expect(fake.requests('download').map((read) => read.responseStatus)).toEqual([403, 200, 404]);
		expect(fake.requests('download').every((read) => read.headers.authorization === undefined)).toBe(true);
		expect(fake.requests('delete-payloads')).toHaveLength(1);
	});

	test('--with-draft: the cheapest 2.5 draft (480p, shortest duration), private and expiring, and an unknown draft refused: no difference from the fake', async () => {
		const { lines, out } = capture();
		const code = await main(['--with-draft', '--max-usd', '2', '--api-host', fake.url], { FAL_KEY: KEY }, out, schema);
		const text = lines.join('\n');
		expect(text).toMatch(/Checked 14 facts the fake fal assumes; 0 differences\./);
		expect(code).toBe(0);
		const draftSubmit = fake.requests('submit').find((entry) => entry.path === '/bytedance/seedance-2.5/text-to-video');
		expect(draftSubmit?.body).toEqual({ prompt: expect.any(String), draft: true, duration: '4', aspect_ratio: '16:9', generate_audio: false });
		expect(draftSubmit?.headers['x-fal-store-io']).toBe('0');
		expect(JSON.parse(String(draftSubmit?.headers['x-fal-object-lifecycle-preference']))).toEqual({ expiration_duration_seconds: 600, initial_acl: { default: 'forbid' } });
		// The real draft is never completed; only a made-up one is asked for, and refused.
		const completes = fake.requests('submit').filter((entry) => entry.path === '/bytedance/seedance-2.5/draft/complete');
		expect(completes).toHaveLength(1);
		expect(String((completes[0].body as { draft_id: string }).draft_id)).toMatch(/^draft-smoke-nobody-made-/);
		expect([...fake.drafts.drafts.values()].every((draft) => draft.completions.length === 0)).toBe(true);
		expect(text).toMatch(/draft\/complete of an unknown draft answered 422 .*draft_id/);
		expect(text).toMatch(/Cost: about \$\d+\.\d+ \(schema prices for .*seedance-2\.5\/text-to-video draft, 480p, 4 s;/);
	});

	test('a key that is not ADMIN: the delete is refused, which fal documents, so it is no difference', async () => {
		fake.options.keyScopes = { [KEY]: ['assets:read'] };
		try {
			const { lines, out } = capture();
			expect(await main(['--max-usd', '1', '--api-host', fake.url], { FAL_KEY: KEY }, out, schema)).toBe(0);
			expect(lines.join('\n')).toMatch(/0 differences/);
		} finally {
			fake.options.keyScopes = {};
		}
	});
});

describe('the comparison names every fact the real answers contradict', () => {
	const good = {
		submit: { status: 200, body: { request_id: 'r', status_url: 's', response_url: 'p', cancel_url: 'c' } },
		result: { status: 200, body: { video: { url: 'https://v3b.fal.media/files/b/0a1/out.mp4', content_type: 'video/mp4' } } },
		unsignedRead: { status: 403 },
		sign: { status: 200, body: { signed_url: 'https://v3b.fal.media/files/b/0a1/out.mp4?identity=secret-token' } },
		signedRead: { status: 200, contentType: 'video/mp4' },
		deletion: { status: 200, body: { cdn_delete_results: [{ link: 'https://v3b.fal.media/files/b/0a1/out.mp4', exception: null }] } },
		readAfterDelete: { status: 404 },
	};

	test('answers as the fake gives them: no difference', () => {
		expect(compareWithFake(good)).toEqual({ checked: 10, differences: [] });
	});

	test.each([
		['private-unsigned-403', { unsignedRead: { status: 200 } }],
		['sign-shape', { sign: { status: 200, body: { url: 'https://v3b.fal.media/files/b/0a1/out.mp4?identity=x' } } }],
		['media-host', { result: { status: 200, body: { video: { url: 'https://cdn.fal-new.ai/out.mp4', content_type: 'video/mp4' } } } }],
		['deleted-gone', { readAfterDelete: { status: 200 } }],
		['delete-shape', { deletion: { status: 200, body: { deleted: ['x'] } } }],
		['submit-headers-accepted', { submit: { status: 400, body: { detail: 'Invalid X-Fal-Object-Lifecycle-Preference' } } }],
	])('%s is reported when fal answers otherwise', (id, change) => {
		const { differences } = compareWithFake({ ...good, ...change });
		expect(differences.map((difference) => difference.id)).toContain(id);
	});

	const goodDraft = {
		submit: { status: 200, body: { request_id: 'd' } },
		result: { status: 200, body: { video: { url: 'https://v3b.fal.media/files/b/0a2/draft.mp4', content_type: 'video/mp4' }, draft_id: 'draft-abc' } },
		unknownSubmit: { status: 200, body: { request_id: 'u' } },
		unknownResult: { status: 422, body: { detail: [{ loc: ['body', 'draft_id'], msg: 'Draft not found', type: 'draft_not_found' }] } },
	};

	test('a run with a draft checks the draft facts too; without one they are not counted', () => {
		expect(compareWithFake({ ...good, draft: goodDraft })).toEqual({ checked: 14, differences: [] });
		// fal may refuse an unknown draft at submit instead of at result time: still no difference.
		expect(compareWithFake({ ...good, draft: { ...goodDraft, unknownSubmit: { status: 404, body: { detail: 'draft_id not found' } }, unknownResult: undefined } }).differences).toEqual([]);
	});

	test.each([
		['draft-result-id', { result: { status: 200, body: { video: goodDraft.result.body.video } } }],
		['draft-result-video', { result: { status: 200, body: { draft_id: 'draft-abc' } } }],
		['draft-submit-accepted', { submit: { status: 422, body: { detail: [{ loc: ['body', 'draft'], msg: 'Extra inputs are not permitted' }] } } }],
		['draft-unknown-refused', { unknownResult: { status: 200, body: { video: goodDraft.result.body.video } } }],
		['draft-unknown-refused', { unknownResult: { status: 500, body: { detail: 'Internal error' } } }],
	])('%s is reported when fal answers otherwise', (id, change) => {
		const { differences } = compareWithFake({ ...good, draft: { ...goodDraft, ...change } });
		expect(differences.map((difference) => difference.id)).toEqual([id]);
	});

	test('a signed URL is never printed whole', () => {
		const { differences } = compareWithFake({ ...good, sign: { status: 200, body: { signed_url: 'https://elsewhere.fal.media/out.mp4?identity=secret-token' } } });
		expect(differences.map((difference) => difference.id)).toEqual(['signed-url-form']);
		expect(differences[0].observed).toContain('identity=…');
		expect(JSON.stringify(differences)).not.toContain('secret-token');
	});
});
