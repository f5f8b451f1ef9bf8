import { checkDownloadUrl, isPrivateHost, parseHostList } from '../../nodes/shared/transport/downloadPolicy';

const onFal = { extraHosts: [] };

describe("videos are downloaded from fal's media hosts only, unless more are listed", () => {
	test.each(['https://v3.fal.media/files/rabbit/out.mp4', 'https://v3b.fal.media/files/b/x.mp4'])('%s is allowed', (url) => {
		expect(() => checkDownloadUrl(url, onFal)).not.toThrow();
	});

	test.each([
		['https://evil.example.com/x.mp4', 'evil.example.com', /not one of fal's media hosts/],
		['https://fal.media.evil.com/x.mp4', 'fal.media.evil.com', /not one of fal's media hosts/],
		['http://169.254.169.254/latest/meta-data/', '169.254.169.254', /not one of fal's media hosts/],
		['http://127.0.0.1:5678/rest/settings', '127.0.0.1', /not one of fal's media hosts/],
		['file:///etc/passwd', '', /only http\(s\) is fetched/],
	])('%s is refused naming its host', (url, host, reason) => {
		expect(() => checkDownloadUrl(url, onFal)).toThrow(`Refused to download the video from ${host}`);
		expect(() => checkDownloadUrl(url, onFal)).toThrow(reason);
	});

	test('an extra listed host (a proxy) is allowed, by name or by *.domain', () => {
		expect(() => checkDownloadUrl('https://media.example.com/x.mp4', { extraHosts: ['media.example.com'] })).not.toThrow();
		expect(() => checkDownloadUrl('https://a.cdn.example.com/x.mp4', { extraHosts: ['*.cdn.example.com'] })).not.toThrow();
		expect(() => checkDownloadUrl('https://cdn.example.com.evil.net/x.mp4', { extraHosts: ['*.cdn.example.com'] })).toThrow(/cdn\.example\.com\.evil\.net/);
	});

	test('a private or loopback address is refused even when listed, unless the API Host is itself local', () => {
		const listed = { extraHosts: ['10.0.0.5', 'localhost'] };
		expect(() => checkDownloadUrl('http://10.0.0.5/x.mp4', listed)).toThrow(/10\.0\.0\.5: it is a private or loopback address/);
		expect(() => checkDownloadUrl('http://localhost:9000/x.mp4', { ...listed, apiHost: 'https://fal-proxy.example.com' })).toThrow(/localhost: it is a private/);
		expect(() => checkDownloadUrl('http://localhost:9000/x.mp4', { ...listed, apiHost: 'http://127.0.0.1:9710' })).not.toThrow();
	});

	test('a loopback API Host allows this machine under either name (localhost, 127.0.0.1), not other private addresses', () => {
		expect(() => checkDownloadUrl('http://127.0.0.1:9710/files/a.mp4', { extraHosts: [], apiHost: 'http://localhost:9710' })).not.toThrow();
		expect(() => checkDownloadUrl('http://localhost:9710/files/a.mp4', { extraHosts: [], apiHost: 'http://127.0.0.1:9710' })).not.toThrow();
		expect(() => checkDownloadUrl('http://169.254.169.254/latest/', { extraHosts: [], apiHost: 'http://127.0.0.1:9710' })).toThrow(/169\.254\.169\.254: it is not one of fal's media hosts/);
	});

	test("the API Host's own host is allowed (the offline demo's fake fal serves its videos there)", () => {
		expect(() => checkDownloadUrl('http://127.0.0.1:9710/files/abc.mp4', { extraHosts: [], apiHost: 'http://127.0.0.1:9710' })).not.toThrow();
		expect(() => checkDownloadUrl('https://proxy.example.com/files/abc.mp4', { extraHosts: [], apiHost: 'https://proxy.example.com' })).not.toThrow();
	});

	test.each(['127.0.0.1', '[::1]', '10.1.2.3', '172.20.0.1', '192.168.1.1', '169.254.169.254', '0.0.0.0', 'localhost', '[::ffff:127.0.0.1]', '[fd00::1]', '[fe80::1]'])(
		'%s is private',
		(host) => {
			expect(isPrivateHost(host)).toBe(true);
		},
	);

	test.each(['v3.fal.media', '8.8.8.8', '172.32.0.1', '[2606:4700::1111]'])('%s is public', (host) => {
		expect(isPrivateHost(host)).toBe(false);
	});

	test('a URL the WHATWG parser normalises (decimal IP) is judged by the address it names', () => {
		expect(() => checkDownloadUrl('http://2130706433/x.mp4', { extraHosts: ['127.0.0.1'] })).toThrow(/127\.0\.0\.1: it is a private/);
	});

	test('the option text is read as a list of host names', () => {
		expect(parseHostList(' media.example.com, *.cdn.example.com\nhttps://proxy.example.org:8443/path ')).toEqual(['media.example.com', '*.cdn.example.com', 'proxy.example.org']);
	});
});
