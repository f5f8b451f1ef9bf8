import type { IExecuteFunctions } from 'n8n-workflow';

import { isFalRequestId } from '../../transport/requestId';
import { InputError } from '../helpers/errors';
import { readTier } from '../helpers/parameters';
import type { FalJob } from '../helpers/queue';
import type { Kind, Variant } from '../../schema';

/** Concurrency of the operations that only ask fal about an existing request. */
export const LOOKUP_CONCURRENCY = 5;

/** The request an operation on an existing job refers to: its id and the tier it was made with. */
export function readJob(ctx: IExecuteFunctions, itemIndex: number, kind: Kind): { job: FalJob; tier: Variant } {
	const tier = readTier(ctx, itemIndex, kind);
	const requestId = String(ctx.getNodeParameter('requestId', itemIndex, '') ?? '').trim();
	if (!requestId) {
		throw new InputError('Request ID', 'is empty', 'Map the requestId of a "Submit Only" output or of the Seedance Trigger, e.g. {{ $json.requestId }}.');
	}
	if (!isFalRequestId(requestId)) {
		throw new InputError('Request ID', `"${requestId.slice(0, 80)}" is not a fal request ID`, 'fal request IDs look like 764cabcf-b745-4b3e-ae38-1200304cf45b. Map the requestId field, e.g. {{ $json.requestId }}.');
	}
	return { job: { endpoint: tier.endpoint, requestId }, tier };
}
