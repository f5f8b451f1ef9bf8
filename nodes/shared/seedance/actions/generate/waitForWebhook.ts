/**
 * Generate Video → "Submit and Wait for Webhook": every item is submitted with
 * `fal_webhook` = this execution's resume URL, then the execution waits (no polling, no worker held)
 * until fal's callbacks resume it; `webhook/receiveCallback.ts` produces the output then.
 * n8n resumes a node once, so the node waits for the whole batch, not per item.
 */
import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { InputError, toNodeError } from '../../helpers/errors';
import { assertWithinVideoCap } from '../../helpers/budget';
import { readGenerateOptions } from '../../helpers/parameters';
import { logSubmitted } from '../../helpers/submitLog';
import { cancelQuietly, type FalJob } from '../../helpers/queue';
import { normaliseApiHost, type FalCredentials } from '../../../transport';
import { isPrivateHost } from '../../../transport/privateAddress';
import { saveWaitState, type WaitingJob, type WaitState } from '../../webhook/waitState';
import type { ItemContext } from '../types';
import type { PrepareSubmission } from './submission';
import { failsWaitingNodeAtTimeLimit } from '../../../n8nRuntime';

/** fal refuses a start timeout of 1 s or less (fal-protocol.md §1). */
const MIN_START_TIMEOUT_SECONDS = 2;

/** One node run's submissions, shared by its items (the router calls us once per item). */
interface Batch {
	state: WaitState;
	apiKey: string;
	/** fal's own host: a resume URL on a private address cannot be reached from there. */
	usesFal: boolean;
	settled: number;
	stopped: boolean;
}

const batches = new WeakMap<IExecuteFunctions, Promise<Batch>>();

async function startBatch(ctx: IExecuteFunctions): Promise<Batch> {
	const options = readGenerateOptions(ctx);
	const credentials = (await ctx.getCredentials('falApi')) as unknown as FalCredentials;
	return {
		state: {
			deadline: Date.now() + options.waitTimeoutSeconds * 1000,
			waitTimeoutSeconds: options.waitTimeoutSeconds,
			itemCount: ctx.getInputData().length,
			jobs: [],
			failed: [],
		},
		apiKey: credentials.apiKey,
		usesFal: normaliseApiHost(credentials.apiHost) === undefined,
		settled: 0,
		stopped: false,
	};
}

async function batchOf(ctx: IExecuteFunctions): Promise<Batch> {
	let batch = batches.get(ctx);
	if (!batch) {
		batch = startBatch(ctx);
		batches.set(ctx, batch);
	}
	return await batch;
}

/**
 * A host fal cannot reach from the internet: a private, loopback or link-local address or name
 * (the download policy's one check), or a single-label name such as Docker Compose's `n8n`, which
 * only resolves inside its own network.
 */
function unreachableFromFal(hostname: string): boolean {
	const host = hostname.replace(/^\[|\]$/g, '').replace(/\.+$/, '');
	const singleLabel = !host.includes('.') && !host.includes(':');
	return singleLabel || isPrivateHost(host);
}

/** Throws when fal could not call this resume URL back (it would bill the job and never call). */
export function checkResumeUrlReachable(url: string): void {
	const { hostname, origin } = new URL(url);
	if (!unreachableFromFal(hostname)) return;
	throw new InputError(
		'Mode',
		`fal cannot call n8n back at ${origin}: it is a local or private address, not reachable from the internet`,
		"Set n8n's WEBHOOK_URL environment variable to the public https address of this n8n (e.g. WEBHOOK_URL=https://n8n.example.com/) and restart n8n, or use Wait for Completion.",
	);
}

/** `$execution.resumeUrl`, checked to be one fal can call. */
export function readResumeUrl(ctx: IExecuteFunctions, itemIndex: number, usesFal: boolean): string {
	const url = String(ctx.evaluateExpression('{{ $execution.resumeUrl }}', itemIndex) ?? '');
	if (!URL.canParse(url)) {
		throw new InputError('Mode', `n8n gave no resume URL for this execution ("${url}")`, 'Use Wait for Completion, or Submit Only with the Seedance Trigger.');
	}
	// A stand-in for fal on this network (API Host) can call a local address; fal cannot.
	if (usesFal) checkResumeUrlReachable(url);
	return url;
}

