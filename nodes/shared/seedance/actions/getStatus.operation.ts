import type { IDataObject } from 'n8n-workflow';

import { LOOKUP_CONCURRENCY, readJob } from './requestFields';
import type { Operation } from './types';

export const getStatusOperation: Operation = {
	activity: 'reading the request status',
	concurrency: () => LOOKUP_CONCURRENCY,
	execute: async ({ ctx, client, itemIndex, kind, signal }) => {
		const { job } = readJob(ctx, itemIndex, kind);
		const includeLogs = ctx.getNodeParameter('includeLogs', itemIndex, false) as boolean;
		const status = (await client.queue.status(job.endpoint, { requestId: job.requestId, logs: includeLogs, abortSignal: signal })) as unknown as IDataObject;
		return [
			{
				json: {
					requestId: job.requestId,
					endpoint: job.endpoint,
					status: status.status,
					queuePosition: status.queue_position,
					logs: status.logs,
					metrics: status.metrics,
					done: status.status === 'COMPLETED',
				},
				pairedItem: { item: itemIndex },
			},
		];
	},
};
