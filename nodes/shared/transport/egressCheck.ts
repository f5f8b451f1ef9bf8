/**
 * The addresses a download's host name resolves to, checked before the download. n8n 2.x gives
 * nodes its egress filter (`helpers.getSecureEgressFilter`, @n8n/backend-network): its secure
 * lookup resolves the name and applies the instance's SSRF rules (blocked and allowed ranges and
 * host names, N8N_SSRF_*), which we ask for even where the admin left SSRF protection off
 * ('enforced'), and we refuse any resolved address isPrivateHost refuses. Older n8n has no filter:
 * there only the host as written is judged (downloadPolicy.ts). A name that does not resolve here
 * is left to the request: behind HTTP(S)_PROXY the proxy resolves it, and without one the request
 * fails by itself.
 */
import type { IExecuteFunctions, IWebhookFunctions } from 'n8n-workflow';

import { DownloadRefusedError, PRIVATE_ADDRESS_REFUSAL, type CheckedDownload } from './downloadPolicy';
import { isPrivateHost } from './privateAddress';

interface ResolvedAddress {
	address: string;
}

type SecureLookup = (hostname: string, options: { all: true }, callback: (error: Error | null, addresses: ResolvedAddress[]) => void) => void;

interface EgressFilter {
	createSecureLookup(): SecureLookup;
}

interface EgressHelpers {
	getSecureEgressFilter?: (useDefaultSsrfPolicy?: 'safe' | 'enforced' | 'unsafe') => EgressFilter;
}

type Resolution = { addresses: string[] } | { blocked: Error } | { unresolved: Error };

/** n8n's filter refuses with SsrfBlockedIpError or SsrfBlockedHostnameError; anything else is DNS. */
function isEgressRefusal(error: Error): boolean {
	return /^SsrfBlocked/.test(error.name);
}

/** n8n's refusal in a few words: which address its SSRF rules block (their `extra.ip`), or the name. */
function describeRefusal(error: Error): string {
	const ip = (error as Error & { extra?: { ip?: unknown } }).extra?.ip;
	if (typeof ip === 'string') return `it resolves to ${ip}, which n8n's SSRF rules block (N8N_SSRF_BLOCKED_IP_RANGES)`;
	if (error.name === 'SsrfBlockedHostnameError') return "n8n's SSRF rules block this host name (N8N_SSRF_BLOCKED_HOSTNAMES)";
	return `n8n's SSRF rules block it: ${error.message}`;
}

async function resolveThroughFilter(filter: EgressFilter, host: string): Promise<Resolution> {
	const lookup = filter.createSecureLookup();
	return await new Promise<Resolution>((resolve) => {
		try {
			lookup(host, { all: true }, (error, addresses) => {
				if (error) resolve(isEgressRefusal(error) ? { blocked: error } : { unresolved: error });
				else resolve({ addresses: (Array.isArray(addresses) ? addresses : []).map((entry) => entry.address) });
			});
		} catch (error) {
			const failure = error instanceof Error ? error : new Error(String(error));
			resolve(isEgressRefusal(failure) ? { blocked: failure } : { unresolved: failure });
		}
	});
}

/** The running n8n's egress filter under its enforced policy, or undefined on n8n without one. */
function egressFilterOf(ctx: IExecuteFunctions | IWebhookFunctions): EgressFilter | undefined {
	const helpers = ctx.helpers as unknown as EgressHelpers;
	if (typeof helpers.getSecureEgressFilter !== 'function') return undefined;
	try {
		return helpers.getSecureEgressFilter('enforced');
	} catch {
		return undefined;
	}
}

/**
 * Throws DownloadRefusedError when the download's host resolves to an address n8n's egress rules
 * or isPrivateHost refuse. Trusted hosts (the API Host, listed hosts) and IP literals (already
 * judged by checkDownloadUrl) are not resolved.
 */
export async function checkResolvedAddresses(ctx: IExecuteFunctions | IWebhookFunctions, checked: CheckedDownload): Promise<void> {
	const host = checked.host.replace(/^\[|\]$/g, '');
	if (checked.trusted || /^[\d.]+$/.test(host) || host.includes(':')) return;
	const filter = egressFilterOf(ctx);
	if (!filter) return;
	const resolution = await resolveThroughFilter(filter, host);
	if ('blocked' in resolution) throw new DownloadRefusedError(checked.host, describeRefusal(resolution.blocked));
	if ('unresolved' in resolution) return;
	const privateAddress = resolution.addresses.find((address) => isPrivateHost(address));
	if (privateAddress !== undefined) throw new DownloadRefusedError(checked.host, `it resolves to ${privateAddress}, ${PRIVATE_ADDRESS_REFUSAL}`);
}
