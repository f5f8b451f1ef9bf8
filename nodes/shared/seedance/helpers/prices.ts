/**
 * The price per 1,000 tokens each estimate uses: fal's own, read from its Platform API with the
 * credential's key, when fal answers in a unit that converts to tokens; otherwise the schema's
 * (nodes/shared/schema), with the reason. Every estimate carries where its price came from and when.
 */
import type { Variant } from '../../schema';
import type { FalTransport, FalUnitPrice } from '../../transport';

export type PriceSource = 'fal' | 'schema';

export interface TokenPrice {
	usdPer1000Tokens: number;
	source: PriceSource;
	/** When fal's price was read, or when the schema's was chosen (ISO 8601). */
	at: string;
	/** Why the schema's price was used, or fal's own words for its unit. */
	note?: string;
}

/** fal's unit words → how many tokens one unit is. Seedance is billed per token [schema/cost.ts]. */
const TOKEN_UNITS: ReadonlyArray<{ pattern: RegExp; tokens: number }> = [
	{ pattern: /^(per\s+)?tokens?$/i, tokens: 1 },
	{ pattern: /^(per\s+)?(1k|1,?000|thousand|k)\s*tokens?$/i, tokens: 1000 },
	{ pattern: /^(per\s+)?(1m|1,?000,?000|million|m)\s*tokens?$/i, tokens: 1_000_000 },
];

/** fal's unit price as USD per 1,000 tokens; undefined for a unit or currency that does not convert. */
export function usdPer1000TokensOf(price: FalUnitPrice): number | undefined {
	if (price.currency.toUpperCase() !== 'USD') return undefined;
	const unit = TOKEN_UNITS.find((candidate) => candidate.pattern.test(price.unit.trim().replace(/_/g, ' ')));
	return unit ? (price.unitPrice / unit.tokens) * 1000 : undefined;
}

export function schemaPrice(variant: Variant, note: string, now = Date.now()): TokenPrice {
	return { usdPer1000Tokens: variant.usdPer1000Tokens, source: 'schema', at: new Date(now).toISOString(), note };
}

function describeFailure(error: unknown): string {
	if (typeof error === 'object' && error !== null && 'status' in error && typeof (error as { status: unknown }).status === 'number') {
		return `HTTP ${(error as { status: number }).status}`;
	}
	const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : undefined;
	return cause ?? (error instanceof Error ? error.message : String(error));
}

/** One price per endpoint of `variants`, asked of fal in one call (or none, when all are cached). */
export async function tokenPricesFor(client: FalTransport, variants: readonly Variant[], abortSignal?: AbortSignal): Promise<Map<string, TokenPrice>> {
	const unique = [...new Map(variants.map((variant) => [variant.endpoint, variant])).values()];
	const prices = new Map<string, TokenPrice>();
	let listed: Map<string, FalUnitPrice>;
	try {
		listed = await client.pricing.unitPrices(unique.map((variant) => variant.endpoint), { abortSignal });
	} catch (error) {
		// A stopped execution ends right after this anyway; nothing is sent past the guard.
		for (const variant of unique) prices.set(variant.endpoint, schemaPrice(variant, `fal's price list could not be read (${describeFailure(error)})`));
		return prices;
	}
	for (const variant of unique) {
		const price = listed.get(variant.endpoint);
		const usd = price ? usdPer1000TokensOf(price) : undefined;
		if (price && usd !== undefined) {
			prices.set(variant.endpoint, { usdPer1000Tokens: usd, source: 'fal', at: price.fetchedAt, note: `$${price.unitPrice} per ${price.unit}` });
		} else if (price) {
			prices.set(variant.endpoint, schemaPrice(variant, `fal lists ${price.currency} ${price.unitPrice} per "${price.unit}", which does not convert to tokens`));
		} else {
			prices.set(variant.endpoint, schemaPrice(variant, `fal listed no price for ${variant.endpoint}`));
		}
	}
	return prices;
}
