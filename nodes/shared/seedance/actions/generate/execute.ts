import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import type { SeedanceOutput } from '../../../schema';
import { InputError } from '../../helpers/errors';
import { assertWithinVideoCap, guardBudget } from '../../helpers/budget';
import { costFields, describeParameters, describeResult, describeTimings } from '../../helpers/output';
import { readGenerateOptions, readGenerateRequest } from '../../helpers/parameters';
import { waitForCompletion, type FalJob, type JobTimings } from '../../helpers/queue';
import { logSubmitted } from '../../helpers/submitLog';
import { downloadPolicyOf, videoOutputItem } from '../../helpers/video';
import type { ItemContext, Operation } from '../types';
import { buildInput } from './buildInput';
import { submitAndWaitForWebhook } from './waitForWebhook';

export type GenerateMode = 'waitForCompletion' | 'waitForWebhook' | 'submitOnly';

function readWebhookUrl(ctx: IExecuteFunctions, itemIndex: number): string | undefined {
	const url = String(ctx.getNodeParameter('webhookUrl', itemIndex, '') ?? '').trim();
	if (!url) return undefined;
	if (!/^https?:\/\//i.test(url)) {
		throw new InputError('Webhook URL', `"${url}" must start with http:// or https://`, 'Paste the production URL of a Webhook node or of the Seedance Trigger node.');
	}
	return url;
}

async function submitOnly(item: ItemContext): Promise<INodeExecutionData[]> {
	const { ctx, client, itemIndex, kind, signal, plan } = item;
	assertWithinVideoCap(plan);
	const request = readGenerateRequest(ctx, itemIndex, kind);
	const webhookUrl = readWebhookUrl(ctx, itemIndex);
	const { queuePriority } = readGenerateOptions(ctx, itemIndex);
	const built = await buildInput(ctx, client, itemIndex, request);
	const { input } = built;
	const submitted = await client.queue.submit(request.tier.endpoint, { input, webhookUrl, priority: queuePriority, abortSignal: signal });
	return [
		{
			json: {
				requestId: submitted.request_id,
				endpoint: request.tier.endpoint,
				tier: request.tier.id,
				status: submitted.status,
				queuePosition: submitted.queue_position,
				statusUrl: submitted.status_url,
				responseUrl: submitted.response_url,
				cancelUrl: submitted.cancel_url,
				webhookUrl,
				parameters: describeParameters(input),
				...costFields(plan, request.tier, built),
			},
			pairedItem: { item: itemIndex },
		},
	];
}

async function generateAndWait(item: ItemContext): Promise<INodeExecutionData[]> {
	const { ctx, client, itemIndex, kind, signal, plan } = item;
	assertWithinVideoCap(plan);
	const options = readGenerateOptions(ctx, itemIndex);
	const request = readGenerateRequest(ctx, itemIndex, kind);
	const built = await buildInput(ctx, client, itemIndex, request);
	const { input } = built;

	const timings: JobTimings = { submittedAt: Date.now() };
	const submitted = await client.queue.submit(request.tier.endpoint, { input, priority: options.queuePriority, abortSignal: signal });
	const job: FalJob = { endpoint: request.tier.endpoint, requestId: submitted.request_id };
	logSubmitted(ctx, job.requestId, itemIndex, job.endpoint);
	const deadline = timings.submittedAt + options.waitTimeoutSeconds * 1000;
	await waitForCompletion(client, job, timings, { deadline, signal }, options.waitTimeoutSeconds);

	const { data: output } = await client.queue.result<SeedanceOutput>(job.endpoint, { requestId: job.requestId, abortSignal: signal });
	const json = { ...describeResult(job, request.tier, output, built, plan), timings: describeTimings(timings) };
	const policy = await downloadPolicyOf(ctx, options.allowedDownloadHosts);
	return [await videoOutputItem(ctx, json, output, job.requestId, itemIndex, options, policy, signal)];
}

export const generateOperation: Operation = {
	activity: 'generating the video',
	concurrency: (ctx) => readGenerateOptions(ctx).concurrency,
	beforeBatch: async ({ ctx, client, kind, signal }) => await guardBudget(ctx, client, kind, signal),
	execute: async (item) => {
		const mode = item.ctx.getNodeParameter('mode', item.itemIndex) as GenerateMode;
		if (mode === 'submitOnly') return await submitOnly(item);
		if (mode === 'waitForWebhook') return await submitAndWaitForWebhook(item);
		return await generateAndWait(item);
	},
};
