/**
 * Where a video may be downloaded from. Every URL downloaded is one that fal's API returned to our
 * own authenticated request (or that a trigger confirmed with fal under its key), so the host is
 * fal's choice: `fal.media`, `v3b.fal.media`, `storage.googleapis.com` or a CDN fal adds later.
 * What is refused is a private address (this machine, the local network, a cloud's metadata
 * service): a proxy or stand-in answering for fal must not make n8n fetch from inside its network.
 * Exempt: the credential's API Host itself (a local stand-in serves its files there) and hosts the
 * user lists in Allowed Download Hosts (a mirror on their own network). Pure; the addresses a name
 * resolves to are checked in egressCheck.ts.
 */
import { isPrivateHost } from './privateAddress';

export { isPrivateHost };

export interface DownloadPolicy {
	/** Host names or `*.domain` patterns the user trusts even on a private address (mirrors, proxies). */
	extraHosts: readonly string[];
	/** The credential's API Host (a fal stand-in or proxy), when set. */
	apiHost?: string;
}

export class DownloadRefusedError extends Error {
	constructor(
		readonly host: string,
		reason: string,
	) {
		super(`Refused to download the video from ${host}: ${reason}`);
	}
}

/** "a.com, *.b.com\nc.com" → ["a.com", "*.b.com", "c.com"], lower-cased, ports and schemes dropped. */
export function parseHostList(text: unknown): string[] {
	if (typeof text !== 'string') return [];
	return text
		.split(/[\s,]+/)
		.map((entry) => entry.trim().toLowerCase().replace(/^[a-z]+:\/\//, '').replace(/[/:].*$/, ''))
		.filter((entry) => entry !== '');
}

function matchesHost(host: string, pattern: string): boolean {
	if (pattern.startsWith('*.')) return host.endsWith(pattern.slice(1)) && host.length > pattern.length - 1;
	return host === pattern;
}

/** This machine: `localhost` and 127.0.0.1 name the same host (a local API Host may use either). */
function isLoopbackHost(hostname: string): boolean {
	const host = hostname.toLowerCase().replace(/^\[|\]$/g, '').replace(/\.+$/, '');
	return host === 'localhost' || host.endsWith('.localhost') || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

function hostnameOf(url: string | undefined): string | undefined {
	if (!url || !URL.canParse(url)) return undefined;
	return new URL(url).hostname.toLowerCase();
}

/** Why a private address is refused, and how to allow one (completes "it is …" / "it resolves to x, …"). */
export const PRIVATE_ADDRESS_REFUSAL =
	"a private, loopback or link-local address; only the credential's API Host and hosts listed in Options → Allowed Download Hosts are fetched there";

/** What the URL check found: `trusted` hosts skip the private-address checks (by name and by address). */
export interface CheckedDownload {
	url: URL;
	host: string;
	trusted: boolean;
}

/**
 * Throws DownloadRefusedError naming the host unless `url` may be fetched under `policy`: http(s)
 * only, and no private address unless the host is the API Host or listed by the user.
 */
export function checkDownloadUrl(url: string, policy: DownloadPolicy): CheckedDownload {
	if (!URL.canParse(url)) throw new DownloadRefusedError(url.slice(0, 100), 'it is not a URL');
	const parsed = new URL(url);
	const host = parsed.hostname.toLowerCase();
	if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw new DownloadRefusedError(host || url.slice(0, 100), `only http(s) is fetched, not ${parsed.protocol}`);
	const apiHost = hostnameOf(policy.apiHost);
	const isApiHost = apiHost !== undefined && (host === apiHost || (isLoopbackHost(apiHost) && isLoopbackHost(host)));
	const trusted = isApiHost || policy.extraHosts.some((pattern) => matchesHost(host, pattern));
	if (!trusted && isPrivateHost(host)) {
		throw new DownloadRefusedError(host, `it is ${PRIVATE_ADDRESS_REFUSAL}`);
	}
	return { url: parsed, host, trusted };
}
