/**
 * What an operation that makes a video submits to fal, whatever the mode. Generate Video builds it
 * from the node's fields and media; Complete Draft from a draft ID. The modes (execute.ts,
 * waitForWebhook.ts) only submit it, wait, and turn the result into an output item.
 */
import type { IDataObject } from 'n8n-workflow';

import { estimateCostUsd, type Variant } from '../../../schema';
import { costFields, describeParameters, type BuiltInput, type SubmittedFields } from '../../helpers/output';
import { readGenerateRequest } from '../../helpers/parameters';
import type { ItemContext } from '../types';
import { buildInput } from './buildInput';

export interface Submission extends SubmittedFields {
	endpoint: string;
	/** The family variant the request belongs to, when it is one (not for draft/complete). */
	tier?: Variant;
	/** The request body. */
	input: object;
}

/** Reads, checks and uploads what one item asks for; nothing is submitted yet. */
export type PrepareSubmission = (item: ItemContext) => Promise<Submission>;

/** Generate Video: the kind's fields and media, checked, uploaded, priced. */
export const prepareGeneration: PrepareSubmission = async ({ ctx, client, itemIndex, kind, plan }) => {
	const request = readGenerateRequest(ctx, itemIndex, kind);
	const built = await buildInput(ctx, client, itemIndex, request);
	return {
		endpoint: request.tier.endpoint,
		tier: request.tier,
		input: built.input,
		parameters: describeParameters(built.input),
		...(costFields(plan, request.tier, built) as Pick<SubmittedFields, 'estimatedCostUsd' | 'cost'>),
		outputFields: draftCompletionEstimate(request.tier, built),
	};
};

/**
 * A draft's second step, priced before anyone approves it: Complete Draft renders the same clip at
 * the completion resolution (fal bills draft/complete as such a generation) [OA][LL].
 */
function draftCompletionEstimate(tier: Variant, built: BuiltInput): IDataObject | undefined {
	if (!built.input.draft || !tier.draft) return undefined;
	const completion = { ...built.input, resolution: tier.draft.completeResolution };
	return { estimatedCompletionCostUsd: estimateCostUsd(tier, completion, built.videos) };
}
