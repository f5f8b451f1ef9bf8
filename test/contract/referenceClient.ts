/**
 * fal's official client, `@fal-ai/client` (a devDependency: the reference the node's own transport
 * is checked against), pointed at one host the way fal-protocol.md §2 recommends: its `fetch`
 * rewrites every fal URL (queue, storage, upload PUT and multipart) to the host, keeping path and query.
 */
import { createFalClient, type FalClient } from '@fal-ai/client';

export type { FalClient };

export interface ReferenceClientOptions {
	apiKey: string;
	apiHost: string;
	/** Sees every request the client makes, after the rewrite. */
	onFetch?: (url: string, init: RequestInit | undefined) => void;
}

function requestUrl(input: Parameters<typeof fetch>[0]): string {
	if (typeof input === 'string') return input;
	if (input instanceof URL) return input.href;
	return input.url;
}

export function createReferenceFalClient(options: ReferenceClientOptions): FalClient {
	const host = options.apiHost.replace(/\/+$/, '');
	return createFalClient({
		credentials: options.apiKey,
		fetch: async (input, init) => {
			const original = new URL(requestUrl(input));
			const url = `${host}${original.pathname}${original.search}`;
			options.onFetch?.(url, init);
			return await fetch(url, init);
		},
	});
}
