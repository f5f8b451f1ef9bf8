/**
 * The stateful half of fal webhook verification: fal's public keys (JWKS), cached in memory, and a
 * replay guard. Both live in the n8n process, so in queue mode with several webhook processes each
 * keeps its own (a replay can then reach each process once; the timestamp window still bounds it).
 */
import {
	DEFAULT_TIMESTAMP_TOLERANCE_SECONDS,
	failure,
	verifyFalWebhook,
	type Jwks,
	type VerifyResult,
	type VerifySuccess,
	type WebhookHeaders,
} from './signature';

/**
 * fal's published webhook keys (fal-protocol.md §3): fal-js's REST host first, the host of fal's
 * docs example as the fallback. Not derived from the credential's API Host: a proxy for the queue
 * does not serve them.
 */
export const FAL_JWKS_URL = 'https://rest.fal.ai/.well-known/jwks.json';
export const FAL_JWKS_FALLBACK_URL = 'https://rest.alpha.fal.ai/.well-known/jwks.json';
export const FAL_JWKS_URLS: readonly string[] = [FAL_JWKS_URL, FAL_JWKS_FALLBACK_URL];

/** fal's docs: cache the JWKS for at most 24 hours. */
export const JWKS_MAX_AGE_MS = 24 * 60 * 60 * 1000;

/**
 * An unknown key triggers one refetch (fal rotated its keys), but a stream of forged calls must
 * not turn into a stream of JWKS downloads: at most one refetch per URL in this interval.
 */
export const JWKS_MIN_REFETCH_INTERVAL_MS = 60 * 1000;

/** Verified deliveries remembered at most; only signed calls get in, so this is a safety cap. */
export const REPLAY_GUARD_MAX_ENTRIES = 10_000;

/** Loads a URL and returns its body (parsed JSON or text). */
export type JwksFetcher = (url: string) => Promise<unknown>;

/** Accepts a JWKS as parsed JSON or as JSON text; anything else yields no keys. */
export function parseJwks(body: unknown): Jwks {
	let value = body;
	if (typeof value === 'string') {
		try {
			value = JSON.parse(value);
		} catch {
			return { keys: [] };
		}
	}
	if (typeof value !== 'object' || value === null) return { keys: [] };
	const keys = (value as { keys?: unknown }).keys;
	return { keys: Array.isArray(keys) ? (keys as Jwks['keys']) : [] };
}

interface CachedJwks {
	jwks: Jwks;
	fetchedAtMs: number;
}

export interface JwksLookup {
	jwks: Jwks;
	/** True when this lookup downloaded the keys (so refetching again would not help). */
	fetched: boolean;
}

/** JWKS by URL, each kept up to `maxAgeMs`; concurrent lookups share one download. */
export class JwksCache {
	private readonly entries = new Map<string, CachedJwks>();

	private readonly inFlight = new Map<string, Promise<CachedJwks>>();

	constructor(
		private readonly maxAgeMs = JWKS_MAX_AGE_MS,
		private readonly minRefetchIntervalMs = JWKS_MIN_REFETCH_INTERVAL_MS,
	) {}

	async get(url: string, fetcher: JwksFetcher, nowMs: number): Promise<JwksLookup> {
		const cached = this.entries.get(url);
		if (cached && nowMs - cached.fetchedAtMs < this.maxAgeMs) return { jwks: cached.jwks, fetched: false };
		return { jwks: (await this.download(url, fetcher, nowMs)).jwks, fetched: true };
	}

	/** Downloads again after a key did not verify, unless the keys are younger than the interval. */
	async refresh(url: string, fetcher: JwksFetcher, nowMs: number): Promise<JwksLookup | undefined> {
		const cached = this.entries.get(url);
		if (cached && nowMs - cached.fetchedAtMs < this.minRefetchIntervalMs) return undefined;
		return { jwks: (await this.download(url, fetcher, nowMs)).jwks, fetched: true };
	}

	clear(): void {
		this.entries.clear();
		this.inFlight.clear();
	}

	private async download(url: string, fetcher: JwksFetcher, nowMs: number): Promise<CachedJwks> {
		const pending = this.inFlight.get(url);
		if (pending) return await pending;
		const loading = (async () => {
			const entry = { jwks: parseJwks(await fetcher(url)), fetchedAtMs: nowMs };
			this.entries.set(url, entry);
			return entry;
		})();
		this.inFlight.set(url, loading);
		try {
			return await loading;
		} finally {
			this.inFlight.delete(url);
		}
	}
}

