/**
 * One item's cost before it is sent: the schema's estimate (nodes/shared/schema/cost.ts) at the
 * price in force (fal's or the schema's, helpers/prices.ts), as a range when something is not known
 * yet. "auto" duration spans the shortest to the longest clip the model makes; a reference video
 * whose length could not be read (a URL) spans the least to the most fal accepts. The budget guard
 * counts the top of the range.
 */
import type { IDataObject } from 'n8n-workflow';

import {
	estimateCostUsd,
	estimateTokens,
	modelName,
	tokenPriceUsd,
	VIDEO_INPUT_PRICE_FACTOR,
	type Duration,
	type Resolution,
	type Variant,
} from '../../schema';
import type { TokenPrice } from './prices';

/** What the cost of one item depends on. */
export interface CostFacts {
	variant: Variant;
	resolution: Resolution;
	duration: Duration;
	/** Reference videos (reference-to-video): how many, and their seconds in all when every one was read. */
	videos: { count: number; seconds?: number };
}

export interface ItemCost {
	/** The estimate when nothing is assumed; undefined for a range. */
	estimatedCostUsd?: number;
	minUsd: number;
	maxUsd: number;
	tokens: { min: number; max: number };
	/** USD per second of output at this resolution (× 0.6 with reference videos). */
	usdPerSecond: number;
	usdPer1000Tokens: number;
	priceSource: TokenPrice['source'];
	pricedAt: string;
	priceNote?: string;
	/** What was assumed, in words, for the error message and the output. */
	assumptions: string[];
}

const USD_DECIMALS = 10_000;
const round = (usd: number) => Math.round(usd * USD_DECIMALS) / USD_DECIMALS;

/** The numeric durations the variant's version allows, shortest and longest: "the longest clip the model allows". */
export function durationRange(variant: Variant): { min: number; max: number } {
	const seconds = variant.durations.filter((value) => value !== 'auto').map(Number);
	return { min: Math.min(...seconds), max: Math.max(...seconds) };
}

/** Reference videos in all, as the variant's version accepts them: the least and the most seconds. */
export function referenceVideoRange(variant: Variant): { min: number; max: number } {
	const video = variant.references?.limits.video;
	return { min: video?.minSecondsTotal ?? video?.minSecondsEach ?? 0, max: video?.maxSecondsTotal ?? 0 };
}

/**
 * The variant at the price in force. fal lists one price per endpoint; where the schema bills a
 * resolution at another rate (standard 4k), that rate keeps its ratio to the listed one.
 */
export function pricedVariant(variant: Variant, price: TokenPrice): Variant {
	const scale = price.usdPer1000Tokens / variant.usdPer1000Tokens;
	const at = variant.usdPer1000TokensAt
		? Object.fromEntries(Object.entries(variant.usdPer1000TokensAt).map(([resolution, usd]) => [resolution, (usd ?? 0) * scale]))
		: undefined;
	return { ...variant, usdPer1000Tokens: price.usdPer1000Tokens, ...(at ? { usdPer1000TokensAt: at } : {}) };
}

function costAt(facts: CostFacts, price: TokenPrice, outputSeconds: number, videoSeconds: number): { usd: number; tokens: number } {
	const priced = pricedVariant(facts.variant, price);
	const duration = String(outputSeconds) as Duration;
	const usd = estimateCostUsd(priced, { resolution: facts.resolution, duration }, { count: facts.videos.count, seconds: videoSeconds }) ?? 0;
	const billedSeconds = outputSeconds + (facts.variant.kind === 'reference-to-video' && facts.videos.count > 0 ? videoSeconds : 0);
	return { usd, tokens: Math.round(estimateTokens(facts.resolution, billedSeconds)) };
}

export function estimateItemCost(facts: CostFacts, price: TokenPrice): ItemCost {
	const assumptions: string[] = [];
	const durations = durationRange(facts.variant);
	let output = { min: Number(facts.duration), max: Number(facts.duration) };
	if (facts.duration === 'auto') {
		output = durations;
		assumptions.push(`Duration "auto" counted as up to ${durations.max} s, the longest clip ${modelName(facts.variant)} makes (at least ${durations.min} s)`);
	}
	let videos = { min: facts.videos.seconds ?? 0, max: facts.videos.seconds ?? 0 };
	if (facts.videos.count > 0 && facts.videos.seconds === undefined) {
		videos = referenceVideoRange(facts.variant);
		assumptions.push(`Reference video length unread (a URL): counted as up to ${videos.max} s, the most fal accepts (at least ${videos.min} s); input seconds are billed too`);
	}
	const low = costAt(facts, price, output.min, videos.min);
	const high = costAt(facts, price, output.max, videos.max);
	const factor = facts.variant.kind === 'reference-to-video' && facts.videos.count > 0 ? VIDEO_INPUT_PRICE_FACTOR : 1;
	const usdPer1000Tokens = tokenPriceUsd(pricedVariant(facts.variant, price), facts.resolution);
	const usdPerSecond = round((estimateTokens(facts.resolution, 1) / 1000) * usdPer1000Tokens * factor);
	return {
		estimatedCostUsd: assumptions.length === 0 ? high.usd : undefined,
		minUsd: low.usd,
		maxUsd: high.usd,
		tokens: { min: low.tokens, max: high.tokens },
		usdPerSecond,
		usdPer1000Tokens: Math.round(usdPer1000Tokens * 1e6) / 1e6,
		priceSource: price.source,
		pricedAt: price.at,
		priceNote: price.note,
		assumptions,
	};
}

/** "$1.21" or "$0.48–$1.81". */
export function formatUsdRange(cost: Pick<ItemCost, 'minUsd' | 'maxUsd'>): string {
	const format = (usd: number) => `$${usd.toFixed(2)}`;
	return cost.minUsd === cost.maxUsd ? format(cost.maxUsd) : `${format(cost.minUsd)}–${format(cost.maxUsd)}`;
}

/** The `cost` object of an output item: the same fields in every mode and operation. */
export function describeCost(cost: ItemCost): IDataObject {
	return {
		estimatedUsd: cost.estimatedCostUsd,
		minUsd: cost.minUsd,
		maxUsd: cost.maxUsd,
		tokens: cost.tokens.min === cost.tokens.max ? cost.tokens.max : { ...cost.tokens },
		usdPerSecond: cost.usdPerSecond,
		usdPer1000Tokens: cost.usdPer1000Tokens,
		priceSource: cost.priceSource,
		pricedAt: cost.pricedAt,
		priceNote: cost.priceNote,
		assumptions: cost.assumptions.length > 0 ? [...cost.assumptions] : undefined,
	};
}
