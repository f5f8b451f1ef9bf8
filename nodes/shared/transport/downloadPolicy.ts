/**
 * Where a video may be downloaded from. A result names its video by URL, and n8n fetches it with
 * no SSRF protection of its own (off by default), so only fal's media hosts are fetched unless the
 * user lists more; a private or loopback address only when the API Host itself is local (the
 * offline demo and the tests run fal's stand-in on 127.0.0.1). Pure.
 */

/** fal serves generated media from its CDN (`v3.fal.media`, `v3b.fal.media`…: fal-protocol.md). */
export const FAL_MEDIA_HOSTS: readonly string[] = ['*.fal.media'];

export interface DownloadPolicy {
	/** Host names or `*.domain` patterns the user allows beyond fal's own. */
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

function ipv4Octets(host: string): number[] | undefined {
	const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
	return match ? match.slice(1).map(Number) : undefined;
}

function isPrivateIpv4([a, b]: number[]): boolean {
	return (
		a === 0 ||
		a === 10 ||
		a === 127 ||
		(a === 100 && b >= 64 && b <= 127) ||
		(a === 169 && b === 254) ||
		(a === 172 && b >= 16 && b <= 31) ||
		(a === 192 && b === 168) ||
		a >= 224
	);
}

/**
 * Loopback, private, link-local or unspecified, judged from the URL's host as written (the WHATWG
 * parser has already turned `2130706433` or `0x7f.1` into `127.0.0.1`). A public name that resolves
 * to a private address is not caught here; the allow-list is what keeps unknown names out.
 */
export function isPrivateHost(hostname: string): boolean {
	const host = hostname.toLowerCase().replace(/^\[|\]$/g, '');
	if (host === 'localhost' || host.endsWith('.localhost') || host.endsWith('.local') || host.endsWith('.internal')) return true;
	const v4 = ipv4Octets(host);
	if (v4) return isPrivateIpv4(v4);
	if (!host.includes(':')) return false;
	if (host === '::' || host === '::1') return true;
	const mapped = /^::ffff:(.+)$/.exec(host);
	if (mapped) {
		const inner = ipv4Octets(mapped[1]);
		if (inner) return isPrivateIpv4(inner);
		// ::ffff:7f00:1 style
		const hex = /^([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(mapped[1]);
		if (hex) return isPrivateIpv4([parseInt(hex[1], 16) >> 8, parseInt(hex[1], 16) & 0xff]);
	}
	return /^f[cd]/.test(host) || /^fe[89ab]/.test(host);
}

/** This machine: `localhost` and 127.0.0.1 name the same host (a local API Host may use either). */
function isLoopbackHost(hostname: string): boolean {
	const host = hostname.toLowerCase().replace(/^\[|\]$/g, '');
	return host === 'localhost' || host.endsWith('.localhost') || host === '::1' || ipv4Octets(host)?.[0] === 127;
}

function hostnameOf(url: string | undefined): string | undefined {
	if (!url || !URL.canParse(url)) return undefined;
	return new URL(url).hostname.toLowerCase();
}

/** Throws DownloadRefusedError naming the host unless `url` may be fetched under `policy`. */
export function checkDownloadUrl(url: string, policy: DownloadPolicy): void {
	if (!URL.canParse(url)) throw new DownloadRefusedError(url.slice(0, 100), 'it is not a URL');
	const parsed = new URL(url);
	const host = parsed.hostname.toLowerCase();
	if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw new DownloadRefusedError(host || url.slice(0, 100), `only http(s) is fetched, not ${parsed.protocol}`);
	const apiHost = hostnameOf(policy.apiHost);
	const apiHostIsLocal = apiHost !== undefined && isPrivateHost(apiHost);
	const isApiHost = host === apiHost || (apiHost !== undefined && isLoopbackHost(apiHost) && isLoopbackHost(host));
	const allowed = isApiHost || [...FAL_MEDIA_HOSTS, ...policy.extraHosts].some((pattern) => matchesHost(host, pattern));
	if (!allowed) {
		throw new DownloadRefusedError(
			host,
			`it is not one of fal's media hosts (${FAL_MEDIA_HOSTS.join(', ')}) nor listed in Allowed Download Hosts`,
		);
	}
	if (isPrivateHost(host) && !apiHostIsLocal) {
		throw new DownloadRefusedError(host, 'it is a private or loopback address, fetched only when the credential\'s API Host is itself local');
	}
}
