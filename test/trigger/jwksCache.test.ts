import {
	JWKS_MAX_AGE_MS,
	JWKS_MIN_REFETCH_INTERVAL_MS,
	JwksCache,
	parseJwks,
	ReplayGuard,
	verifyFalWebhookWithJwks,
} from '../../nodes/shared/webhookVerification/jwksCache';
import { createSigner, jwksOf, NOW_SECONDS, okBody } from './keys';

const JWKS_URL = 'https://keys.example.test/jwks.json';
const NOW_MS = NOW_SECONDS * 1000;

/** A JWKS endpoint whose keys the test swaps, counting downloads. */
function keyServer(initial: unknown) {
	let current = initial;
	const fetcher = jest.fn(async (_url: string) => current);
	return {
		fetcher,
		rotate(next: unknown) {
			current = next;
		},
	};
}

describe('JWKS cache and replay guard', () => {
	const fal = createSigner();

	function verify(
		options: Partial<Parameters<typeof verifyFalWebhookWithJwks>[0]> &
			Pick<Parameters<typeof verifyFalWebhookWithJwks>[0], 'headers' | 'rawBody' | 'fetchJwks' | 'cache'>,
	) {
		return verifyFalWebhookWithJwks({ jwksUrl: JWKS_URL, nowMs: NOW_MS, replayGuard: null, ...options });
	}

	it('downloads the keys once and serves later calls from memory', async () => {
		const server = keyServer(jwksOf(fal));
		const cache = new JwksCache();
		for (const requestId of ['a', 'b', 'c']) {
			const rawBody = okBody(requestId);
			const result = await verify({ headers: fal.headersFor(rawBody, { requestId }), rawBody, fetchJwks: server.fetcher, cache });
			expect(result.ok).toBe(true);
		}
		expect(server.fetcher).toHaveBeenCalledTimes(1);
		expect(server.fetcher).toHaveBeenCalledWith(JWKS_URL);
	});

	it('downloads again once the keys are 24 hours old', async () => {
		const server = keyServer(jwksOf(fal));
		const cache = new JwksCache();
		await cache.get(JWKS_URL, server.fetcher, NOW_MS);
		await cache.get(JWKS_URL, server.fetcher, NOW_MS + JWKS_MAX_AGE_MS - 1);
		expect(server.fetcher).toHaveBeenCalledTimes(1);
		await cache.get(JWKS_URL, server.fetcher, NOW_MS + JWKS_MAX_AGE_MS);
		expect(server.fetcher).toHaveBeenCalledTimes(2);
	});

	it('keeps keys per URL', async () => {
		const other = createSigner();
		const cache = new JwksCache();
		const fetcher = jest.fn(async (url: string) => (url === JWKS_URL ? jwksOf(fal) : jwksOf(other)));
		const rawBody = okBody();
		expect((await verify({ headers: other.headersFor(rawBody), rawBody, fetchJwks: fetcher, cache, jwksUrl: 'https://other.test/jwks' })).ok).toBe(true);
		expect((await verify({ headers: other.headersFor(rawBody), rawBody, fetchJwks: fetcher, cache })).ok).toBe(false);
	});

	it('after fal rotates its key, refetches once and accepts the new signature', async () => {
		const rotated = createSigner();
		const server = keyServer(jwksOf(fal));
		const cache = new JwksCache();
		await cache.get(JWKS_URL, server.fetcher, NOW_MS - JWKS_MIN_REFETCH_INTERVAL_MS);
		server.rotate(jwksOf(fal, rotated));

		const rawBody = okBody();
		const result = await verify({ headers: rotated.headersFor(rawBody), rawBody, fetchJwks: server.fetcher, cache });
		expect(result.ok).toBe(true);
		expect(server.fetcher).toHaveBeenCalledTimes(2);
	});

	it('does not refetch for every forged call: at most once a minute', async () => {
		const attacker = createSigner();
		const server = keyServer(jwksOf(fal));
		const cache = new JwksCache();
		await cache.get(JWKS_URL, server.fetcher, NOW_MS - JWKS_MIN_REFETCH_INTERVAL_MS);
		const rawBody = okBody();
		for (let attempt = 0; attempt < 5; attempt++) {
			const result = await verify({ headers: attacker.headersFor(rawBody), rawBody, fetchJwks: server.fetcher, cache });
			expect(result).toMatchObject({ ok: false, reason: 'bad-signature' });
		}
		expect(server.fetcher).toHaveBeenCalledTimes(2);
	});

	it('refuses unsigned and stale calls without downloading anything', async () => {
		const server = keyServer(jwksOf(fal));
		const cache = new JwksCache();
		const rawBody = okBody();
		expect(await verify({ headers: {}, rawBody, fetchJwks: server.fetcher, cache })).toMatchObject({ reason: 'unsigned' });
		const stale = fal.headersFor(rawBody, { timestamp: NOW_SECONDS - 3600 });
		expect(await verify({ headers: stale, rawBody, fetchJwks: server.fetcher, cache })).toMatchObject({ reason: 'stale' });
		expect(server.fetcher).not.toHaveBeenCalled();
	});

	it('shares one download between calls arriving together', async () => {
		let release: () => void = () => undefined;
		const gate = new Promise<void>((resolve) => {
			release = resolve;
		});
		const fetcher = jest.fn(async () => {
			await gate;
			return jwksOf(fal);
		});
		const cache = new JwksCache();
		const pending = ['a', 'b', 'c'].map(async (requestId) => {
			const rawBody = okBody(requestId);
			return await verify({ headers: fal.headersFor(rawBody, { requestId }), rawBody, fetchJwks: fetcher, cache });
		});
		release();
		const results = await Promise.all(pending);
		expect(results.every((result) => result.ok)).toBe(true);
		expect(fetcher).toHaveBeenCalledTimes(1);
	});

	it('passes on a failed download, and tries again on the next call', async () => {
		const cache = new JwksCache();
		const rawBody = okBody();
		const headers = fal.headersFor(rawBody);
		const failing = jest.fn(async () => {
			throw new Error('getaddrinfo ENOTFOUND');
		});
		await expect(verify({ headers, rawBody, fetchJwks: failing, cache })).rejects.toThrow('ENOTFOUND');
		const working = jest.fn(async () => jwksOf(fal));
		expect((await verify({ headers, rawBody, fetchJwks: working, cache })).ok).toBe(true);
	});

	it('reads a JWKS given as JSON text, and finds no keys in junk', () => {
		expect(parseJwks(JSON.stringify(jwksOf(fal))).keys).toHaveLength(1);
		expect(parseJwks('<html>').keys).toHaveLength(0);
		expect(parseJwks({ keys: 'nope' }).keys).toHaveLength(0);
		expect(parseJwks(null).keys).toHaveLength(0);
	});

	it('refuses a second delivery of the same signed call as replayed', async () => {
		const server = keyServer(jwksOf(fal));
		const cache = new JwksCache();
		const replayGuard = new ReplayGuard();
		const rawBody = okBody();
		const headers = fal.headersFor(rawBody);
		expect((await verify({ headers, rawBody, fetchJwks: server.fetcher, cache, replayGuard })).ok).toBe(true);
		expect(await verify({ headers, rawBody, fetchJwks: server.fetcher, cache, replayGuard })).toMatchObject({
			ok: false,
			reason: 'replayed',
		});
		// fal's retry is a new delivery: new timestamp, new signature.
		const retry = fal.headersFor(rawBody, { timestamp: NOW_SECONDS + 30 });
		expect((await verify({ headers: retry, rawBody, fetchJwks: server.fetcher, cache, replayGuard, nowMs: NOW_MS + 30_000 })).ok).toBe(true);
	});

	it('does not remember refused calls, so a forgery cannot block the real one', async () => {
		const attacker = createSigner();
		const server = keyServer(jwksOf(fal));
		const cache = new JwksCache();
		const replayGuard = new ReplayGuard();
		const rawBody = okBody();
		await verify({ headers: attacker.headersFor(rawBody), rawBody, fetchJwks: server.fetcher, cache, replayGuard });
		expect(replayGuard.size).toBe(0);
		expect((await verify({ headers: fal.headersFor(rawBody), rawBody, fetchJwks: server.fetcher, cache, replayGuard })).ok).toBe(true);
	});

	it('forgets deliveries once their timestamp is outside the window', () => {
		const guard = new ReplayGuard(300);
		const delivery = { requestId: 'r', timestamp: NOW_SECONDS, signature: 'ab'.repeat(64) };
		expect(guard.remember(delivery, NOW_SECONDS)).toBe(true);
		expect(guard.remember(delivery, NOW_SECONDS + 300)).toBe(false);
		expect(guard.remember({ ...delivery, requestId: 'other' }, NOW_SECONDS + 301)).toBe(true);
		expect(guard.size).toBe(1);
	});

	it('holds at most its cap of deliveries', () => {
		const guard = new ReplayGuard(300, 3);
		for (let index = 0; index < 5; index++) {
			guard.remember({ requestId: `r${index}`, timestamp: NOW_SECONDS, signature: 'cd'.repeat(64) }, NOW_SECONDS);
		}
		expect(guard.size).toBe(3);
	});
});
