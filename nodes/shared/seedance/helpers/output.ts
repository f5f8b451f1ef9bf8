import type { IDataObject } from 'n8n-workflow';

import { estimateCostUsd, type SeedanceInput, type SeedanceOutput, type Tier } from '../../../SeedanceImageToVideo/model';
import type { FalJob, JobTimings } from './queue';

const DATA_URI_PREVIEW_CHARS = 40;

/** The parameters sent, with data URIs shortened so an item does not carry the image twice. */
export function describeParameters(input: SeedanceInput): IDataObject {
	const shown: IDataObject = { ...input };
	for (const key of ['image_url', 'end_image_url'] as const) {
		const value = input[key];
		if (value?.startsWith('data:') && value.length > DATA_URI_PREVIEW_CHARS) {
			shown[key] = `${value.slice(0, DATA_URI_PREVIEW_CHARS)}… (${value.length} characters)`;
		}
	}
	return shown;
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

/** The JSON of a finished generation, the same for every mode and for Get Result. */
export function describeResult(job: FalJob, tier: Tier | undefined, output: SeedanceOutput, input?: SeedanceInput): IDataObject {
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
	if (input) {
		json.parameters = describeParameters(input);
		if (tier) json.estimatedCostUsd = estimateCostUsd(tier, input);
	}
	return json;
}
