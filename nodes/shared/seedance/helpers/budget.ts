/**
 * The budget guard: before the first item is uploaded or submitted, every item's cost is estimated
 * (helpers/costEstimate.ts, at fal's price or the schema's) and checked against Options → Max Cost
 * per Execution (the sum of the items' highest estimates) and Max Cost per Video (each item).
 * Over the execution's cap nothing is sent, in every mode. Over an item's cap only that item fails
 * when Continue On Fail is on; otherwise the run stops before anything is sent.
 */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { modelName, type Kind } from '../../schema';
import type { FalTransport } from '../../transport';
import { estimateItemCost, formatUsdRange, type CostFacts, type ItemCost } from './costEstimate';
import { readCostFacts } from './costFacts';
import { InputError } from './errors';
import { tokenPricesFor } from './prices';

export const MAX_COST_PER_EXECUTION_FIELD = 'Max Cost per Execution (USD)';
export const MAX_COST_PER_VIDEO_FIELD = 'Max Cost per Video (USD)';

/** What the guard decided for one item. */
export interface ItemPlan {
	cost: ItemCost;
	facts: CostFacts;
	/** Set when the item is over Max Cost per Video: it must fail without being sent. */
	refusal?: InputError;
}

export interface CostPlan {
	/** By item index; an item whose parameters cannot be read is absent (it fails on its own). */
	items: Map<number, ItemPlan>;
	/** Sums over the items that will be sent (not those refused). */
	totalMinUsd: number;
	totalMaxUsd: number;
}

const USD_DECIMALS = 10_000;
const round = (usd: number) => Math.round(usd * USD_DECIMALS) / USD_DECIMALS;

/** An optional cap in USD from the Options collection; undefined when unset. */
function readCap(ctx: IExecuteFunctions, itemIndex: number, name: string, field: string): number | undefined {
	const options = ctx.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const raw = options[name];
	if (raw === undefined || raw === null || raw === '') return undefined;
	const usd = typeof raw === 'number' ? raw : Number(String(raw).trim());
	if (!Number.isFinite(usd) || usd <= 0) {
		throw new InputError(field, `"${String(raw)}" is not an amount of US dollars above 0`, 'Give a cap such as 25 (dollars), or remove the option to set no cap.');
	}
	return usd;
}

export function readExecutionCap(ctx: IExecuteFunctions): number | undefined {
	return readCap(ctx, 0, 'maxCostPerExecutionUsd', MAX_COST_PER_EXECUTION_FIELD);
}

function describeItem(index: number, plan: ItemPlan): string {
	const { facts, cost } = plan;
	const duration = facts.duration === 'auto' ? 'duration auto' : `${facts.duration} s`;
	const videos = facts.videos.count > 0 ? `, ${facts.videos.count} reference video${facts.videos.count > 1 ? 's' : ''}` : '';
	return `Item ${index}: ${formatUsdRange(cost)} (${modelName(facts.variant)}, ${facts.resolution}, ${duration}${videos})`;
}

/** "Duration auto counted as … (items 0, 2)": each assumption once, with the items it raised. */
function describeAssumptions(items: ReadonlyArray<[number, ItemPlan]>): string[] {
	const byText = new Map<string, number[]>();
	for (const [index, plan] of items) for (const text of plan.cost.assumptions) byText.set(text, [...(byText.get(text) ?? []), index]);
	return [...byText].map(([text, indexes]) => `${text} (item${indexes.length > 1 ? 's' : ''} ${indexes.join(', ')})`);
}

function describePrices(items: ReadonlyArray<[number, ItemPlan]>): string {
	const seen = new Map<string, string>();
	for (const [, { facts, cost }] of items) {
		const where = cost.priceSource === 'fal' ? `fal's price list, read ${cost.pricedAt}` : `the node's built-in price (${cost.priceNote ?? 'schema'})`;
		seen.set(facts.variant.endpoint, `${facts.variant.endpoint}: $${cost.usdPer1000Tokens} per 1,000 tokens from ${where}`);
	}
	return [...seen.values()].join('; ');
}

