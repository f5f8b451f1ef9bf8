import type { IBinaryData, IDataObject, IExecuteFunctions, IHttpRequestOptions, INodeExecutionData, IWebhookFunctions } from 'n8n-workflow';

import type { SeedanceOutput } from '../../schema';
import { DOWNLOAD_TIMEOUT_MS } from '../../transport/timeouts';
import { checkDownloadUrl, DownloadRefusedError, type DownloadPolicy } from '../../transport/downloadPolicy';
import { checkResolvedAddresses } from '../../transport/egressCheck';
import { VideoDownloadError } from './errors';
import { deleteAtFal, DEFAULT_SIGNED_LINK_SECONDS, DOWNLOAD_SIGNATURE_SECONDS, isFalCdnHost, signOrExplain, type FalFileAccess } from './falFiles';

export const VIDEO_MIME_TYPE = 'video/mp4';

type BinarySource = Parameters<IExecuteFunctions['helpers']['prepareBinaryData']>[0];

interface StreamResponse {
	body: BinarySource;
	headers: Record<string, string | string[] | undefined>;
}

/** A real file name: the user's, else one that says what it is and which request made it. */
export function videoFileName(requestId: string, userFileName?: string): string {
	const name = userFileName?.trim() || `seedance-${requestId}`;
	return /\.[a-z0-9]{2,4}$/i.test(name) ? name : `${name}.mp4`;
}

function httpStatusOf(error: unknown): number | undefined {
	if (typeof error !== 'object' || error === null) return undefined;
	const candidate = error as { response?: { status?: unknown }; status?: unknown; httpCode?: unknown };
	const status = candidate.response?.status ?? candidate.status ?? candidate.httpCode;
	const number = typeof status === 'string' ? Number(status) : status;
	return typeof number === 'number' && Number.isInteger(number) ? number : undefined;
}

/** The HTTP answer of the video host, or a connection failure, as a VideoDownloadError. */
async function fetchVideo(ctx: IExecuteFunctions | IWebhookFunctions, url: string, abortSignal?: AbortSignal): Promise<StreamResponse> {
	const host = new URL(url).hostname;
	// No redirects: the address check covered this URL, not wherever a redirect would lead.
	const request: IHttpRequestOptions = { method: 'GET', url, encoding: 'stream', returnFullResponse: true, disableFollowRedirect: true, abortSignal, timeout: DOWNLOAD_TIMEOUT_MS };
	const outcome = await ctx.helpers.httpRequest(request).then(
		(response: unknown) => ({ response: response as StreamResponse & { statusCode?: number } }),
		(error: unknown) => ({ error }),
	);
	if ('error' in outcome) {
		const { error } = outcome;
		if (abortSignal?.aborted) throw error instanceof Error ? error : new VideoDownloadError(host, undefined, 'the execution was stopped');
		throw new VideoDownloadError(host, httpStatusOf(error), error instanceof Error ? error.message : String(error));
	}
	const { response } = outcome;
	if (typeof response.statusCode === 'number' && response.statusCode >= 300) throw new VideoDownloadError(host, response.statusCode);
	return response;
}

/** Checks the URL (downloadPolicy, then the addresses its name resolves to) and fetches it. */
async function fetchChecked(ctx: IExecuteFunctions | IWebhookFunctions, url: string, policy: DownloadPolicy, abortSignal?: AbortSignal): Promise<StreamResponse> {
	await checkResolvedAddresses(ctx, checkDownloadUrl(url, policy));
	return await fetchVideo(ctx, url, abortSignal);
}

/**
 * Streams the video into n8n's binary data store. In the default filesystem mode the bytes go
 * straight to disk, so a large video never sits whole in memory. `url` must come from fal's answer
 * to our own authenticated request: any public host is fetched, private addresses only when the
 * policy trusts the host (refused: DownloadRefusedError); a failing host gives a VideoDownloadError.
 * With `access`, a private output is read through a signed URL, and so is any file on fal's CDN
 * that answers 403 (an account whose files are private by default); the key goes only to fal's
 * API, never to the CDN.
 */
