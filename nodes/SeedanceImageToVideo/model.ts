/**
 * Seedance 2.0 image-to-video on fal, written down once. The node's fields, the validation, the
 * request body, the README's field table and the cost estimate are all derived from this module.
 * Source: fal's model page (shared/seed) and the fal-js endpoint types (shared/docs/fal-protocol.md §4).
 */

export type TierId = 'fast' | 'standard' | 'mini';
export type Resolution = '480p' | '720p' | '1080p' | '4k';

export interface Tier {
	id: TierId;
	label: string;
	endpoint: string;
	description: string;
	resolutions: readonly Resolution[];
	/** `bitrate_mode` exists on standard and fast only. */
	hasBitrateMode: boolean;
	usdPer1000Tokens: number;
}

export const TIERS: readonly Tier[] = [
	{
		id: 'fast',
		label: 'Fast',
		endpoint: 'bytedance/seedance-2.0/fast/image-to-video',
		description: 'Lower latency and price ($0.2419 per second of 720p), same quality',
		resolutions: ['480p', '720p'],
		hasBitrateMode: true,
		usdPer1000Tokens: 0.0112,
	},
	{
		id: 'standard',
		label: 'Standard',
		endpoint: 'bytedance/seedance-2.0/image-to-video',
		description: 'Offers 1080p and 4K ($0.3024 per second of 720p)',
		resolutions: ['480p', '720p', '1080p', '4k'],
		hasBitrateMode: true,
		usdPer1000Tokens: 0.014,
	},
	{
		id: 'mini',
		label: 'Mini',
		endpoint: 'bytedance/seedance-2.0/mini/image-to-video',
		description: 'Cheapest tier ($0.1512 per second of 720p), no bitrate mode',
		resolutions: ['480p', '720p'],
		hasBitrateMode: false,
		usdPer1000Tokens: 0.007,
	},
];

export const DEFAULT_TIER: TierId = 'fast';

/** Output size per resolution at 16:9; other aspect ratios keep roughly the same pixel count. */
export const RESOLUTION_PIXELS: Record<Resolution, { width: number; height: number }> = {
	'480p': { width: 854, height: 480 },
	'720p': { width: 1280, height: 720 },
	'1080p': { width: 1920, height: 1080 },
	'4k': { width: 3840, height: 2160 },
};

export const DURATIONS = ['auto', '4', '5', '6', '7', '8', '9', '10', '11', '12', '13', '14', '15'] as const;
export const ASPECT_RATIOS = ['auto', '21:9', '16:9', '4:3', '1:1', '3:4', '9:16'] as const;
export const BITRATE_MODES = ['standard', 'high'] as const;

export const DEFAULTS = {
	resolution: '720p' as Resolution,
	duration: 'auto',
	aspectRatio: 'auto',
	generateAudio: true,
	bitrateMode: 'standard',
} as const;

/** fal's limit on an input image (model page: "JPEG, PNG, WebP, max 30 MB"). */
export const FAL_MAX_IMAGE_BYTES = 30 * 1024 * 1024;
export const ACCEPTED_IMAGE_TYPES = ['jpg', 'jpeg', 'png', 'webp', 'gif', 'avif'] as const;

/** Frames per second in fal's token formula: tokens = height × width × duration × 24 / 1024. */
const TOKEN_FRAMES_PER_SECOND = 24;
const TOKEN_PIXEL_DIVISOR = 1024;

/**
 * The request body fields, keyed by fal's name, with the label the node shows for each.
 * Error messages that name a fal field (a 422 `loc`) use this to name the node's field instead.
 */
export const FAL_FIELD_LABELS: Record<string, string> = {
	prompt: 'Prompt',
	image_url: 'Start Image',
	end_image_url: 'End Image',
	resolution: 'Resolution',
	duration: 'Duration',
	aspect_ratio: 'Aspect Ratio',
	generate_audio: 'Generate Audio',
	seed: 'Seed',
	end_user_id: 'End User ID',
	bitrate_mode: 'Bitrate Mode',
};

/** The model input as fal expects it (duration is a string, as the API wants). */
export interface SeedanceInput {
	prompt: string;
	image_url: string;
	end_image_url?: string;
	resolution: Resolution;
	duration: (typeof DURATIONS)[number];
	aspect_ratio: (typeof ASPECT_RATIOS)[number];
	generate_audio: boolean;
	seed?: number;
	end_user_id?: string;
	bitrate_mode?: (typeof BITRATE_MODES)[number];
}

/** What fal returns for a finished generation. */
export interface SeedanceOutput {
	video: { url: string; content_type?: string; file_name?: string; file_size?: number };
	seed?: number;
}

export function getTier(id: string): Tier {
	const tier = TIERS.find((candidate) => candidate.id === id);
	if (!tier) throw new Error(`Unknown model tier "${id}". Choose one of: ${TIERS.map((t) => t.label).join(', ')}`);
	return tier;
}

export function findTierByEndpoint(endpoint: string): Tier | undefined {
	return TIERS.find((tier) => tier.endpoint === endpoint);
}

export function estimateTokens(resolution: Resolution, durationSeconds: number): number {
	const { width, height } = RESOLUTION_PIXELS[resolution];
	return (height * width * durationSeconds * TOKEN_FRAMES_PER_SECOND) / TOKEN_PIXEL_DIVISOR;
}

/** Estimated price in USD, or undefined while the duration is "auto" (fal picks it). */
export function estimateCostUsd(tier: Tier, input: Pick<SeedanceInput, 'resolution' | 'duration'>): number | undefined {
	if (input.duration === 'auto') return undefined;
	const tokens = estimateTokens(input.resolution, Number(input.duration));
	return Math.round(((tokens / 1000) * tier.usdPer1000Tokens) * 10000) / 10000;
}