type ReplayKey = Pick<VerifySuccess, 'requestId' | 'timestamp' | 'signature'>;

function replayKey(delivery: ReplayKey): string {
	return `${delivery.requestId}\n${delivery.timestamp}\n${delivery.signature.toLowerCase()}`;
}

/**
 * Remembers verified deliveries until their timestamp leaves the tolerance window (after that the
 * timestamp check refuses them anyway). A second delivery with the same request id, timestamp and
 * signature is a replay: fal's own retries are new deliveries (fal-protocol.md §3), and a retry of
 * a call we already accepted must not start the workflow twice.
 */
export class ReplayGuard {
	private readonly seen = new Map<string, number>();

	constructor(
		private readonly toleranceSeconds = DEFAULT_TIMESTAMP_TOLERANCE_SECONDS,
		private readonly maxEntries = REPLAY_GUARD_MAX_ENTRIES,
	) {}

	/** Records the delivery; false when it was already recorded. */
	remember(delivery: ReplayKey, nowSeconds: number): boolean {
		this.prune(nowSeconds);
		const key = replayKey(delivery);
		if (this.seen.has(key)) return false;
		this.seen.set(key, delivery.timestamp + this.toleranceSeconds);
		if (this.seen.size > this.maxEntries) {
			const oldest = this.seen.keys().next();
			if (!oldest.done) this.seen.delete(oldest.value);
		}
		return true;
	}

	/** Drops a recorded delivery: one that was not handled (answered 503) may come again. */
	forget(delivery: ReplayKey): void {
		this.seen.delete(replayKey(delivery));
	}

	get size(): number {
		return this.seen.size;
	}

	clear(): void {
		this.seen.clear();
	}

	private prune(nowSeconds: number): void {
		for (const [key, expiresAt] of this.seen) {
			if (expiresAt < nowSeconds) this.seen.delete(key);
		}
	}
}

/** Shared by every Seedance Trigger (and, for the keys, every resume webhook) in this n8n process. */
export const sharedJwksCache = new JwksCache();
export const sharedReplayGuard = new ReplayGuard();
/** The resume callbacks of "Submit and Wait for Webhook", kept apart from the trigger's deliveries. */
export const waitingCallbackReplayGuard = new ReplayGuard();

export interface VerifyWithJwksOptions {
	headers: WebhookHeaders;
	rawBody: Buffer;
	jwksUrl: string;
	fetchJwks: JwksFetcher;
	nowMs: number;
	toleranceSeconds?: number;
	cache?: JwksCache;
	/** Pass `null` to accept replays (tests, or a deliberate choice). */
	replayGuard?: ReplayGuard | null;
}

/**
 * Full check of one delivery: cheap header and clock checks first (no download for an unsigned or
 * stale call), then the cached keys, then one refetch when no key verifies (rotation), then the
 * replay guard. A JWKS that cannot be downloaded rejects with the fetcher's error.
 */
export async function verifyFalWebhookWithJwks(options: VerifyWithJwksOptions): Promise<VerifyResult> {
	const cache = options.cache ?? sharedJwksCache;
	const replayGuard = options.replayGuard === undefined ? sharedReplayGuard : options.replayGuard;
	const nowSeconds = Math.floor(options.nowMs / 1000);
	const check = (jwks: Jwks) =>
		verifyFalWebhook({
			headers: options.headers,
			rawBody: options.rawBody,
			jwks,
			nowSeconds,
			toleranceSeconds: options.toleranceSeconds,
		});

	// With no keys, every check before the signature still runs: anything but 'no-keys' is final.
	const precheck = check({ keys: [] });
	if (!precheck.ok && precheck.reason !== 'no-keys') return precheck;

	const lookup = await cache.get(options.jwksUrl, options.fetchJwks, options.nowMs);
	let result = check(lookup.jwks);
	if (!result.ok && !lookup.fetched && (result.reason === 'bad-signature' || result.reason === 'no-keys')) {
		const refreshed = await cache.refresh(options.jwksUrl, options.fetchJwks, options.nowMs);
		if (refreshed) result = check(refreshed.jwks);
	}
	if (!result.ok) return result;

	if (replayGuard && !replayGuard.remember(result, nowSeconds)) return failure('replayed');
	return result;
}
