/**
 * Complete Draft: renders a Seedance 2.5 draft (made by Generate Video with "Draft (480p Preview)"
 * on) at 1080p through fal's draft/complete endpoint. It runs in the node's Mode like Generate
 * Video: only what is submitted differs.
 */
import type { IExecuteFunctions } from 'n8n-workflow';

import { COMPLETED_DRAFT_RESOLUTION, DRAFT_COMPLETE_ENDPOINT, DRAFT_LIFETIME_DAYS } from '../../schema';
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

const prepareDraftCompletion: PrepareSubmission = async ({ ctx, itemIndex }) => {
	const draftId = readDraftId(ctx, itemIndex);
	const input = { draft_id: draftId };
	return {
		endpoint: DRAFT_COMPLETE_ENDPOINT,
		input,
		parameters: { ...input },
		outputFields: { completedDraftId: draftId, resolution: COMPLETED_DRAFT_RESOLUTION },
	};
};

export const completeDraftOperation: Operation = {
	activity: 'completing the draft',
	concurrency: (ctx) => readGenerateOptions(ctx).concurrency,
	execute: async (item) => await runInMode(item, prepareDraftCompletion),
};