export function budgetExceededError(ctx: IExecuteFunctions, plan: CostPlan, cap: number): NodeOperationError {
	const items = [...plan.items].filter(([, item]) => !item.refusal);
	const assumptions = describeAssumptions(items);
	const lines = [
		'Nothing was uploaded or submitted to fal.',
		...items.map(([index, item]) => describeItem(index, item)),
		`Total: $${plan.totalMaxUsd.toFixed(2)} at most${plan.totalMinUsd !== plan.totalMaxUsd ? ` ($${plan.totalMinUsd.toFixed(2)} at least)` : ''}; cap: $${cap.toFixed(2)}.`,
		...(assumptions.length > 0 ? ['Assumptions that raised it:', ...assumptions] : []),
		`Prices: ${describePrices(items)}.`,
		'Raise Options → Max Cost per Execution, send fewer items, or choose fixed durations, a lower resolution or a cheaper tier.',
	];
	return new NodeOperationError(ctx.getNode(), `The estimated cost $${plan.totalMaxUsd.toFixed(2)} is over Max Cost per Execution ($${cap.toFixed(2)})`, {
		description: lines.join('\n'),
	});
}

function refusalOf(index: number, plan: ItemPlan, cap: number): InputError {
	const assumed = plan.cost.assumptions.length > 0 ? ` Assumed: ${plan.cost.assumptions.join('; ')}.` : '';
	return new InputError(
		MAX_COST_PER_VIDEO_FIELD,
		`this video is estimated at ${formatUsdRange(plan.cost)}, over the cap of $${cap.toFixed(2)}; it was not sent to fal`,
		`${describeItem(index, plan)}.${assumed} Raise the cap, or choose a fixed duration, a lower resolution or a cheaper tier.`,
	);
}

/** What an operation's items cost depends on (Generate Video: its fields; Complete Draft: the draft). */
export type CostFactsReader = (ctx: IExecuteFunctions, itemIndex: number, kind: Kind) => Promise<CostFacts>;

/**
 * Every item's estimate at the prices in force (one price lookup for the batch), with Max Cost per
 * Video applied. `enforceCaps` false (Estimate Cost): estimates only.
 */
export async function planCosts(
	ctx: IExecuteFunctions,
	client: FalTransport,
	kind: Kind,
	signal: AbortSignal,
	enforceCaps = true,
	readFacts: CostFactsReader = readCostFacts,
): Promise<CostPlan> {
	const facts = new Map<number, CostFacts>();
	const items = ctx.getInputData();
	for (let index = 0; index < items.length; index++) {
		try {
			facts.set(index, await readFacts(ctx, index, kind));
		} catch {
			// This item's own run reports what is wrong with it; it is not sent, so it costs nothing.
		}
	}
	const prices = await tokenPricesFor(client, [...facts.values()].map((entry) => entry.variant), signal);
	const plan: CostPlan = { items: new Map(), totalMinUsd: 0, totalMaxUsd: 0 };
	for (const [index, entry] of facts) {
		const price = prices.get(entry.variant.endpoint);
		if (!price) continue;
		const item: ItemPlan = { facts: entry, cost: estimateItemCost(entry, price) };
		const cap = enforceCaps ? readCap(ctx, index, 'maxCostPerVideoUsd', MAX_COST_PER_VIDEO_FIELD) : undefined;
		if (cap !== undefined && item.cost.maxUsd > cap) item.refusal = refusalOf(index, item, cap);
		plan.items.set(index, item);
		if (!item.refusal) {
			plan.totalMinUsd = round(plan.totalMinUsd + item.cost.minUsd);
			plan.totalMaxUsd = round(plan.totalMaxUsd + item.cost.maxUsd);
		}
	}
	return plan;
}

/**
 * The guard of a generating operation: throws before anything is sent when the batch is over Max
 * Cost per Execution. Items over Max Cost per Video carry their refusal (the router stops the run
 * on the first one without Continue On Fail, before any item starts).
 */
export async function guardBudget(ctx: IExecuteFunctions, client: FalTransport, kind: Kind, signal: AbortSignal, readFacts?: CostFactsReader): Promise<CostPlan> {
	const executionCap = readExecutionCap(ctx);
	const plan = await planCosts(ctx, client, kind, signal, true, readFacts);
	if (executionCap !== undefined && plan.totalMaxUsd > executionCap) throw budgetExceededError(ctx, plan, executionCap);
	return plan;
}

/** The first item refused by Max Cost per Video, if any. */
export function firstRefusal(plan: CostPlan): { itemIndex: number; error: InputError } | undefined {
	for (const [itemIndex, item] of plan.items) if (item.refusal) return { itemIndex, error: item.refusal };
	return undefined;
}

/** Called first by each mode: an item over Max Cost per Video fails here, never sent. */
export function assertWithinVideoCap(plan: ItemPlan | undefined): void {
	if (plan?.refusal) throw plan.refusal;
}
