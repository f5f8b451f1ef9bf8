/**
 * The address check by resolution, with n8n's real egress filter (SsrfProtectionService from
 * @n8n/backend-network, what `helpers.getSecureEgressFilter` returns) under an admin's settings,
 * and with a resolver that answers what a DNS server might (no DNS here). And on an n8n without
 * the filter (older n8n): only the host as written is judged.
 */
import { SsrfProtectionService } from '@n8n/backend-network';
import type { IExecuteFunctions } from 'n8n-workflow';

import { checkDownloadUrl } from '../../nodes/shared/transport/downloadPolicy';
import { checkResolvedAddresses } from '../../nodes/shared/transport/egressCheck';

type Records = Array<{ address: string; family: number }>;

/** What a DNS server answers, by name; names not listed fail as ENOTFOUND. */
function resolverAnswering(answers: Record<string, string[]>) {
	const asked: string[] = [];
	return {
		asked,
		lookup: async (hostname: string): Promise<Records> => {
			asked.push(hostname);
			const addresses = answers[hostname];
			if (!addresses) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
			return addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
		},
	};
}

const logger = { scoped: () => logger, warn: () => undefined, debug: () => undefined, info: () => undefined, error: () => undefined };

interface AdminSettings {
	blockedIpRanges?: string[];
	allowedIpRanges?: string[];
	allowedHostnames?: string[];
	blockedHostnames?: string[];
}

const DEFAULT_BLOCKED = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '127.0.0.0/8', '::1/128', '169.254.0.0/16', 'fe80::/10', 'fc00::/7'];

function n8nWithEgressFilter(answers: Record<string, string[]>, settings: AdminSettings = {}) {
	const resolver = resolverAnswering(answers);
	const config = { enabled: false, blockedIpRanges: DEFAULT_BLOCKED, allowedIpRanges: [], allowedHostnames: [], blockedHostnames: [], ...settings };
	const service = new SsrfProtectionService(config as never, resolver as never, logger as never);
	const policies: string[] = [];
	const ctx = {
		helpers: {
			getSecureEgressFilter: (policy: string) => {
				policies.push(policy);
				return service;
			},
		},
	} as unknown as IExecuteFunctions;
	return { ctx, resolver, policies };
}

const n8nWithoutFilter = { helpers: {} } as unknown as IExecuteFunctions;

async function check(ctx: IExecuteFunctions, url: string, extraHosts: string[] = [], apiHost?: string) {
	return await checkResolvedAddresses(ctx, checkDownloadUrl(url, { extraHosts, apiHost }));
}

describe('a download host is judged by the addresses its name resolves to', () => {
	test("fal's CDN names resolving to public addresses pass, under n8n's enforced policy", async () => {
		const { ctx, resolver, policies } = n8nWithEgressFilter({ 'v3b.fal.media': ['104.18.2.3', '2606:4700::6812:203'], 'storage.googleapis.com': ['142.250.74.27'] });
		await expect(check(ctx, 'https://v3b.fal.media/files/b/0a8b90e0/out.mp4')).resolves.toBeUndefined();
		await expect(check(ctx, 'https://storage.googleapis.com/falserverless/gallery/man-smiles.mp4')).resolves.toBeUndefined();
		expect(resolver.asked).toEqual(['v3b.fal.media', 'storage.googleapis.com']);
		expect(policies).toEqual(['enforced', 'enforced']);
	});

	test("a name resolving into n8n's blocked ranges is refused with n8n's reason", async () => {
		const { ctx } = n8nWithEgressFilter({ 'rebind.example.com': ['104.18.2.3', '169.254.169.254'] });
		await expect(check(ctx, 'https://rebind.example.com/x.mp4')).rejects.toThrow(
			"Refused to download the video from rebind.example.com: it resolves to 169.254.169.254, which n8n's SSRF rules block",
		);
	});

	test.each([
		['100.64.0.7', 'carrier-grade NAT'],
		['64:ff9b::a9fe:a9fe', 'NAT64 of 169.254.169.254'],
		['::127.0.0.1', 'IPv4-compatible loopback'],
		['fec0::1', 'site-local'],
		['ff05::2', 'multicast'],
	])("a name resolving to %s (%s), which n8n's default list misses, is refused by our own check", async (address) => {
		const { ctx } = n8nWithEgressFilter({ 'cdn.example.com': [address] });
		await expect(check(ctx, 'https://cdn.example.com/x.mp4')).rejects.toThrow(`Refused to download the video from cdn.example.com: it resolves to ${address}, a private, loopback or link-local address`);
	});

	test("the admin's blocked host names apply (N8N_SSRF_BLOCKED_HOSTNAMES)", async () => {
		const { ctx } = n8nWithEgressFilter({ 'fal.media': ['104.18.2.3'] }, { blockedHostnames: ['fal.media'] });
		await expect(check(ctx, 'https://fal.media/files/monkey/abc.mp4')).rejects.toThrow("fal.media: n8n's SSRF rules block this host name");
	});

	test('a name that does not resolve here is left to the request (a proxy resolves it, or the request fails)', async () => {
		const { ctx, resolver } = n8nWithEgressFilter({});
		await expect(check(ctx, 'https://fal.media/files/monkey/abc.mp4')).resolves.toBeUndefined();
		expect(resolver.asked).toEqual(['fal.media']);
	});

	test('trusted hosts (the API Host, listed mirrors) and IP literals are not resolved', async () => {
		const { ctx, resolver } = n8nWithEgressFilter({ 'mirror.corp.example': ['10.0.0.5'] });
		await expect(check(ctx, 'http://mirror.corp.example/x.mp4', ['mirror.corp.example'])).resolves.toBeUndefined();
		await expect(check(ctx, 'http://proxy.corp.example/x.mp4', [], 'http://proxy.corp.example')).resolves.toBeUndefined();
		await expect(check(ctx, 'https://104.18.2.3/x.mp4')).resolves.toBeUndefined();
		await expect(check(ctx, 'https://[2606:4700::1]/x.mp4')).resolves.toBeUndefined();
		expect(resolver.asked).toEqual([]);
		await expect(check(ctx, 'http://mirror.corp.example/x.mp4')).rejects.toThrow(/it resolves to 10\.0\.0\.5/);
	});

	test('on an n8n without the egress filter (1.x) the name as written is all that is judged', async () => {
		await expect(check(n8nWithoutFilter, 'https://rebind.example.com/x.mp4')).resolves.toBeUndefined();
		expect(() => checkDownloadUrl('http://[::ffff:169.254.169.254]/x', { extraHosts: [] })).toThrow(/private/);
	});
});
