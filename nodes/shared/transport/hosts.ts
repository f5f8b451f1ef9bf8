/** fal's hosts (fal-protocol.md §2): the queue and the REST API (storage). */
export const FAL_QUEUE_URL = 'https://queue.fal.run';
export const FAL_REST_URL = 'https://rest.fal.ai';
/** fal's Platform APIs (prices, storage settings, signed URLs): fal.ai/docs/platform-apis, server https://api.fal.ai/v1. */
export const FAL_PLATFORM_URL = 'https://api.fal.ai';

/** Namespaced endpoint ids carry one more segment before owner/app (fal-js `parseEndpointId`). */
const ENDPOINT_NAMESPACES = new Set(['workflows', 'comfy']);

/** The credential's API Host without trailing slashes; undefined when empty (fal's own hosts). */
export function normaliseApiHost(apiHost: string | undefined): string | undefined {
	const trimmed = (apiHost ?? '').trim().replace(/\/+$/, '');
	return trimmed === '' ? undefined : trimmed;
}

/** Keeps path and query, swaps scheme and host: every request then reaches the one API host. */
export function redirectToHost(url: string, apiHost: string): string {
	const original = new URL(url);
	return `${apiHost}${original.pathname}${original.search}`;
}

/**
 * `owner/app` of an endpoint id: status, result and cancel drop the endpoint's path
 * ("use only the owner and the app", fal-protocol.md §1).
 */
export function appIdOf(endpoint: string): string {
	const parts = endpoint.split('/').filter((part) => part !== '');
	const keep = ENDPOINT_NAMESPACES.has(parts[0] ?? '') ? 3 : 2;
	if (parts.length < keep) throw new Error(`Invalid fal endpoint id "${endpoint}": expected owner/app[/path]`);
	return parts.slice(0, keep).join('/');
}

/** Where each kind of request goes: fal's own hosts, or all to the API Host. */
export interface FalHosts {
	queue: string;
	rest: string;
	/** The Platform APIs' origin; the path starts with `/v1/…`. */
	platform: string;
	/** Set when an API Host replaces fal's hosts; upload URLs fal hands out are moved there too. */
	apiHost?: string;
}

export function falHosts(apiHost: string | undefined): FalHosts {
	const host = normaliseApiHost(apiHost);
	return host ? { queue: host, rest: host, platform: host, apiHost: host } : { queue: FAL_QUEUE_URL, rest: FAL_REST_URL, platform: FAL_PLATFORM_URL };
}

/** An upload URL fal returned (a CDN host), moved to the API Host when there is one. */
export function uploadUrlFor(hosts: FalHosts, url: string): string {
	return hosts.apiHost ? redirectToHost(url, hosts.apiHost) : url;
}

export function queueRequestUrl(hosts: FalHosts, endpoint: string, requestId: string, suffix = ''): string {
	return `${hosts.queue}/${appIdOf(endpoint)}/requests/${encodeURIComponent(requestId)}${suffix}`;
}

export function submitUrl(hosts: FalHosts, endpoint: string, webhookUrl?: string): string {
	const path = endpoint.replace(/^\/+/, '').replace(/\/{2,}/g, '/');
	const query = webhookUrl ? `?${new URLSearchParams({ fal_webhook: webhookUrl }).toString()}` : '';
	return `${hosts.queue}/${path}${query}`;
}

/** A Platform API URL: `path` is fal's documented one, e.g. `/v1/models/pricing`. */
export function platformUrl(hosts: FalHosts, path: string, query?: URLSearchParams): string {
	const search = query && [...query.keys()].length > 0 ? `?${query.toString()}` : '';
	return `${hosts.platform}${path}${search}`;
}
