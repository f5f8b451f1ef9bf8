import { createFalClient, type FalClient } from '@fal-ai/client';

export type { FalClient };

export interface FalCredentials {
	apiKey: string;
	/** Optional host that replaces every fal host (queue, rest, upload URLs); empty = fal's own. */
	apiHost?: string;
}

/** fal's hosts, hard-coded in @fal-ai/client (fal-protocol.md §2). */
export const FAL_QUEUE_URL = 'https://queue.fal.run';

export function normaliseApiHost(apiHost: string | undefined): string | undefined {
	const trimmed = (apiHost ?? '').trim().replace(/\/+$/, '');
	return trimmed === '' ? undefined : trimmed;
}

/** Keeps path and query, swaps scheme and host: every client request then reaches the one host. */
export function redirectToHost(url: string, apiHost: string): string {
	const original = new URL(url);
	return `${apiHost}${original.pathname}${original.search}`;
}

/**
 * One client per credential and execution: `fal.config` swaps a process-wide singleton, which
 * would mix credentials between concurrent workflows. With an API host set, the client's `fetch`
 * is wrapped, which covers queue, storage and the upload PUT alike (fal-protocol.md §2).
 */
export function createSeedanceFalClient(credentials: FalCredentials): FalClient {
	const apiHost = normaliseApiHost(credentials.apiHost);
	const fetchToHost: typeof fetch | undefined = apiHost
		? async (input, init) => await fetch(redirectToHost(requestUrl(input), apiHost), init)
		: undefined;
	return createFalClient({
		credentials: credentials.apiKey,
		...(fetchToHost ? { fetch: fetchToHost } : {}),
	});
}

function requestUrl(input: Parameters<typeof fetch>[0]): string {
	if (typeof input === 'string') return input;
	if (input instanceof URL) return input.href;
	return input.url;
}
