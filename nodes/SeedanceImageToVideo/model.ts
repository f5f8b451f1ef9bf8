/**
 * Seedance 2.0 image-to-video: the image-to-video view of the family schema (nodes/shared/schema),
 * which holds the endpoints, fields, limits and prices with their sources. What stays here is the
 * text the node shows for each tier.
 */
import {
	estimateCostUsd as estimateFamilyCost,
	getVariant,
	variantsOf,
	type CostInput,
	type ImageToVideoInput,
	type TierId,
	type Variant,
} from '../shared/schema';

export {
	ACCEPTED_IMAGE_TYPES,
	ASPECT_RATIOS,
	BITRATE_MODES,
	DEFAULT_TIER,
	DEFAULTS,
	DURATIONS,
	FAL_FIELD_LABELS,
	FAL_MAX_IMAGE_BYTES,
	RESOLUTION_PIXELS,
	estimateTokens,
	type Resolution,
	type SeedanceOutput,
	type TierId,
} from '../shared/schema';

export interface Tier extends Variant {
	description: string;
}

/** What each tier trades; resolutions, bitrate mode and price come from the family schema. */
const TRADE_OFFS: Record<TierId, string> = {
	fast: 'Quicker and cheaper than Standard',
	standard: 'Slowest and dearest; the only tier with 1080p and 4K',
	mini: 'Cheapest (fal publishes no speed for it)',
};

/** The hint under each Model Tier option: speed, price, resolutions, bitrate. */
function describeTier(variant: Variant): string {
	const seconds = 10;
	const perSecond = (estimateFamilyCost(variant, { resolution: '720p', duration: String(seconds) as CostInput['duration'] }) ?? 0) / seconds;
	const bitrate = variant.hasBitrateMode ? 'bitrate standard or high' : 'no bitrate choice';
	return `${TRADE_OFFS[variant.id]} · $${perSecond.toFixed(4)} per second at 720p · ${variant.resolutions.join(', ')} · ${bitrate}`;
}

const DESCRIPTIONS = Object.fromEntries(variantsOf('image-to-video').map((variant) => [variant.id, describeTier(variant)])) as Record<TierId, string>;

export const TIERS: readonly Tier[] = variantsOf('image-to-video').map((variant) => ({ ...variant, description: DESCRIPTIONS[variant.id] }));

/** The model input as fal expects it (duration is a string, as the API wants). */
export type SeedanceInput = ImageToVideoInput;

export function getTier(id: string): Tier {
	const variant = getVariant('image-to-video', id);
	return { ...variant, description: DESCRIPTIONS[variant.id] };
}

export function findTierByEndpoint(endpoint: string): Tier | undefined {
	return TIERS.find((tier) => tier.endpoint === endpoint);
}

/** Estimated price in USD, or undefined while the duration is "auto" (fal picks it). */
export function estimateCostUsd(tier: Tier, input: CostInput): number | undefined {
	return estimateFamilyCost(tier, input);
}
