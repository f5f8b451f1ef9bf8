import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import type { SeedanceOutput } from '../../../schema';
import { withStoragePreferences } from '../../../transport';
import { noWaitingInAiTool, runsAsAiTool } from '../../helpers/aiTool';
import { InputError } from '../../helpers/errors';
import { assertWithinVideoCap, guardBudget } from '../../helpers/budget';
import { describeResult, describeTimings } from '../../helpers/output';
import { readGenerateOptions } from '../../helpers/parameters';
import { storagePreferencesOf } from '../../helpers/privacy';
import { waitForCompletion, type FalJob, type JobTimings } from '../../helpers/queue';
import { logSubmitted } from '../../helpers/submitLog';
import { downloadPolicyOf, videoOutputItem } from '../../helpers/video';
import type { ItemContext, Operation } from '../types';
import { prepareGeneration, type PrepareSubmission } from './submission';
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

async function submitOnly(item: ItemContext, prepare: PrepareSubmission): Promise<INodeExecutionData[]> {
	const { ctx, client, itemIndex, signal, plan } = item;
	assertWithinVideoCap(plan);
	const webhookUrl = readWebhookUrl(ctx, itemIndex);
	const { queuePriority } = readGenerateOptions(ctx, itemIndex);
	const submission = await prepare(item);
	const submitted = await client.queue.submit(submission.endpoint, { input: submission.input, webhookUrl, priority: queuePriority, abortSignal: signal });
	return [
		{
			json: {
				requestId: submitted.request_id,
				endpoint: submission.endpoint,
				tier: submission.tier?.id,
				status: submitted.status,
				queuePosition: submitted.queue_position,
				statusUrl: submitted.status_url,
				responseUrl: submitted.response_url,
				cancelUrl: submitted.cancel_url,
				webhookUrl,
				parameters: submission.parameters,
				estimatedCostUsd: submission.estimatedCostUsd,
				...(submission.cost !== undefined ? { cost: submission.cost } : {}),
				...submission.outputFields,
			},
			pairedItem: { item: itemIndex },
		},
	];
}

async function submitAndWait(item: ItemContext, prepare: PrepareSubmission): Promise<INodeExecutionData[]> {
	const { ctx, client, itemIndex, signal, plan } = item;
	assertWithinVideoCap(plan);
	const options = readGenerateOptions(ctx, itemIndex);
	const submission = await prepare(item);

	const timings: JobTimings = { submittedAt: Date.now() };
	const submitted = await client.queue.submit(submission.endpoint, { input: submission.input, priority: options.queuePriority, abortSignal: signal });
	const job: FalJob = { endpoint: submission.endpoint, requestId: submitted.request_id };
	logSubmitted(ctx, job.requestId, itemIndex, job.endpoint);
	const deadline = timings.submittedAt + options.waitTimeoutSeconds * 1000;
	await waitForCompletion(client, job, timings, { deadline, signal }, options.waitTimeoutSeconds);

	const { data: output } = await client.queue.result<SeedanceOutput>(job.endpoint, { requestId: job.requestId, abortSignal: signal });
	const json = { ...describeResult(job, submission.tier, output, submission), timings: describeTimings(timings) };
	const policy = await downloadPolicyOf(ctx, options.allowedDownloadHosts);
	return [await videoOutputItem(ctx, json, output, job.requestId, itemIndex, options, policy, signal, client.platform)];
}

/**
 * The item's uploads and submit carry what it asks fal to keep (Options → Output Files, Delete
 * Outputs at Fal After, Store Request at Fal: helpers/privacy.ts, transport/lifecycle.ts).
 */
function withItemStoragePreferences(item: ItemContext): ItemContext {
	const options = readGenerateOptions(item.ctx, item.itemIndex);
	return { ...item, client: withStoragePreferences(item.client, storagePreferencesOf(options)) };
}

/**
 * Runs one item in the node's Mode (Wait for Completion, Submit and Wait for Webhook, Submit
 * Only): the same submit, wait, cancel, timeout and binary output for every operation that makes
 * a video; `prepare` says what to submit.
 */
export async function runInMode(unscoped: ItemContext, prepare: PrepareSubmission): Promise<INodeExecutionData[]> {
	const item = withItemStoragePreferences(unscoped);
	const mode = item.ctx.getNodeParameter('mode', item.itemIndex) as GenerateMode;
	if (mode === 'submitOnly') return await submitOnly(item, prepare);
	if (mode === 'waitForWebhook') {
		if (runsAsAiTool(item.ctx)) throw noWaitingInAiTool();
		return await submitAndWaitForWebhook(item, prepare);
	}
	return await submitAndWait(item, prepare);
}

export const generateOperation: Operation = {
	activity: 'generating the video',
	concurrency: (ctx) => readGenerateOptions(ctx).concurrency,
	beforeBatch: async ({ ctx, client, kind, signal }) => await guardBudget(ctx, client, kind, signal),
	execute: async (item) => await runInMode(item, prepareGeneration),
};
