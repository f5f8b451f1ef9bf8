import type { IDataObject } from 'n8n-workflow';

import { estimateCostUsd, type FamilyInput, type SeedanceOutput, type Variant, type VideoInputs } from '../../schema';
import type { ItemPlan } from './budget';
import { describeCost } from './costEstimate';
import type { FalJob, JobTimings } from './queue';

const DATA_URI_PREVIEW_CHARS = 40;

/** An input as built for fal, with the reference videos it bills for (reference-to-video). */
export interface BuiltInput {
	input: FamilyInput;
	videos?: VideoInputs;
}

function shorten(value: unknown): unknown {
	if (typeof value === 'string' && value.startsWith('data:') && value.length > DATA_URI_PREVIEW_CHARS) {
		return `${value.slice(0, DATA_URI_PREVIEW_CHARS)}… (${value.length} characters)`;
	}
	return Array.isArray(value) ? value.map(shorten) : value;
}

/** The parameters sent, with data URIs shortened so an item does not carry the image twice. */
export function describeParameters(input: FamilyInput): IDataObject {
	return Object.fromEntries(Object.entries(input).map(([key, value]) => [key, shorten(value)])) as IDataObject;
}

export function estimateBuiltCost(tier: Variant, built: BuiltInput): number | undefined {
	return estimateCostUsd(tier, built.input, built.videos);
}

/**
 * The cost fields of an output item, the same in every mode: `estimatedCostUsd` (exact, or absent
 * for a range) and `cost` (range, tokens, price per second, where the price came from and when).
 */
export function costFields(plan: ItemPlan | undefined, tier: Variant, built: BuiltInput): IDataObject {
	if (!plan) return { estimatedCostUsd: estimateBuiltCost(tier, built) };
	return { estimatedCostUsd: plan.cost.estimatedCostUsd, cost: describeCost(plan.cost) };
}

export function describeTimings(timings: JobTimings): IDataObject {
	const { submittedAt, startedAt, completedAt, inferenceSeconds } = timings;
	return {
		submittedAt: new Date(submittedAt).toISOString(),
		queuedMs: startedAt !== undefined ? startedAt - submittedAt : undefined,
		generatingMs: startedAt !== undefined && completedAt !== undefined ? completedAt - startedAt : undefined,
		totalMs: completedAt !== undefined ? completedAt - submittedAt : undefined,
		falInferenceSeconds: inferenceSeconds,
	};
}

/** What was sent for a request, as its output items show it. */
export interface SubmittedFields {
	parameters: IDataObject;
	estimatedCostUsd?: number;
	/** The estimate's details (costFields). */
	cost?: IDataObject;
	/** Operation-specific fields, e.g. the draft a Complete Draft request rendered. */
	outputFields?: IDataObject;
}

/** The JSON of a finished generation, the same for every mode and for Get Result. */
export function describeResult(job: FalJob, tier: Variant | undefined, output: SeedanceOutput, submitted?: SubmittedFields): IDataObject {
	const json: IDataObject = {
		requestId: job.requestId,
		endpoint: job.endpoint,
		tier: tier?.id,
		status: 'COMPLETED',
		seed: output.seed,
		video: {
			url: output.video?.url,
			contentType: output.video?.content_type,
			fileName: output.video?.file_name,
			fileSize: output.video?.file_size,
		},
	};
	// A Seedance 2.5 draft (draft: true): the ID Complete Draft renders at 1080p.
	if (typeof output.draft_id === 'string') json.draftId = output.draft_id;
	if (submitted) {
		json.parameters = submitted.parameters;
		json.estimatedCostUsd = submitted.estimatedCostUsd;
		if (submitted.cost !== undefined) json.cost = submitted.cost;
		Object.assign(json, submitted.outputFields);
	}
	return json;
}
