/**
 * The waiting node's `webhook()`: fal calls the execution's resume URL once per request. Each call
 * must carry fal's Ed25519 signature (keys from Options → Webhook Keys URL, else fal's own JWKS),
 * and is checked against the request ids saved before waiting. While some jobs are still running
 * the execution keeps waiting (a webhook that returns no `workflowData` leaves it as it was:
 * n8n/dist/webhooks/webhook-helpers.js). Once all are done — or the time limit has passed — the
 * node resumes with the same items Wait for Completion gives, in input order.
 *
 * Cost per callback is O(1) status calls on average, not O(N): the signed callback is trusted for
 * its own job; jobs known to be done (by an earlier callback in this process) are not asked again;
 * the others are asked newest-first, stopping at the first still running (a batch mostly finishes
 * in submission order, so the newest is the last to finish).
 */
import type { ExecutionError, IDataObject, IExecuteData, INodeExecutionData, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import { findVariantByEndpoint, type SeedanceOutput } from '../../schema';
import { mapWithConcurrency } from '../helpers/concurrency';
import { JobInterruptedError, toNodeError } from '../helpers/errors';
import { describeResult, describeTimings } from '../helpers/output';
import { DEFAULT_CONCURRENCY } from '../helpers/parameters';
import { cancelQuietly, type FalJob, type JobTimings } from '../helpers/queue';
import { videoOutputItem } from '../helpers/video';
import { createFalTransport, normaliseApiHost, type FalCredentials, type FalTransport } from '../../transport';
import { FAL_JWKS_URLS, waitingCallbackReplayGuard } from '../../webhookVerification/jwksCache';
import { checkFalSignature, parseJsonBody, readWebhookDelivery, respond } from '../../webhookVerification/request';
import { batchKeyOf, claimResume, completedJobsOf } from './resumeGuard';
import { readWaitState, setResumeOutcome, waitingEntryOf, type WaitingJob, type WaitState } from './waitState';

interface FalCallbackBody {
	request_id?: unknown;
	status?: unknown;
}

interface JobProgress {
	job: WaitingJob;
	completed: boolean;
	inferenceSeconds?: number;
}

/** Downloads after the resume overlap like the generations did (Options → Concurrency). */
function readConcurrency(ctx: IWebhookFunctions): number {
	const options = ctx.getNodeParameter('options', {}) as IDataObject;
	const concurrency = Number(options.concurrency ?? DEFAULT_CONCURRENCY);
	return Number.isInteger(concurrency) && concurrency > 0 ? concurrency : DEFAULT_CONCURRENCY;
}

function continuesOnFail(ctx: IWebhookFunctions): boolean {
	const node = ctx.getNode();
	return node.onError === 'continueRegularOutput' || node.onError === 'continueErrorOutput' || node.continueOnFail === true;
}

/** Answers fal at once: a slow download must not look like a failed delivery, which fal retries. */
function acknowledge(ctx: IWebhookFunctions, body: IDataObject, statusCode = 200): void {
	respond(ctx, statusCode, body);
}

/** Options → Webhook Keys URL when set (a fal stand-in), else fal's own JWKS with its fallback. */
function jwksUrlsOf(ctx: IWebhookFunctions): readonly string[] {
	const options = ctx.getNodeParameter('options', {}) as IDataObject;
	const configured = typeof options.jwksUrl === 'string' ? options.jwksUrl.trim() : '';
	return configured ? [configured] : FAL_JWKS_URLS;
}

/**
 * A throwing `webhook()` would resume the waiting execution as failed, with its run data replaced
 * (n8n/dist/webhooks/webhook-helpers.js `executeWebhook`). When fal cannot be asked about the jobs,
 * the execution keeps waiting and fal is told to deliver again later (it retries non-2xx answers).
 * The cause goes to n8n's log, not to the caller.
 */
function retryLater(ctx: IWebhookFunctions, what: string, error: unknown): IWebhookResponseData {
	const reason = error instanceof Error ? error.message : String(error);
	ctx.logger.error(`Seedance: ${what}, answered 503 so that fal delivers the callback again: ${reason}`);
	acknowledge(ctx, { received: false, retry: true, message: `${what}; deliver again later.` }, 503);
	return { noWebhookResponse: true };
}

function keepWaiting(body: IDataObject): IWebhookResponseData {
	return { webhookResponse: { received: true, ...body } };
}

async function checkProgress(client: FalTransport, job: WaitingJob): Promise<JobProgress> {
	const status = await client.queue.status(job.endpoint, { requestId: job.requestId, logs: false });
	const inference = (status as { metrics?: { inference_time?: number } }).metrics?.inference_time;
	return { job, completed: status.status === 'COMPLETED', inferenceSeconds: typeof inference === 'number' ? inference : undefined };
}

/**
 * What is known of every job after this callback. The callback's own job is done (fal signed it);
 * jobs an earlier callback found done are not asked again. The rest are asked newest-first until
 * one is still running — unless `askAll` (the time limit passed: every unfinished job is cancelled).
 */
async function gatherProgress(
	client: FalTransport,
	state: WaitState,
	callbackJob: WaitingJob,
	completed: Set<string>,
	askAll: boolean,
): Promise<{ progress: JobProgress[]; pending: number }> {
	completed.add(callbackJob.requestId);
	const known = new Map<string, JobProgress>();
	const unknown = state.jobs.filter((job) => !completed.has(job.requestId)).sort((a, b) => b.submittedAt - a.submittedAt || b.itemIndex - a.itemIndex);
	let stillRunning = false;
	for (const job of unknown) {
		const progress = await checkProgress(client, job);
		known.set(job.requestId, progress);
		if (progress.completed) {
			completed.add(job.requestId);
		} else {
			stillRunning = true;
			if (!askAll) break;
		}
	}
	const progress = state.jobs.map((job) => known.get(job.requestId) ?? { job, completed: completed.has(job.requestId) });
	return { progress, pending: stillRunning ? state.jobs.length - completed.size : 0 };
}

function timingsOf(progress: JobProgress, callbackRequestId: string, receivedAt: number): JobTimings {
	const timings: JobTimings = { submittedAt: progress.job.submittedAt, inferenceSeconds: progress.inferenceSeconds };
	// Only the job whose callback this is has a known completion time.
	if (progress.job.requestId === callbackRequestId) {
		timings.completedAt = receivedAt;
		const started = progress.inferenceSeconds !== undefined ? receivedAt - progress.inferenceSeconds * 1000 : receivedAt;
		timings.startedAt = Math.max(progress.job.submittedAt, Math.round(started));
	}
	return timings;
}

async function resultItem(
	ctx: IWebhookFunctions,
	client: FalTransport,
	progress: JobProgress,
	timings: JobTimings,
	apiHost: string | undefined,
): Promise<INodeExecutionData> {
	const { job } = progress;
	const falJob: FalJob = { endpoint: job.endpoint, requestId: job.requestId };
	const { data: output } = await client.queue.result<SeedanceOutput>(job.endpoint, { requestId: job.requestId });
	const json: IDataObject = {
		...describeResult(falJob, findVariantByEndpoint(job.endpoint), output, job),
		timings: describeTimings(timings),
	};
	const policy = { extraHosts: job.output.allowedDownloadHosts ?? [], apiHost: normaliseApiHost(apiHost) };
	return await videoOutputItem(ctx, json, output, job.requestId, job.itemIndex, job.output, policy, undefined, client.platform);
}

function timedOutError(job: WaitingJob, state: WaitState, cancelled: boolean): JobInterruptedError {
	const note = cancelled ? 'The fal job was cancelled' : 'Cancelling the fal job failed; it may still finish and be billed';
	return new JobInterruptedError(
		`Seedance did not finish within the wait timeout of ${state.waitTimeoutSeconds} s (request ${job.requestId})`,
		job.requestId,
		`${note}. Raise Options → Wait Timeout for long videos.`,
	);
}

interface Outcome {
	items: INodeExecutionData[];
	/** Without Continue On Fail: the first failing item's error, which the resumed node throws. */
	failure?: ExecutionError;
}

/** One output item per input item, in input order; failures become error items or the node's error. */
async function buildOutcome(
	ctx: IWebhookFunctions,
	client: FalTransport,
	state: WaitState,
	progress: JobProgress[],
	callbackRequestId: string,
	receivedAt: number,
	credentials: FalCredentials,
): Promise<Outcome> {
	const { apiKey, apiHost } = credentials;
	const concurrency = readConcurrency(ctx);
	const continueOnFail = continuesOnFail(ctx);
	const node = ctx.getNode();
	const slots = Array.from({ length: state.itemCount }, (_, itemIndex) => itemIndex);
	let failure: ExecutionError | undefined;
	const items = await mapWithConcurrency(slots, concurrency, async (itemIndex): Promise<INodeExecutionData[]> => {
		const failed = state.failed.find((entry) => entry.itemIndex === itemIndex);
		if (failed) return [{ json: { error: failed.message, description: failed.description }, pairedItem: { item: itemIndex } }];
		const jobProgress = progress.find((entry) => entry.job.itemIndex === itemIndex);
		if (!jobProgress) return [];
		try {
			if (!jobProgress.completed) {
				const cancelled = await cancelQuietly(client, { endpoint: jobProgress.job.endpoint, requestId: jobProgress.job.requestId });
				throw timedOutError(jobProgress.job, state, cancelled);
			}
			return [await resultItem(ctx, client, jobProgress, timingsOf(jobProgress, callbackRequestId, receivedAt), apiHost)];
		} catch (error) {
			const nodeError = toNodeError(node, error, itemIndex, apiKey, 'generating the video');
			if (continueOnFail) return [{ json: { error: nodeError.message, description: nodeError.description ?? undefined }, pairedItem: { item: itemIndex } }];
			failure ??= nodeError;
			return [];
		}
	});
	return { items: items.flat(), failure };
}

/** Without Continue On Fail a failed job ends the wait at once, as in Wait for Completion. */
async function failFast(
	ctx: IWebhookFunctions,
	client: FalTransport,
	entry: IExecuteData,
	state: WaitState,
	completed: Set<string>,
	failedJob: WaitingJob,
	apiKey: string,
): Promise<IWebhookResponseData> {
	acknowledge(ctx, { received: true, resumed: true });
	const error = await client.queue.result(failedJob.endpoint, { requestId: failedJob.requestId }).then(
		() => new Error(`fal reported request ${failedJob.requestId} as failed`),
		(reason: unknown) => reason,
	);
	// Cancelling a finished job only gets a 400, so the ones known to be done are left alone.
	const others = state.jobs.filter((job) => !completed.has(job.requestId));
	await Promise.all(others.map(async (job) => await cancelQuietly(client, job)));
	setResumeOutcome(entry, toNodeError(ctx.getNode(), error, failedJob.itemIndex, apiKey, 'generating the video'));
	return { noWebhookResponse: true, workflowData: [[]] };
}

export async function receiveFalCallback(ctx: IWebhookFunctions): Promise<IWebhookResponseData> {
	const receivedAt = Date.now();
	// A refused call is answered here and the execution keeps waiting: 401 for a missing, forged or
	// stale signature, 503 when the keys cannot be loaded (fal retries), 200 for a replay of a call
	// already handled (checking fal again would change nothing).
	const delivery = await readWebhookDelivery(ctx);
	const check = await checkFalSignature(ctx, delivery, { jwksUrls: jwksUrlsOf(ctx), replayGuard: waitingCallbackReplayGuard });
	if (!check.ok) {
		acknowledge(ctx, check.refusal.body, check.refusal.statusCode);
		return { noWebhookResponse: true };
	}

	const entry = waitingEntryOf(ctx);
	const state = entry && readWaitState(entry);
	if (!entry || !state) {
		// Never "ignored" with a 200: fal would stop delivering and the billed jobs would be stranded.
		waitingCallbackReplayGuard.forget(check.delivery);
		const cause = !entry
			? "the waiting node's execution stack entry is not where n8n 2.41 keeps it (runExecutionData.executionData.nodeExecutionStack[0])"
			: 'the stack entry has no Seedance wait state in its metadata';
		return retryLater(ctx, `Could not read the waiting execution's saved request ids: ${cause}`, new Error('n8n internals changed?'));
	}

	let credentials: FalCredentials;
	try {
		credentials = (await ctx.getCredentials('falApi')) as unknown as FalCredentials;
	} catch (error) {
		waitingCallbackReplayGuard.forget(check.delivery);
		return retryLater(ctx, 'Could not read the Fal API credential', error);
	}

	const body = (parseJsonBody(delivery.rawBody) ?? ctx.getBodyData() ?? {}) as FalCallbackBody;
	const requestId = typeof body.request_id === 'string' ? body.request_id : '';
	const job = state.jobs.find((candidate) => candidate.requestId === requestId);
	if (!job) return keepWaiting({ ignored: `Request "${requestId}" was not submitted by this execution.` });

	const batchKey = batchKeyOf(state);
	const completed = completedJobsOf(batchKey, state.deadline, receivedAt);
	const timedOut = receivedAt >= state.deadline;
	const client = createFalTransport(ctx, credentials);
	let gathered: { progress: JobProgress[]; pending: number };
	try {
		gathered = await gatherProgress(client, state, job, completed, timedOut);
	} catch (error) {
		// Not handled: fal's retry of this very call (same signature within a second) must get in.
		waitingCallbackReplayGuard.forget(check.delivery);
		return retryLater(ctx, 'Could not check the requests at fal', error);
	}

	if (gathered.pending > 0 && !timedOut) {
		if (body.status === 'ERROR' && !continuesOnFail(ctx)) {
			if (!claimResume(batchKey)) return keepWaiting({ resumed: 'already' });
			return await failFast(ctx, client, entry, state, completed, job, credentials.apiKey);
		}
		return keepWaiting({ waitingFor: gathered.pending });
	}

	// Two last callbacks at the same moment both get here; only the first resumes.
	if (!claimResume(batchKey)) return keepWaiting({ resumed: 'already' });
	acknowledge(ctx, { received: true, resumed: true });
	const outcome = await buildOutcome(ctx, client, state, gathered.progress, requestId, receivedAt, credentials);
	setResumeOutcome(entry, outcome.failure);
	return { noWebhookResponse: true, workflowData: [outcome.items] };
}
