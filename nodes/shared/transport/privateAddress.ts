/**
 * Whether a host name or IP address points into a private network: this machine, the local
 * network, a cloud's metadata service, or an address no public server has. One function for every
 * URL the package fetches or is asked to trust (downloads, resume URLs). Pure.
 */

/** Names that never leave the machine or the local network, with or without a trailing dot. */
const PRIVATE_NAME_SUFFIXES = ['.localhost', '.local', '.internal', '.home.arpa'];

function ipv4Octets(text: string): number[] | undefined {
	const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
	if (!match) return undefined;
	const octets = match.slice(1).map(Number);
	return octets.every((octet) => octet <= 255) ? octets : undefined;
}

/** RFC 6890 special-purpose IPv4 ranges that are not public unicast (n8n's default list and more). */
function isPrivateIpv4([a, b, c]: number[]): boolean {
	return (
		a === 0 || // "this network"
		a === 10 ||
		a === 127 ||
		(a === 100 && b >= 64 && b <= 127) || // carrier-grade NAT
		(a === 169 && b === 254) || // link-local, cloud metadata
		(a === 172 && b >= 16 && b <= 31) ||
		(a === 192 && b === 168) ||
		(a === 192 && b === 0 && (c === 0 || c === 2)) || // IETF protocol assignments, TEST-NET-1
		(a === 198 && (b === 18 || b === 19)) || // benchmarking
		(a === 198 && b === 51 && c === 100) || // TEST-NET-2
		(a === 203 && b === 0 && c === 113) || // TEST-NET-3
		a >= 224 // multicast, reserved, broadcast
	);
}

/** The eight 16-bit groups of an IPv6 address (`::`, embedded dotted IPv4 allowed), or undefined. */
function ipv6Groups(text: string): number[] | undefined {
	let address = text.replace(/%.*$/, ''); // zone id: fe80::1%eth0
	const dotted = /^(.*:)(\d{1,3}(?:\.\d{1,3}){3})$/.exec(address);
	if (dotted) {
		const octets = ipv4Octets(dotted[2]);
		if (!octets) return undefined;
		address = `${dotted[1]}${((octets[0] << 8) | octets[1]).toString(16)}:${((octets[2] << 8) | octets[3]).toString(16)}`;
	}
	const halves = address.split('::');
	if (halves.length > 2) return undefined;
	const parse = (part: string) => (part === '' ? [] : part.split(':'));
	const head = parse(halves[0]);
	const tail = halves.length === 2 ? parse(halves[1]) : [];
	const missing = 8 - head.length - tail.length;
	if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined;
	const groups = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...tail];
	if (!groups.every((group) => /^[0-9a-f]{1,4}$/.test(group))) return undefined;
	return groups.map((group) => parseInt(group, 16));
}

function embeddedIpv4(high: number, low: number): number[] {
	return [high >> 8, high & 0xff, low >> 8, low & 0xff];
}

function isPrivateIpv6(g: number[]): boolean {
	const zeroUntil = (n: number) => g.slice(0, n).every((group) => group === 0);
	// ::/96 holds ::, ::1 and the deprecated IPv4-compatible addresses (::127.0.0.1): none is public.
	if (zeroUntil(6)) return true;
	// IPv4-mapped ::ffff:a.b.c.d and IPv4-translated ::ffff:0:a.b.c.d: the IPv4 address decides.
	if (zeroUntil(5) && g[5] === 0xffff) return isPrivateIpv4(embeddedIpv4(g[6], g[7]));
	if (zeroUntil(4) && g[4] === 0xffff && g[5] === 0) return isPrivateIpv4(embeddedIpv4(g[6], g[7]));
	// NAT64 well-known prefix 64:ff9b::/96 carries an IPv4 address; 64:ff9b:1::/48 is for local use.
	if (g[0] === 0x64 && g[1] === 0xff9b) {
		if (g[2] === 1) return true;
		if (g.slice(2, 6).every((group) => group === 0)) return isPrivateIpv4(embeddedIpv4(g[6], g[7]));
	}
	// 6to4 2002:AABB:CCDD::/48 carries an IPv4 address.
	if (g[0] === 0x2002) return isPrivateIpv4(embeddedIpv4(g[1], g[2]));
	if (g[0] === 0x2001 && g[1] === 0) return true; // Teredo: tunnels to an address it hides
	if (g[0] === 0x2001 && g[1] === 0xdb8) return true; // documentation
	if (g[0] === 0x100 && g[1] === 0 && g[2] === 0 && g[3] === 0) return true; // discard-only 100::/64
	const first = g[0];
	return (
		(first & 0xfe00) === 0xfc00 || // unique local fc00::/7
		(first & 0xffc0) === 0xfe80 || // link-local fe80::/10
		(first & 0xffc0) === 0xfec0 || // site-local fec0::/10 (deprecated, still routed locally)
		(first & 0xff00) === 0xff00 // multicast ff00::/8
	);
}

/**
 * True when `hostname` (a URL's hostname, an IP literal with or without brackets, or a name) is
 * loopback, private, link-local, multicast, reserved or otherwise not a public address. A name is
 * judged as written; what it resolves to is checked where a resolver is available.
 */
export function isPrivateHost(hostname: string): boolean {
	const host = hostname.trim().toLowerCase().replace(/^\[|\]$/g, '').replace(/\.+$/, '');
	if (host === '') return true;
	if (host === 'localhost' || PRIVATE_NAME_SUFFIXES.some((suffix) => host.endsWith(suffix))) return true;
	const v4 = ipv4Octets(host);
	if (v4) return isPrivateIpv4(v4);
	if (!host.includes(':')) return false;
	const v6 = ipv6Groups(host);
	// Something with colons that is not an address is not a public host either.
	return v6 ? isPrivateIpv6(v6) : true;
}
