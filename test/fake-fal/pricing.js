'use strict';
/**
 * fal's Platform API prices, as fal documents them (fal.ai/docs/platform-apis/v1/models/pricing and
 * …/pricing/estimate, read 2026-12-02), on the fake's one port:
 *   GET  /v1/models/pricing?endpoint_id=a,b (or repeated)  → { prices: [{endpoint_id, unit_price, unit, currency}], next_cursor: null, has_more: false }
 *   POST /v1/models/pricing/estimate {estimate_type, endpoints} → { estimate_type, total_cost, currency }
 * Both need the key; errors use the Platform API's shape `{ error: { type, message } }`.
 * `fake.setPrice(endpointId, price | null)` changes what is listed (null: not listed);
 * faults (`fake.fault({ on: 'pricing', status: 503 })`, `drop`, `delayMs`) make it fail or time out.
 */
const schema = require('./seedance-schema');

/**
 * The prices listed by default: the base rates in nodes/shared/schema, per 1,000 tokens (2.0 standard
 * 4k and 2.5 1080p are billed at other rates; the node keeps the schema's ratio to the listed one).
 * fal's own unit wording for Seedance was not seen in any stored copy; "1000 tokens" is our stand-in.
 * draft/complete is listed at 2.5's base rate, so the node prices it as 2.5 at 1080p.
 */
const DEFAULT_USD_PER_1000_TOKENS = { '2.0': { fast: 0.0112, standard: 0.014, mini: 0.007 }, '2.5': { standard: 0.0214 } };
const DRAFT_COMPLETE_ENDPOINT = 'bytedance/seedance-2.5/draft/complete';
const DEFAULT_UNIT = '1000 tokens';
const MAX_ENDPOINTS = 50;

function defaultPrices() {
	const prices = new Map();
	const list = (endpoint, usd) => prices.set(endpoint, { unit_price: usd, unit: DEFAULT_UNIT, currency: 'USD' });
	const versions = schema.VERSIONS ?? { '2.0': { tiers: schema.TIERS } };
	for (const [version, { tiers }] of Object.entries(versions)) {
		for (const [tier, { endpoints }] of Object.entries(tiers)) {
			const usd = DEFAULT_USD_PER_1000_TOKENS[version]?.[tier];
			if (usd !== undefined) for (const endpoint of Object.values(endpoints)) list(endpoint, usd);
		}
	}
	if (versions['2.5']) list(DRAFT_COMPLETE_ENDPOINT, DEFAULT_USD_PER_1000_TOKENS['2.5'].standard);
	return prices;
}

/** The request kind of a Platform API price call, or undefined for any other path. */
function classifyPricingRequest(verb, path) {
	if (verb === 'GET' && path === '/v1/models/pricing') return { kind: 'pricing' };
	if (verb === 'POST' && path === '/v1/models/pricing/estimate') return { kind: 'pricing-estimate' };
	return undefined;
}

function platformError(type, message) {
	return { error: { type, message } };
}

/** `endpoint_id=a,b` and `endpoint_id=a&endpoint_id=b` both work, as fal documents. */
function endpointIdsOf(searchParams) {
	return searchParams.getAll('endpoint_id').flatMap((value) => value.split(',')).map((id) => id.trim()).filter(Boolean);
}

function createPricing(fake, { sendJson, isAuthorised }) {
	const prices = defaultPrices();
	fake.setPrice = (endpointId, price) => {
		if (price === null) prices.delete(endpointId);
		else prices.set(endpointId, { currency: 'USD', unit: DEFAULT_UNIT, ...price });
	};
	fake.prices = () => new Map(prices);

	function list(res, searchParams) {
		const ids = endpointIdsOf(searchParams);
		if (ids.length === 0 || ids.length > MAX_ENDPOINTS) {
			return sendJson(res, 400, platformError('validation_error', `endpoint_id: give 1-${MAX_ENDPOINTS} endpoint IDs`));
		}
		const listed = ids.filter((id) => prices.has(id)).map((id) => ({ endpoint_id: id, ...prices.get(id) }));
		return sendJson(res, 200, { prices: listed, next_cursor: null, has_more: false });
	}

	function estimate(res, body) {
		const endpoints = body && typeof body.endpoints === 'object' && body.endpoints !== null ? body.endpoints : undefined;
		const quantityField = body?.estimate_type === 'unit_price' ? 'unit_quantity' : body?.estimate_type === 'historical_api_price' ? 'call_quantity' : undefined;
		if (!endpoints || !quantityField) return sendJson(res, 400, platformError('validation_error', 'Invalid request parameters'));
		let total = 0;
		for (const [id, entry] of Object.entries(endpoints)) {
			const price = prices.get(id);
			const quantity = Number(entry?.[quantityField]);
			if (!price) return sendJson(res, 404, platformError('not_found', `No price for ${id}`));
			if (!Number.isFinite(quantity) || quantity <= 0) return sendJson(res, 400, platformError('validation_error', `${id}: ${quantityField} must be above 0`));
			// The fake has no call history: a "historical" call is priced as one unit.
			total += price.unit_price * quantity;
		}
		return sendJson(res, 200, { estimate_type: body.estimate_type, total_cost: Math.round(total * 1e6) / 1e6, currency: 'USD' });
	}

	return {
		handle(req, res, route, searchParams, body) {
			const auth = isAuthorised(req);
			if (!auth.ok) return sendJson(res, 401, platformError('authorization_error', auth.detail));
			return route.kind === 'pricing' ? list(res, searchParams) : estimate(res, body);
		},
	};
}

module.exports = { classifyPricingRequest, createPricing, DEFAULT_USD_PER_1000_TOKENS, DEFAULT_UNIT };
