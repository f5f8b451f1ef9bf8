import { LOOKUP_CONCURRENCY, readJob } from './requestFields';
import type { Operation } from './types';

interface CancelAnswer {
	status?: string;
}

export const cancelOperation: Operation = {
	activity: 'cancelling the request',
	concurrency: () => LOOKUP_CONCURRENCY,
	execute: async ({ ctx, client, itemIndex, kind }) => {
		const { job } = readJob(ctx, itemIndex, kind);
		const failure = await client.queue.cancel(job.endpoint, { requestId: job.requestId }).then(
			() => undefined,
			(error: unknown) => error,
		);
		// fal answers 400 ALREADY_COMPLETED for a finished job: a normal outcome, not a failure.
		const answer = (failure as { body?: CancelAnswer } | undefined)?.body;
		if (failure && answer?.status !== 'ALREADY_COMPLETED') throw failure;
		const status = failure ? 'ALREADY_COMPLETED' : 'CANCELLATION_REQUESTED';
		return [{ json: { requestId: job.requestId, endpoint: job.endpoint, status, cancelled: status === 'CANCELLATION_REQUESTED' }, pairedItem: { item: itemIndex } }];
	},
};
