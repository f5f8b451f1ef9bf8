import { checkDownloadUrl, isPrivateHost, parseHostList } from '../../nodes/shared/transport/downloadPolicy';
import { FAL_MEDIA_URL_CORPUS } from './falMediaUrls';

const onFal = { extraHosts: [] };

describe("a video URL in fal's answer downloads from whatever public host fal names", () => {
	test.each(FAL_MEDIA_URL_CORPUS.map(({ url, source }) => [url, source]))('%s (%s) is allowed', (url) => {
		const checked = checkDownloadUrl(url, onFal);
		expect(checked.host).toBe(new URL(url).hostname);
		expect(checked.trusted).toBe(false);
	});

	test('the same URLs are allowed behind a proxy API Host, and with a local stand-in as API Host', () => {
		for (const { url } of FAL_MEDIA_URL_CORPUS) {
			expect(() => checkDownloadUrl(url, { extraHosts: [], apiHost: 'https://fal-proxy.example.com' })).not.toThrow();
			expect(() => checkDownloadUrl(url, { extraHosts: [], apiHost: 'http://127.0.0.1:9710' })).not.toThrow();
		}
	});
});

describe('private, loopback and link-local addresses are refused, naming the host', () => {
	test.each([
		['http://169.254.169.254/latest/meta-data/', '169.254.169.254'],
		['http://127.0.0.1:5678/rest/settings', '127.0.0.1'],
		['http://localhost./x.mp4', 'localhost.'],
		['http://[::ffff:127.0.0.1]/x.mp4', '[::ffff:7f00:1]'],
		['http://[::127.0.0.1]/x.mp4', '[::7f00:1]'],
		['http://[64:ff9b::a9fe:a9fe]/x.mp4', '[64:ff9b::a9fe:a9fe]'],
		['http://[fec0::1]/x.mp4', '[fec0::1]'],
		['http://[ff02::1]/x.mp4', '[ff02::1]'],
		['http://224.0.0.1/x.mp4', '224.0.0.1'],
		['http://2130706433/x.mp4', '127.0.0.1'],
		['http://0x7f.1/x.mp4', '127.0.0.1'],
		['http://metadata.google.internal/computeMetadata/v1/', 'metadata.google.internal'],
	])('%s is refused as %s', (url, host) => {
		expect(() => checkDownloadUrl(url, onFal)).toThrow(`Refused to download the video from ${host}: it is a private, loopback or link-local address`);
	});

	test('only http(s) is fetched', () => {
		expect(() => checkDownloadUrl('file:///etc/passwd', onFal)).toThrow(/only http\(s\) is fetched, not file:/);
		expect(() => checkDownloadUrl('not a url', onFal)).toThrow(/it is not a URL/);
	});

	test('a private API Host is trusted for itself, not for every other private host', () => {
		const local = { extraHosts: [], apiHost: 'http://127.0.0.1:9710' };
		expect(checkDownloadUrl('http://127.0.0.1:9710/files/a.mp4', local).trusted).toBe(true);
		expect(() => checkDownloadUrl('http://169.254.169.254/latest/', local)).toThrow(/169\.254\.169\.254: it is a private/);
		expect(() => checkDownloadUrl('http://10.0.0.5/x.mp4', { extraHosts: [], apiHost: 'http://10.0.0.4:9710' })).toThrow(/10\.0\.0\.5: it is a private/);
		expect(checkDownloadUrl('http://10.0.0.4:9000/x.mp4', { extraHosts: [], apiHost: 'http://10.0.0.4:9710' }).trusted).toBe(true);
	});

	test('a loopback API Host is this machine under either name (localhost, 127.0.0.1)', () => {
		expect(checkDownloadUrl('http://127.0.0.1:9710/files/a.mp4', { extraHosts: [], apiHost: 'http://localhost:9710' }).trusted).toBe(true);
		expect(checkDownloadUrl('http://localhost:9710/files/a.mp4', { extraHosts: [], apiHost: 'http://127.0.0.1:9710' }).trusted).toBe(true);
	});

	test('a mirror on a private address is fetched once listed in Allowed Download Hosts, by name or *.domain', () => {
		expect(() => checkDownloadUrl('http://10.0.0.5/x.mp4', onFal)).toThrow(/10\.0\.0\.5/);
		expect(checkDownloadUrl('http://10.0.0.5/x.mp4', { extraHosts: ['10.0.0.5'] }).trusted).toBe(true);
		expect(checkDownloadUrl('http://media.corp.internal/x.mp4', { extraHosts: ['*.corp.internal'] }).trusted).toBe(true);
		expect(() => checkDownloadUrl('http://media.corp.internal.evil.internal/x.mp4', { extraHosts: ['*.corp.internal'] })).toThrow(/evil\.internal/);
	});

	test('a public proxy API Host is trusted for itself too (its files skip the name resolution check)', () => {
		expect(checkDownloadUrl('https://proxy.example.com/files/abc.mp4', { extraHosts: [], apiHost: 'https://proxy.example.com' }).trusted).toBe(true);
	});

	test('the option text is read as a list of host names', () => {
		expect(parseHostList(' media.example.com, *.cdn.example.com\nhttps://proxy.example.org:8443/path ')).toEqual(['media.example.com', '*.cdn.example.com', 'proxy.example.org']);
	});
});

describe('isPrivateHost: one check for every address the package fetches', () => {
	test.each([
		'127.0.0.1', '127.8.9.10', '[::1]', '::1', '::', '10.1.2.3', '172.20.0.1', '192.168.1.1', '169.254.169.254', '0.0.0.0', '100.64.0.1', '100.127.255.255',
		'192.0.0.8', '198.18.0.1', '224.0.0.251', '239.255.255.250', '255.255.255.255',
		'localhost', 'localhost.', 'LOCALHOST', 'a.localhost', 'printer.local', 'metadata.google.internal', 'router.home.arpa', '',
		// IPv4 inside IPv6: mapped, translated, compatible, NAT64, 6to4
		'[::ffff:127.0.0.1]', '::ffff:7f00:1', '::ffff:a9fe:a9fe', '::ffff:0:10.0.0.1', '::127.0.0.1', '::7f00:1', '::8.8.8.8',
		'64:ff9b::127.0.0.1', '64:ff9b::a00:1', '64:ff9b:1::1', '2002:7f00:1::1', '2002:c0a8:101::',
		// IPv6 ranges
		'[fd00::1]', 'fc00::', '[fe80::1]', 'fe80::1%eth0', 'febf::1', 'fec0::1', 'feff::1', 'ff02::1', 'ff0e::1', '2001:db8::1', '2001:0:4136:e378::1', '100::1',
		// not an address, but bracketed like one
		'[zz::1]', ':::',
	])('%s is private', (host) => {
		expect(isPrivateHost(host)).toBe(true);
	});

	test.each([
		'v3.fal.media', 'v3b.fal.media', 'fal.media', 'storage.googleapis.com', 'localhost.example.com', 'local.example.com', 'internal.example.com',
		'8.8.8.8', '172.32.0.1', '100.128.0.1', '100.63.255.255', '192.169.0.1', '223.255.255.255', '169.253.1.1',
		'[2606:4700::1111]', '2a00:1450:4001::200e', '::ffff:8.8.8.8', '64:ff9b::808:808', '2002:808:808::1', '2001:4860:4860::8888', 'fbff::1', 'fe7f::1',
	])('%s is public', (host) => {
		expect(isPrivateHost(host)).toBe(false);
	});
});
