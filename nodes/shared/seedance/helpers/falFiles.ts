/**
 * A request's files at fal, after the generation: private outputs read through signed URLs, and
 * "Delete at fal after download". Signed URLs and the delete are minted or sent with the
 * credential's key, to fal's API host only; the CDN is always fetched without it.
 */
import type { IDataObject } from 'n8n-workflow';

import { FalApiError, type FalPlatform, type SignedUrl } from '../../transport';

/** A signed URL the node mints only to download at once. */
export const DOWNLOAD_SIGNATURE_SECONDS = 15 * 60;
export const DEFAULT_SIGNED_LINK_SECONDS = 24 * 60 * 60;

/** How the node reaches a request's files at fal: the Platform API, and what the user chose. */
export interface FalFileAccess {
	platform: FalPlatform;
	/** The outputs were made private: sign before downloading, and sign the URL Return URL Only gives. */
	privateFiles?: boolean;
	/** Lifetime of the signed link Return URL Only returns. */
	signedLinkSeconds?: number;
}

/** fal's CDN (`fal.media`, `v3b.fal.media`…) or the API Host (a stand-in or proxy serving fal's files). */
export function isFalCdnHost(host: string, apiHost: string | undefined): boolean {
	const name = host.toLowerCase();
	if (name === 'fal.media' || name.endsWith('.fal.media')) return true;
	if (!apiHost || !URL.canParse(apiHost)) return false;
	return new URL(apiHost).hostname.toLowerCase() === name;
}

export class SigningRefusedError extends Error {
	constructor(
		readonly host: string,
		readonly cause: unknown,
	) {
		const status = cause instanceof FalApiError ? cause.status : undefined;
		const lacks = status === 401 || status === 403 ? ": the Fal API key needs the assets:read permission to sign links to private files" : '';
		super(`The video on ${host} is private, and fal did not sign a link to it${status ? ` (HTTP ${status})` : ''}${lacks}`);
		this.name = 'SigningRefusedError';
	}
}

export async function signOrExplain(access: FalFileAccess, fileUrl: string, seconds: number, abortSignal?: AbortSignal): Promise<SignedUrl> {
	const outcome = await access.platform.signFileUrl(fileUrl, seconds, { abortSignal }).then(
		(signed) => ({ signed }),
		(error: unknown) => ({ error }),
	);
	if ('signed' in outcome) return outcome.signed;
	// A stop is a stop, not a refusal to sign.
	if (abortSignal?.aborted && outcome.error instanceof Error) return await Promise.reject(outcome.error);
	return await Promise.reject(new SigningRefusedError(new URL(fileUrl).hostname, outcome.error));
}

/**
 * "Delete at fal after download": fal's answer as the item reports it. A refusal is reported,
 * with what the key lacks, never dropped: the video is already in n8n, so the item keeps it.
 */
export async function deleteAtFal(platform: FalPlatform, requestId: string, abortSignal?: AbortSignal): Promise<IDataObject> {
	try {
		const files = await platform.deleteRequestPayloads(requestId, { abortSignal });
		const failed = files.filter((file) => file.error !== null);
		return {
			deleted: failed.length === 0,
			payloads: 'deleted',
			outputFiles: files.map((file) => ({ url: file.link, deleted: file.error === null, ...(file.error !== null ? { error: file.error } : {}) })),
			note: 'Input files uploaded for this request are not deleted by fal (other requests may use them).',
		};
	} catch (error) {
		const status = error instanceof FalApiError ? error.status : undefined;
		const reason =
			status === 401 || status === 403
				? "fal refused: deleting a request's payloads and files needs an ADMIN Fal API key, and this key is not one"
				: `fal did not delete them${status ? ` (HTTP ${status})` : ''}: ${error instanceof Error ? error.message : String(error)}`;
		return { deleted: false, error: reason, ...(status ? { httpStatus: status } : {}) };
	}
}