export async function downloadVideo(
	ctx: IExecuteFunctions | IWebhookFunctions,
	url: string,
	fileName: string,
	policy: DownloadPolicy,
	abortSignal?: AbortSignal,
	access?: FalFileAccess,
): Promise<IBinaryData> {
	let response: StreamResponse;
	if (access?.privateFiles) {
		const signed = await signOrExplain(access, url, DOWNLOAD_SIGNATURE_SECONDS, abortSignal);
		response = await fetchChecked(ctx, signed.url, policy, abortSignal);
	} else {
		const outcome = await fetchChecked(ctx, url, policy, abortSignal).then(
			(answer) => ({ answer }),
			(error: unknown) => ({ error }),
		);
		if ('answer' in outcome) {
			response = outcome.answer;
		} else {
			const { error } = outcome;
			const forbiddenOnFal = error instanceof VideoDownloadError && error.status === 403 && isFalCdnHost(error.host, policy.apiHost);
			if (!forbiddenOnFal || !access) return await Promise.reject(error);
			const signed = await signOrExplain(access, url, DOWNLOAD_SIGNATURE_SECONDS, abortSignal);
			response = await fetchChecked(ctx, signed.url, policy, abortSignal);
		}
	}
	const contentType = String(response.headers['content-type'] ?? '').split(';')[0].trim();
	const mimeType = contentType.startsWith('video/') ? contentType : VIDEO_MIME_TYPE;
	return await ctx.helpers.prepareBinaryData(response.body, fileName, mimeType);
}

export interface VideoOutputOptions {
	binaryPropertyName: string;
	fileName?: string;
	returnUrlOnly: boolean;
	/** Output Files → Private: read through signed URLs; Return URL Only gives a signed link. */
	privateOutputs?: boolean;
	/** Lifetime of the signed link Return URL Only gives for a private output. */
	signedLinkSeconds?: number;
	/** Delete at fal After Download: the request's payloads and output files, once the video is in n8n. */
	deleteAfterDownload?: boolean;
}

/** The listed extra hosts and the credential's API Host (a stand-in or proxy): trusted on private addresses. */
export async function downloadPolicyOf(ctx: IExecuteFunctions | IWebhookFunctions, extraHosts: readonly string[]): Promise<DownloadPolicy> {
	const credentials = (await ctx.getCredentials('falApi')) as { apiHost?: unknown };
	const apiHost = typeof credentials.apiHost === 'string' && credentials.apiHost.trim() !== '' ? credentials.apiHost.trim() : undefined;
	return { extraHosts, apiHost };
}

export { DownloadRefusedError };

/** A finished generation as an output item: its JSON, plus the video unless only the URL is wanted. */
export async function videoOutputItem(
	ctx: IExecuteFunctions | IWebhookFunctions,
	json: IDataObject,
	output: SeedanceOutput,
	requestId: string,
	itemIndex: number,
	options: VideoOutputOptions,
	policy: DownloadPolicy,
	abortSignal?: AbortSignal,
	platform?: FalFileAccess['platform'],
): Promise<INodeExecutionData> {
	const pairedItem = { item: itemIndex };
	const video = typeof json.video === 'object' && json.video !== null ? (json.video as IDataObject) : {};
	const access: FalFileAccess | undefined = platform ? { platform, privateFiles: options.privateOutputs, signedLinkSeconds: options.signedLinkSeconds } : undefined;
	if (options.returnUrlOnly) {
		const kept: IDataObject = options.deleteAfterDownload ? { deletedAtFal: { deleted: false, error: 'Not deleted: Return URL Only is on, so nothing was downloaded and the file stays at fal for you to fetch.' } } : {};
		if (!access?.privateFiles) return { json: { ...json, ...kept }, pairedItem };
		const signed = await signOrExplain(access, output.video.url, options.signedLinkSeconds ?? DEFAULT_SIGNED_LINK_SECONDS, abortSignal);
		const signedVideo = { ...video, url: signed.url, fileUrl: output.video.url, signedUrlExpiresAt: signed.expiresAt };
		return { json: { ...json, video: signedVideo, ...kept }, pairedItem };
	}
	const binary = await downloadVideo(ctx, output.video.url, videoFileName(requestId, options.fileName), policy, abortSignal, access);
	// The JSON names the file the item carries, not the name fal gave it on its CDN.
	const item: IDataObject = { ...json, video: { ...video, fileName: binary.fileName } };
	if (options.deleteAfterDownload && platform) item.deletedAtFal = await deleteAtFal(platform, requestId, abortSignal);
	return { json: item, binary: { [options.binaryPropertyName]: binary }, pairedItem };
}
