/**
 * Estimate Cost: the same fields as Generate Video, and nothing sent to fal but the price lookup.
 * Each item gets its estimate (a range when the duration is auto or a reference's length is
 * unknown), and every item carries the batch's total, which the editor also shows as a hint.
 */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { modelName } from '../../schema';
import { planCosts, type CostPlan } from '../helpers/budget';
import { describeCost } from '../helpers/costEstimate';
import { readCostFacts } from '../helpers/costFacts';
import type { Operation } from './types';

/** Nothing is sent per item: every item is estimated at once. */
const ESTIMATE_CONCURRENCY = 40;

/** The batch's total per run, for its items (the router calls execute once per item). */
const totals = new WeakMap<IExecuteFunctions, IDataObject>();

/** The batch's total, the same on every item. */
function describeTotal(plan: CostPlan): IDataObject {
	const sources = [...new Set([...plan.items.values()].map((item) => item.cost.priceSource))];
	return { items: plan.items.size, minUsd: plan.totalMinUsd, maxUsd: plan.totalMaxUsd, priceSources: sources };
}

function showTotal(ctx: IExecuteFunctions, plan: CostPlan): void {
	if (typeof ctx.addExecutionHints !== 'function') return;
	const range = plan.totalMinUsd === plan.totalMaxUsd ? `$${plan.totalMaxUsd.toFixed(2)}` : `$${plan.totalMinUsd.toFixed(2)}–$${plan.totalMaxUsd.toFixed(2)}`;
	ctx.addExecutionHints({ message: `Estimated cost of these ${plan.items.size} videos: ${range}`, type: 'info', location: 'outputPane' });
}

export const estimateCostOperation: Operation = {
	activity: 'estimating the cost',
	concurrency: () => ESTIMATE_CONCURRENCY,
	beforeBatch: async ({ ctx, client, kind, signal }) => {
		const plan = await planCosts(ctx, client, kind, signal, false);
		totals.set(ctx, describeTotal(plan));
		showTotal(ctx, plan);
		return plan;
	},
	execute: async ({ ctx, itemIndex, kind, plan }) => {
		// An item the plan could not read: reading it again throws what is wrong with it.
		const item = plan ?? { facts: await readCostFacts(ctx, itemIndex, kind), cost: undefined };
		if (!item.cost) return [];
		const { facts, cost } = item;
		return [
			{
				json: {
					endpoint: facts.variant.endpoint,
					tier: facts.variant.id,
					model: modelName(facts.variant),
					resolution: facts.resolution,
					duration: facts.duration,
					referenceVideos: facts.videos.count > 0 ? { count: facts.videos.count, seconds: facts.videos.seconds } : undefined,
					estimatedCostUsd: cost.estimatedCostUsd,
					cost: describeCost(cost),
					batchTotal: totals.get(ctx),
				},
				pairedItem: { item: itemIndex },
			},
		];
	},
};