function timeoutError(ctx: IExecuteFunctions, state: WaitState): NodeOperationError {
	const ids = state.jobs.map((job) => job.requestId).join(', ');
	return new NodeOperationError(ctx.getNode(), `Seedance did not call back within the wait timeout of ${state.waitTimeoutSeconds} s`, {
		description:
			`Still waiting for request ${ids}. Jobs that had not started were dropped by fal at the timeout (start timeout); ` +
			'a job that was already generating may still finish and be billed: check it with Get Status or cancel it with Cancel. ' +
			'Raise Options → Wait Timeout for long videos.',
	});
}

async function cancelBatch(ctx: IExecuteFunctions, item: ItemContext, batch: Batch): Promise<void> {
	await Promise.all(batch.state.jobs.map(async (job) => await cancelQuietly(item.client, { endpoint: job.endpoint, requestId: job.requestId })));
}

async function submitItem(item: ItemContext, batch: Batch, prepare: PrepareSubmission): Promise<INodeExecutionData[]> {
	const { ctx, client, itemIndex, signal, plan } = item;
	if (!failsWaitingNodeAtTimeLimit()) {
		throw new InputError(
			'Mode',
			'Submit and Wait for Webhook needs n8n 2.0 or newer: this n8n (1.x) would pass the items on unchanged if fal did not call back within the wait timeout',
			'Use Wait for Completion, or Submit Only with the Seedance Trigger (both work on n8n 1.x), or update n8n.',
		);
	}
	assertWithinVideoCap(plan);
	const { binaryPropertyName, fileName, returnUrlOnly, queuePriority, allowedDownloadHosts, privateOutputs, signedLinkSeconds, deleteAfterDownload } = readGenerateOptions(ctx, itemIndex);
	const webhookUrl = readResumeUrl(ctx, itemIndex, batch.usesFal);
	const submission = await prepare(item);
	const submittedAt = Date.now();
	const startTimeout = Math.max(MIN_START_TIMEOUT_SECONDS, Math.floor((batch.state.deadline - submittedAt) / 1000));
	const submitted = await client.queue.submit(submission.endpoint, { input: submission.input, webhookUrl, startTimeout, priority: queuePriority, abortSignal: signal });
	const job: FalJob = { endpoint: submission.endpoint, requestId: submitted.request_id };
	logSubmitted(ctx, job.requestId, itemIndex, job.endpoint);
	if (signal.aborted || batch.stopped) {
		// Another item failed while this one was being submitted: nobody will wait for this job.
		await cancelQuietly(client, job);
		throw new InputError('Mode', `request ${job.requestId} was cancelled because another item failed`);
	}
	const waiting: WaitingJob = {
		itemIndex,
		requestId: job.requestId,
		endpoint: job.endpoint,
		tier: submission.tier?.id,
		submittedAt,
		parameters: submission.parameters,
		estimatedCostUsd: submission.estimatedCostUsd,
		cost: submission.cost,
		outputFields: submission.outputFields,
		output: { binaryPropertyName, fileName, returnUrlOnly, allowedDownloadHosts, privateOutputs, signedLinkSeconds, deleteAfterDownload },
	};
	batch.state.jobs.push(waiting);
	return [
		{
			json: { requestId: waiting.requestId, endpoint: waiting.endpoint, tier: waiting.tier, status: submitted.status, waitingForWebhookUntil: new Date(batch.state.deadline).toISOString() },
			pairedItem: { item: itemIndex },
		},
	];
}

/**
 * Submits one item. When the last item of the run is settled and at least one job is at fal, the
 * request ids and the time-limit error go on the execution, and the execution is put to wait.
 */
export async function submitAndWaitForWebhook(item: ItemContext, prepare: PrepareSubmission): Promise<INodeExecutionData[]> {
	const { ctx, itemIndex } = item;
	const batch = await batchOf(ctx);
	try {
		return await submitItem(item, batch, prepare);
	} catch (error) {
		const nodeError = toNodeError(ctx.getNode(), error, itemIndex, batch.apiKey, 'submitting the video');
		if (ctx.continueOnFail()) {
			batch.state.failed.push({ itemIndex, message: nodeError.message, description: nodeError.description ?? undefined });
		} else if (!batch.stopped) {
			// The router stops the run: no one would ever receive these jobs' callbacks.
			batch.stopped = true;
			await cancelBatch(ctx, item, batch);
		}
		throw nodeError;
	} finally {
		batch.settled++;
		if (batch.settled === batch.state.itemCount && !batch.stopped && batch.state.jobs.length > 0) {
			batch.state.jobs.sort((a, b) => a.itemIndex - b.itemIndex);
			saveWaitState(ctx, batch.state, timeoutError(ctx, batch.state));
			await ctx.putExecutionToWait(new Date(batch.state.deadline));
		}
	}
}
