/**
 * Complete Draft: renders a Seedance 2.5 draft (made by Generate Video with "Draft (480p Preview)"
 * on) at 1080p through fal's draft/complete endpoint. It runs in the node's Mode like Generate
 * Video: only what is submitted differs.
 */
import type { IExecuteFunctions } from 'n8n-workflow';

import { COMPLETED_DRAFT_RESOLUTION, DRAFT_COMPLETE_ENDPOINT, DRAFT_LIFETIME_DAYS, VARIANTS, type Kind, type Variant } from '../../schema';
import { appIdOf } from '../../transport/hosts';
import { guardBudget, type CostFactsReader } from '../helpers/budget';
import { describeCost } from '../helpers/costEstimate';
import { InputError } from '../helpers/errors';
import { readGenerateOptions } from '../helpers/parameters';
import { runInMode } from './generate/execute';
import type { PrepareSubmission } from './generate/submission';
import type { Operation } from './types';

const MAX_DRAFT_ID_LENGTH = 200;
const DRAFT_ID_HINT = `Map the draftId of a Seedance 2.5 Generate Video run with "Draft (480p Preview)" on, e.g. {{ $json.draftId }}. A draft can be completed within ${DRAFT_LIFETIME_DAYS} days, with the same fal account.`;

export function readDraftId(ctx: IExecuteFunctions, itemIndex: number): string {
	const raw = ctx.getNodeParameter('draftId', itemIndex, '');
	const draftId = String(raw ?? '').trim();
	if (!draftId) throw new InputError('Draft ID', 'is empty', DRAFT_ID_HINT);
	if (typeof raw !== 'string' || /\s/.test(draftId) || draftId.length > MAX_DRAFT_ID_LENGTH) {
		throw new InputError('Draft ID', `"${draftId.slice(0, 80)}" is not a draft ID`, DRAFT_ID_HINT);
	}
	return draftId;
}

/**
 * What completing a draft is billed as: the drafting model's variant of this kind (the one on the
 * draft/complete endpoint's app) at the completed resolution, priced on draft/complete itself.
 */
export function draftCompletionVariant(kind: Kind): Variant | undefined {
	const app = appIdOf(DRAFT_COMPLETE_ENDPOINT);
	const drafting = VARIANTS.find((variant) => variant.kind === kind && appIdOf(variant.endpoint) === app);
	return drafting ? { ...drafting, endpoint: DRAFT_COMPLETE_ENDPOINT } : undefined;
}

/** The draft's length is not known here: it counts like duration auto, up to the model's longest clip. */
const readDraftCostFacts: CostFactsReader = async (ctx, itemIndex, kind) => {
	readDraftId(ctx, itemIndex);
	const variant = draftCompletionVariant(kind);
	if (!variant) throw new InputError('Draft ID', `no price is known for ${DRAFT_COMPLETE_ENDPOINT}`);
	return { variant, resolution: COMPLETED_DRAFT_RESOLUTION, duration: 'auto', videos: { count: 0, seconds: 0 } };
};

const prepareDraftCompletion: PrepareSubmission = async ({ ctx, itemIndex, plan }) => {
	const draftId = readDraftId(ctx, itemIndex);
	const input = { draft_id: draftId };
	return {
		endpoint: DRAFT_COMPLETE_ENDPOINT,
		input,
		parameters: { ...input },
		...(plan ? { estimatedCostUsd: plan.cost.estimatedCostUsd, cost: describeCost(plan.cost) } : {}),
		outputFields: { completedDraftId: draftId, resolution: COMPLETED_DRAFT_RESOLUTION },
	};
};

export const completeDraftOperation: Operation = {
	activity: 'completing the draft',
	concurrency: (ctx) => readGenerateOptions(ctx).concurrency,
	// Before any item: a draft's length is unknown, so each counts up to the model's longest clip.
	beforeBatch: async ({ ctx, client, kind, signal }) => await guardBudget(ctx, client, kind, signal, readDraftCostFacts),
	execute: async (item) => await runInMode(item, prepareDraftCompletion),
};
