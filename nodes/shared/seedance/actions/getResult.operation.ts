import type { SeedanceOutput } from '../../schema';
import { describeResult } from '../helpers/output';
import { readGenerateOptions } from '../helpers/parameters';
import { downloadPolicyOf, videoOutputItem } from '../helpers/video';
import { LOOKUP_CONCURRENCY, readJob } from './requestFields';
import type { Operation } from './types';

export const getResultOperation: Operation = {
	activity: 'fetching the result',
	concurrency: () => LOOKUP_CONCURRENCY,
	execute: async ({ ctx, client, itemIndex, kind, signal }) => {
		const { job, tier } = readJob(ctx, itemIndex, kind);
		const options = readGenerateOptions(ctx, itemIndex);
		const { data: output } = await client.queue.result<SeedanceOutput>(job.endpoint, { requestId: job.requestId, abortSignal: signal });
		const json = describeResult(job, tier, output);
		const policy = await downloadPolicyOf(ctx, options.allowedDownloadHosts);
		return [await videoOutputItem(ctx, json, output, job.requestId, itemIndex, options, policy, signal)];
	},
};
