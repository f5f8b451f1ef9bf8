/**
 * fal's unit prices, from its Platform API (fal.ai/docs/platform-apis/v1/models/pricing, read
 * 2026-12-02): `GET /v1/models/pricing?endpoint_id=a,b` with the key → `{ prices: [{ endpoint_id,
 * unit_price, unit, currency }], next_cursor, has_more }`. fal says the price may carry the account's
 * own discounts, so the cache (24 h, per process) is kept per host and key. A lookup that fails is
 * not cached: the caller falls back to the schema's prices and says so.
 */
import { createHash } from 'node:crypto';

import { platformUrl, type FalHosts } from './hosts';
import type { SendFalRequest } from './request';

export const PRICING_PATH = '/v1/models/pricing';
/** fal documents up to 50 endpoint ids per call. */
export const MAX_ENDPOINTS_PER_PRICING_CALL = 50;
export const PRICE_CACHE_TTL_MS = 24 * 60 * 60 * 1000;
/** A price lookup must never hold a batch up for long: past this, the schema's prices are used. */
export const PRICING_TIMEOUT_MS = 10_000;

export interface FalUnitPrice {
	endpointId: string;
	unitPrice: number;
	/** fal's billing unit, as fal words it (e.g. "image", "second", "1000 tokens"). */
	unit: string;
	currency: string;
	/** When this node read it from fal (ISO 8601). */
	fetchedAt: string;
}

export interface FalPricing {
	/** The unit prices fal lists for these endpoints (cached); throws when fal cannot be asked. */
	unitPrices(endpointIds: readonly string[], options?: { abortSignal?: AbortSignal }): Promise<Map<string, FalUnitPrice>>;
}

interface PricingAnswer {
	prices?: unknown;
}

const cache = new Map<string, { price: FalUnitPrice; expiresAt: number }>();

/** Forgets every cached price (tests; a long-running process keeps them for a day). */
export function clearPriceCache(): void {
	cache.clear();
}

function accountOf(hosts: FalHosts, apiKey: string): string {
	const key = createHash('sha256').update(apiKey).digest('hex').slice(0, 16);
	return `${hosts.platform}|${key}`;
}

function parsePrice(entry: unknown, fetchedAt: string): FalUnitPrice | undefined {
	if (typeof entry !== 'object' || entry === null) return undefined;
	const { endpoint_id: endpointId, unit_price: unitPrice, unit, currency } = entry as Record<string, unknown>;
	if (typeof endpointId !== 'string' || typeof unitPrice !== 'number' || !Number.isFinite(unitPrice) || unitPrice < 0) return undefined;
	return { endpointId, unitPrice, unit: typeof unit === 'string' ? unit : '', currency: typeof currency === 'string' ? currency : '', fetchedAt };
}

export function createPricing(
	send: SendFalRequest,
	hosts: FalHosts,
	apiKey: string,
	signalFor: (own?: AbortSignal) => AbortSignal | undefined,
	now: () => number = Date.now,
): FalPricing {
	const account = accountOf(hosts, apiKey);

	async function fetchPrices(endpointIds: readonly string[], abortSignal?: AbortSignal): Promise<FalUnitPrice[]> {
		const url = platformUrl(hosts, PRICING_PATH, new URLSearchParams({ endpoint_id: endpointIds.join(',') }));
		const response = await send<PricingAnswer>({ method: 'GET', url, authenticated: true, abortSignal: signalFor(abortSignal), timeoutMs: PRICING_TIMEOUT_MS });
		const fetchedAt = new Date(now()).toISOString();
		const listed = Array.isArray(response.body?.prices) ? response.body.prices : [];
		return listed.map((entry) => parsePrice(entry, fetchedAt)).filter((price): price is FalUnitPrice => price !== undefined);
	}

	return {
		async unitPrices(endpointIds, options = {}) {
			const found = new Map<string, FalUnitPrice>();
			const missing: string[] = [];
			for (const endpointId of new Set(endpointIds)) {
				const cached = cache.get(`${account}|${endpointId}`);
				if (cached && cached.expiresAt > now()) found.set(endpointId, cached.price);
				else missing.push(endpointId);
			}
			for (let start = 0; start < missing.length; start += MAX_ENDPOINTS_PER_PRICING_CALL) {
				const chunk = missing.slice(start, start + MAX_ENDPOINTS_PER_PRICING_CALL);
				for (const price of await fetchPrices(chunk, options.abortSignal)) {
					if (!chunk.includes(price.endpointId)) continue;
					cache.set(`${account}|${price.endpointId}`, { price, expiresAt: now() + PRICE_CACHE_TTL_MS });
					found.set(price.endpointId, price);
				}
			}
			return found;
		},
	};
}
