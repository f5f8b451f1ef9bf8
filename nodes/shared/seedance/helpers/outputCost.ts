/**
 * The estimate of a finished video when the request's parameters are not known (Get Result): from
 * the video fal returned, its length and frame size read from its metadata boxes in n8n's binary
 * store (never the whole file), at the price in force. The resolution is the schema's whose short
 * side is nearest the frame's (fal returns e.g. 864×496 for 720p), as fal bills the requested one.
 */
import type { IBinaryData, IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { mp4DurationSeconds } from '../../media/duration';
import { mp4FrameSize } from '../../media/frameSize';
import { readIsoMetadata } from '../../media/readNeeded';
import { RESOLUTION_PIXELS, type Duration, type Resolution, type Variant } from '../../schema';
import type { FalTransport } from '../../transport';
import { describeCost, estimateItemCost } from './costEstimate';
import { tokenPricesFor } from './prices';

function nearestResolution(width: number, height: number): Resolution {
	const short = Math.min(width, height);
	const entries = Object.entries(RESOLUTION_PIXELS) as Array<[Resolution, { width: number; height: number }]>;
	return entries.reduce((best, entry) => (Math.abs(entry[1].height - short) < Math.abs(best[1].height - short) ? entry : best))[0];
}

async function metadataOf(ctx: IExecuteFunctions, binary: IBinaryData): Promise<Buffer | undefined> {
	if (!binary.id) return binary.data ? Buffer.from(binary.data, 'base64') : undefined;
	const { fileSize } = await ctx.helpers.getBinaryMetadata(binary.id);
	const metadata = await readIsoMetadata(await ctx.helpers.getBinaryStream(binary.id), fileSize);
	return metadata.bytes;
}

/** `estimatedCostUsd` and `cost` (with `basis`) for a downloaded video; empty when it cannot be read. */
export async function outputCostFields(ctx: IExecuteFunctions, client: FalTransport, variant: Variant, binary: IBinaryData | undefined, signal?: AbortSignal): Promise<IDataObject> {
	if (!binary) return {};
	const bytes = await metadataOf(ctx, binary);
	const seconds = bytes ? mp4DurationSeconds(bytes) : undefined;
	const frame = bytes ? mp4FrameSize(bytes) : undefined;
	if (seconds === undefined || !frame) return {};
	const resolution = nearestResolution(frame.width, frame.height);
	const rounded = Math.round(seconds * 100) / 100;
	const price = (await tokenPricesFor(client, [variant], signal)).get(variant.endpoint);
	if (!price) return {};
	const cost = estimateItemCost({ variant, resolution, duration: String(rounded) as Duration, videos: { count: 0, seconds: 0 } }, price);
	return {
		estimatedCostUsd: cost.estimatedCostUsd,
		cost: { ...describeCost(cost), basis: `the output video: ${rounded} s at ${frame.width}×${frame.height}, billed as ${resolution}; reference videos, if any, are not known here` },
	};
}
