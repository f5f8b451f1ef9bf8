import type { SeedanceOutput } from '../../schema';
import { describeResult } from '../helpers/output';
import { outputCostFields } from '../helpers/outputCost';
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
		const item = await videoOutputItem(ctx, json, output, job.requestId, itemIndex, options, policy, signal, client.platform);
		// The request's parameters are unknown here: the estimate comes from the video itself.
		Object.assign(item.json, await outputCostFields(ctx, client, tier, item.binary?.[options.binaryPropertyName], signal));
		return [item];
	},
};
