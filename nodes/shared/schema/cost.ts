import { RESOLUTION_PIXELS, type Duration, type Resolution, type Variant } from './family';

/** fal's token formula: tokens = height × width × seconds × 24 / 1024 [P, every Seedance 2.0 page]. */
const TOKEN_FRAMES_PER_SECOND = 24;
const TOKEN_PIXEL_DIVISOR = 1024;
/** Reference-to-video with any video input: price × 0.6 [P std and fast R2V pages; mini [U]]. */
export const VIDEO_INPUT_PRICE_FACTOR = 0.6;

export function estimateTokens(resolution: Resolution, seconds: number): number {
	const { width, height } = RESOLUTION_PIXELS[resolution];
	return (height * width * seconds * TOKEN_FRAMES_PER_SECOND) / TOKEN_PIXEL_DIVISOR;
}

/** USD per 1000 tokens of a variant at a resolution (standard 4k is billed lower than 1080p [OA/REG]). */
export function tokenPriceUsd(variant: Variant, resolution: Resolution): number {
	return variant.usdPer1000TokensAt?.[resolution] ?? variant.usdPer1000Tokens;
}

export interface CostInput {
	resolution: Resolution;
	duration: Duration;
}

/** Reference videos of a reference-to-video request; `seconds` undefined when one could not be read. */
export interface VideoInputs {
	count: number;
	seconds?: number;
}

/**
 * Estimated price in USD, or undefined when it cannot be known before fal runs: the duration is
 * "auto", or a reference video's length could not be read. For reference-to-video the input videos'
 * seconds are billed with the output's and, with any video input, the price is × 0.6 [P].
 */
export function estimateCostUsd(variant: Variant, input: CostInput, videos: VideoInputs = { count: 0, seconds: 0 }): number | undefined {
	if (input.duration === 'auto') return undefined;
	let seconds = Number(input.duration);
	let factor = 1;
	if (variant.kind === 'reference-to-video' && videos.count > 0) {
		if (videos.seconds === undefined) return undefined;
		seconds += videos.seconds;
		factor = VIDEO_INPUT_PRICE_FACTOR;
	}
	const usd = (estimateTokens(input.resolution, seconds) / 1000) * tokenPriceUsd(variant, input.resolution) * factor;
	return Math.round(usd * 10000) / 10000;
}

/** USD per second of output at a resolution (reference-to-video with video inputs: × 0.6), to 4 decimals. */
export function usdPerSecond(variant: Variant, resolution: Resolution, withVideoInputs = false): number {
	const factor = withVideoInputs && variant.kind === 'reference-to-video' ? VIDEO_INPUT_PRICE_FACTOR : 1;
	return Math.round((estimateTokens(resolution, 1) / 1000) * tokenPriceUsd(variant, resolution) * factor * 10000) / 10000;
}

/** fal's per-second quote at 720p (1280×720), e.g. $0.2419 for fast. */
export function usdPerSecondAt720p(variant: Variant, withVideoInputs = false): number {
	return usdPerSecond(variant, '720p', withVideoInputs);
}
