/**
 * The two Platform API calls about a request's files (fal docs, Platform APIs for Storage and
 * Models → Requests):
 * - `POST /v1/storage/files/sign?url=<file URL without query>` with `{"expiration_seconds": N}`
 *   (1 s to 7 days; the key needs `assets:read`) answers a URL anyone can read until it expires,
 *   whatever the file's ACL;
 * - `DELETE /v1/models/requests/{request_id}/payloads` (an ADMIN key) deletes the request's input
 *   and output JSON and its output files on the CDN (not its input files), answering
 *   `{"cdn_delete_results": [{"link", "exception"}]}`.
 * Both carry the key to fal's API host only; the signed URL is then fetched without it.
 */
import type { FalHosts } from './hosts';
import { platformUrl } from './platform';
import type { SendFalRequest } from './request';
import { DEFAULT_RETRY, withRetries } from './retry';

/** fal's limit for a signed URL's lifetime. */
export const MAX_SIGNED_URL_SECONDS = 7 * 24 * 60 * 60;
const PLATFORM_TIMEOUT_MS = 30_000;

export interface SignedUrl {
	url: string;
	/** ISO time the signature stops working (computed from the lifetime asked for). */
	expiresAt: string;
}

export interface DeletedFile {
	link: string;
	/** fal's reason when this file could not be deleted, else null. */
	error: string | null;
}

export interface FalPlatform {
	signFileUrl(fileUrl: string, expiresInSeconds: number, options?: { abortSignal?: AbortSignal }): Promise<SignedUrl>;
	deleteRequestPayloads(requestId: string, options?: { abortSignal?: AbortSignal }): Promise<DeletedFile[]>;
}

interface SignAnswer {
	signed_url?: unknown;
	url?: unknown;
}

interface DeleteAnswer {
	cdn_delete_results?: Array<{ link?: unknown; exception?: unknown }>;
}

/** The file URL as fal's sign endpoint takes it: no query (a signed URL's own is dropped). */
export function unsignedFileUrl(fileUrl: string): string {
	const url = new URL(fileUrl);
	url.search = '';
	url.hash = '';
	return url.toString();
}

export function createPlatform(send: SendFalRequest, hosts: FalHosts, signalFor: (own?: AbortSignal) => AbortSignal | undefined): FalPlatform {
	return {
		async signFileUrl(fileUrl, expiresInSeconds, options) {
			const seconds = Math.min(MAX_SIGNED_URL_SECONDS, Math.max(1, Math.floor(expiresInSeconds)));
			const signal = signalFor(options?.abortSignal);
			const url = `${platformUrl(hosts, '/storage/files/sign')}?${new URLSearchParams({ url: unsignedFileUrl(fileUrl) }).toString()}`;
			const askedAt = Date.now();
			const response = await withRetries(
				async () => await send<SignAnswer>({ method: 'POST', url, body: { expiration_seconds: seconds }, authenticated: true, abortSignal: signal, timeoutMs: PLATFORM_TIMEOUT_MS }),
				DEFAULT_RETRY,
				signal,
			);
			// fal's reference names the field `signed_url`; `url` is accepted too, in case it is renamed.
			const signed = response.body?.signed_url ?? response.body?.url;
			if (typeof signed !== 'string' || !URL.canParse(signed)) throw new Error(`fal's sign endpoint answered no signed URL: ${JSON.stringify(response.body).slice(0, 200)}`);
			return { url: signed, expiresAt: new Date(askedAt + seconds * 1000).toISOString() };
		},

		async deleteRequestPayloads(requestId, options) {
			const signal = signalFor(options?.abortSignal);
			const url = platformUrl(hosts, `/models/requests/${encodeURIComponent(requestId)}/payloads`);
			// The same key on a retry: fal answers a repeated delete from its 10-minute cache.
			const headers = { 'Idempotency-Key': `seedance-delete-${requestId}` };
			const response = await withRetries(
				async () => await send<DeleteAnswer>({ method: 'DELETE', url, headers, authenticated: true, abortSignal: signal, timeoutMs: PLATFORM_TIMEOUT_MS }),
				DEFAULT_RETRY,
				signal,
			);
			const results = Array.isArray(response.body?.cdn_delete_results) ? response.body.cdn_delete_results : [];
			return results.map((entry) => ({ link: String(entry.link ?? ''), error: entry.exception === null || entry.exception === undefined ? null : String(entry.exception) }));
		},
	};
}
