import type { IBinaryData, IDataObject, IExecuteFunctions, IHttpRequestOptions, INodeExecutionData, IWebhookFunctions } from 'n8n-workflow';

import type { SeedanceOutput } from '../model';

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

/**
 * Streams the video into n8n's binary data store. In the default filesystem mode the bytes go
 * straight to disk, so a large video never sits whole in memory.
 */
export async function downloadVideo(
	ctx: IExecuteFunctions | IWebhookFunctions,
	url: string,
	fileName: string,
	abortSignal?: AbortSignal,
): Promise<IBinaryData> {
	const request: IHttpRequestOptions = { method: 'GET', url, encoding: 'stream', returnFullResponse: true, abortSignal };
	const response = (await ctx.helpers.httpRequest(request)) as StreamResponse;
	const contentType = String(response.headers['content-type'] ?? '').split(';')[0].trim();
	const mimeType = contentType.startsWith('video/') ? contentType : VIDEO_MIME_TYPE;
	return await ctx.helpers.prepareBinaryData(response.body, fileName, mimeType);
}

export interface VideoOutputOptions {
	binaryPropertyName: string;
	fileName?: string;
	returnUrlOnly: boolean;
}

/** A finished generation as an output item: its JSON, plus the video unless only the URL is wanted. */
export async function videoOutputItem(
	ctx: IExecuteFunctions | IWebhookFunctions,
	json: IDataObject,
	output: SeedanceOutput,
	requestId: string,
	itemIndex: number,
	options: VideoOutputOptions,
	abortSignal?: AbortSignal,
): Promise<INodeExecutionData> {
	const pairedItem = { item: itemIndex };
	if (options.returnUrlOnly) return { json, pairedItem };
	const binary = await downloadVideo(ctx, output.video.url, videoFileName(requestId, options.fileName), abortSignal);
	// The JSON names the file the item carries, not the name fal gave it on its CDN.
	const video = typeof json.video === 'object' && json.video !== null ? (json.video as IDataObject) : {};
	return { json: { ...json, video: { ...video, fileName: binary.fileName } }, binary: { [options.binaryPropertyName]: binary }, pairedItem };
}
