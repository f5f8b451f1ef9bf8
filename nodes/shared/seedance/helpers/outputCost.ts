/**
 * The estimate of a finished video when the request's parameters are not known (Get Result, the
 * Seedance Trigger): from the video fal returned, its length and frame size read from its metadata
 * boxes in n8n's binary store (never the whole file), at the price in force. The resolution is the
 * schema's whose short side is nearest the frame's (fal returns e.g. 864×496 for 720p), as fal
 * bills the requested one.
 */
import type { IBinaryData, IDataObject, IExecuteFunctions, IWebhookFunctions } from 'n8n-workflow';

import { mp4DurationSeconds } from '../../media/duration';
import { mp4FrameSize } from '../../media/frameSize';
import { readIsoMetadata } from '../../media/readNeeded';
import { modelName, RESOLUTION_PIXELS, VARIANTS, type Duration, type Resolution, type Variant, type VersionFacts } from '../../schema';
import type { FalTransport } from '../../transport';
import { describeCost, estimateItemCost, type ItemCost } from './costEstimate';
import { tokenPricesFor, type TokenPrice } from './prices';

type BinaryContext = IExecuteFunctions | IWebhookFunctions;

const NO_REFERENCES = 'reference videos, if any, are not known here';

/** What a finished video is billed on, read from its own metadata. */
interface MeasuredVideo {
	seconds: number;
	width: number;
	height: number;
}

function nearestResolution(width: number, height: number, offered: readonly Resolution[]): Resolution {
	const short = Math.min(width, height);
	return offered.reduce((best, resolution) => (Math.abs(RESOLUTION_PIXELS[resolution].height - short) < Math.abs(RESOLUTION_PIXELS[best].height - short) ? resolution : best));
}

async function metadataOf(ctx: BinaryContext, binary: IBinaryData): Promise<Buffer | undefined> {
	if (!binary.id) return binary.data ? Buffer.from(binary.data, 'base64') : undefined;
	const { fileSize } = await ctx.helpers.getBinaryMetadata(binary.id);
	const metadata = await readIsoMetadata(await ctx.helpers.getBinaryStream(binary.id), fileSize);
	return metadata.bytes;
}

async function measure(ctx: BinaryContext, binary: IBinaryData | undefined): Promise<MeasuredVideo | undefined> {
	if (!binary) return undefined;
	const bytes = await metadataOf(ctx, binary);
	const seconds = bytes ? mp4DurationSeconds(bytes) : undefined;
	const frame = bytes ? mp4FrameSize(bytes) : undefined;
	if (seconds === undefined || !frame) return undefined;
	return { seconds: Math.round(seconds * 100) / 100, ...frame };
}

function basisOf(video: MeasuredVideo, resolution: Resolution, also = ''): string {
	return `the output video: ${video.seconds} s at ${video.width}×${video.height}, billed as ${resolution}${also}; ${NO_REFERENCES}`;
}

/** What `variant` bills for the measured video at `resolution`, with no reference videos known. */
function costOfVideo(variant: Variant, resolution: Resolution, video: MeasuredVideo, price: TokenPrice): ItemCost {
	return estimateItemCost({ variant, resolution, duration: String(video.seconds) as Duration, videos: { count: 0, seconds: 0 } }, price);
}

/** `estimatedCostUsd` and `cost` (with `basis`) for a downloaded video; empty when it cannot be read. */
export async function outputCostFields(ctx: BinaryContext, client: FalTransport, variant: Variant, binary: IBinaryData | undefined, signal?: AbortSignal): Promise<IDataObject> {
	const video = await measure(ctx, binary);
	if (!video) return {};
	const resolution = nearestResolution(video.width, video.height, Object.keys(RESOLUTION_PIXELS) as Resolution[]);
	const price = (await tokenPricesFor(client, [variant], signal)).get(variant.endpoint);
	if (!price) return {};
	const cost = costOfVideo(variant, resolution, video, price);
	return { estimatedCostUsd: cost.estimatedCostUsd, cost: { ...describeCost(cost), basis: basisOf(video, resolution) } };
}

/**
 * The cost fields for a video delivered to the Seedance Trigger. fal's callback and its queue name
 * the app (the version) that made it, not the endpoint: a version with one tier (2.5) is priced
 * exactly; in a version with several (2.0) the tiers that offer the measured resolution span a
 * range, whose dearest end the price fields describe, as the budget guard counts a range's top.
 */
export async function deliveredCostFields(ctx: BinaryContext, client: FalTransport, version: VersionFacts, binary: IBinaryData | undefined): Promise<IDataObject> {
	const video = await measure(ctx, binary);
	if (!video) return {};
	const variants = VARIANTS.filter((variant) => variant.version === version.id);
	const offered = [...new Set(variants.flatMap((variant) => variant.resolutions))];
	const resolution = nearestResolution(video.width, video.height, offered);
	const candidates = variants.filter((variant) => variant.resolutions.includes(resolution));
	const prices = await tokenPricesFor(client, candidates);
	const costs: Array<{ variant: Variant; cost: ItemCost }> = [];
	for (const variant of candidates) {
		const price = prices.get(variant.endpoint);
		if (price) costs.push({ variant, cost: costOfVideo(variant, resolution, video, price) });
	}
	if (costs.length === 0) return {};
	costs.sort((a, b) => a.cost.maxUsd - b.cost.maxUsd);
	const cheapest = costs[0];
	const dearest = costs[costs.length - 1];
	if (cheapest.cost.maxUsd === dearest.cost.maxUsd) {
		return { estimatedCostUsd: dearest.cost.estimatedCostUsd, cost: { ...describeCost(dearest.cost), basis: basisOf(video, resolution, ` on ${version.label}`) } };
	}
	const tiers = [...new Set(costs.map(({ variant }) => modelName(variant)))];
	const range: ItemCost = {
		...dearest.cost,
		estimatedCostUsd: undefined,
		minUsd: cheapest.cost.minUsd,
		tokens: { ...dearest.cost.tokens },
		assumptions: [
			`fal's callback names ${version.label} but not its tier: ${tiers.join(', ')} offer ${resolution}, from $${cheapest.cost.minUsd.toFixed(2)} (${modelName(cheapest.variant)}) to $${dearest.cost.maxUsd.toFixed(2)} (${modelName(dearest.variant)}); the prices per second and per 1,000 tokens are ${modelName(dearest.variant)}'s`,
		],
	};
	return { cost: { ...describeCost(range), basis: basisOf(video, resolution, ` on ${version.label}`) } };
}
