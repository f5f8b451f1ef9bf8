import type { IBinaryData, IDataObject, IExecuteFunctions, IHttpRequestOptions, INodeExecutionData, IWebhookFunctions } from 'n8n-workflow';

import type { SeedanceOutput } from '../../schema';
import { DOWNLOAD_TIMEOUT_MS } from '../../transport/timeouts';
import { checkDownloadUrl, DownloadRefusedError, type DownloadPolicy } from '../../transport/downloadPolicy';
import { checkResolvedAddresses } from '../../transport/egressCheck';
import { VideoDownloadError } from './errors';

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

/**
 * Streams the video into n8n's binary data store. In the default filesystem mode the bytes go
 * straight to disk, so a large video never sits whole in memory. `url` must come from fal's answer
 * to our own authenticated request: any public host is fetched, private addresses only when the
 * policy trusts the host (refused: DownloadRefusedError); a failing host gives a VideoDownloadError.
 */
export async function downloadVideo(
	ctx: IExecuteFunctions | IWebhookFunctions,
	url: string,
	fileName: string,
	policy: DownloadPolicy,
	abortSignal?: AbortSignal,
): Promise<IBinaryData> {
	await checkResolvedAddresses(ctx, checkDownloadUrl(url, policy));
	const response = await fetchVideo(ctx, url, abortSignal);
	const contentType = String(response.headers['content-type'] ?? '').split(';')[0].trim();
	const mimeType = contentType.startsWith('video/') ? contentType : VIDEO_MIME_TYPE;
	return await ctx.helpers.prepareBinaryData(response.body, fileName, mimeType);
}

export interface VideoOutputOptions {
	binaryPropertyName: string;
	fileName?: string;
	returnUrlOnly: boolean;
}

/** The listed extra hosts and the credential's API Host (a stand-in or proxy): trusted on private addresses. */
export async function downloadPolicyOf(ctx: IExecuteFunctions | IWebhookFunctions, extraHosts: readonly string[]): Promise<DownloadPolicy> {
	const credentials = (await ctx.getCredentials('falApi')) as { apiHost?: unknown };
	const apiHost = typeof credentials.apiHost === 'string' && credentials.apiHost.trim() !== '' ? credentials.apiHost.trim() : undefined;
	return { extraHosts, apiHost };
}

/** A finished generation as an output item: its JSON, plus the video unless only the URL is wanted. */
export { DownloadRefusedError };

export async function videoOutputItem(
	ctx: IExecuteFunctions | IWebhookFunctions,
	json: IDataObject,
	output: SeedanceOutput,
	requestId: string,
	itemIndex: number,
	options: VideoOutputOptions,
	policy: DownloadPolicy,
	abortSignal?: AbortSignal,
): Promise<INodeExecutionData> {
	const pairedItem = { item: itemIndex };
	if (options.returnUrlOnly) return { json, pairedItem };
	const binary = await downloadVideo(ctx, output.video.url, videoFileName(requestId, options.fileName), policy, abortSignal);
	// The JSON names the file the item carries, not the name fal gave it on its CDN.
	const video = typeof json.video === 'object' && json.video !== null ? (json.video as IDataObject) : {};
	return { json: { ...json, video: { ...video, fileName: binary.fileName } }, binary: { [options.binaryPropertyName]: binary }, pairedItem };
}
