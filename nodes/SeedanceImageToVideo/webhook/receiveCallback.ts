/**
 * The waiting node's `webhook()`: fal calls the execution's resume URL once per request. Each call
 * is checked against the request ids saved before waiting; fal's queue (not the callback body) says
 * which jobs are done. While some are still running the execution keeps waiting (a webhook that
 * returns no `workflowData` leaves it as it was: n8n/dist/webhooks/webhook-helpers.js). Once all are
 * done — or the time limit has passed — the node resumes with the same items Wait for Completion
 * gives, in input order.
 *
 * Before anything else each call must carry fal's Ed25519 signature (the keys at `/.well-known/jwks.json`
 * of the credential's API Host, else fal's own): anyone who learns a resume URL could otherwise make
 * the execution check fal early, and a call that fails the check never touches the execution.
 */
import type { ExecutionError, IDataObject, IExecuteData, INodeExecutionData, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import type { SeedanceOutput } from '../model';
import { findTierByEndpoint } from '../model';
import { mapWithConcurrency } from '../helpers/concurrency';
import { JobInterruptedError, toNodeError } from '../helpers/errors';
import { describeResult, describeTimings } from '../helpers/output';
import { DEFAULT_CONCURRENCY } from '../helpers/parameters';
import { cancelQuietly, type FalJob, type JobTimings } from '../helpers/queue';
import { videoOutputItem } from '../helpers/video';
import { createFalTransport, normaliseApiHost, type FalCredentials, type FalTransport } from '../../shared/transport';
import { FAL_JWKS_URL, waitingCallbackReplayGuard } from '../../shared/jwksCache';
import { checkFalSignature, parseJsonBody, readWebhookDelivery, respond } from '../../shared/webhookRequest';
import { readWaitState, setResumeOutcome, waitingEntryOf, type WaitingJob, type WaitState } from './waitState';

/** Status checks per callback run this many at once. */
const STATUS_CONCURRENCY = 8;

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

/** fal's webhook keys: served by the credential's API Host when it has one (a fal stand-in). */
function jwksUrlFor(credentials: FalCredentials): string {
	const apiHost = normaliseApiHost(credentials.apiHost);
	return apiHost ? `${apiHost}/.well-known/jwks.json` : FAL_JWKS_URL;
}

/**
 * A throwing `webhook()` would resume the waiting execution as failed, with its run data replaced
 * (n8n/dist/webhooks/webhook-helpers.js `executeWebhook`). When fal cannot be asked about the jobs,
 * the execution keeps waiting and fal is told to deliver again later (it retries non-2xx answers).
 */
function retryLater(ctx: IWebhookFunctions, error: unknown): IWebhookResponseData {
	const reason = error instanceof Error ? error.message : String(error);
	acknowledge(ctx, { received: false, retry: true, message: `Could not check the requests at fal: ${reason}` }, 503);
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
): Promise<INodeExecutionData> {
	const { job } = progress;
	const falJob: FalJob = { endpoint: job.endpoint, requestId: job.requestId };
	const { data: output } = await client.queue.result<SeedanceOutput>(job.endpoint, { requestId: job.requestId });
	const json: IDataObject = {
		...describeResult(falJob, findTierByEndpoint(job.endpoint), output),
		parameters: job.parameters,
		estimatedCostUsd: job.estimatedCostUsd,
		timings: describeTimings(timings),
	};
	return await videoOutputItem(ctx, json, output, job.requestId, job.itemIndex, job.output);
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
	apiKey: string,
): Promise<Outcome> {
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
			return [await resultItem(ctx, client, jobProgress, timingsOf(jobProgress, callbackRequestId, receivedAt))];
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
	progress: JobProgress[],
	failedJob: WaitingJob,
	apiKey: string,
): Promise<IWebhookResponseData> {
	acknowledge(ctx, { received: true, resumed: true });
	const error = await client.queue.result(failedJob.endpoint, { requestId: failedJob.requestId }).then(
		() => new Error(`fal reported request ${failedJob.requestId} as failed`),
		(reason: unknown) => reason,
	);
	await Promise.all(progress.filter((entry) => !entry.completed).map(async ({ job }) => await cancelQuietly(client, job)));
	setResumeOutcome(entry, toNodeError(ctx.getNode(), error, failedJob.itemIndex, apiKey, 'generating the video'));
	return { noWebhookResponse: true, workflowData: [[]] };
}

export async function receiveFalCallback(ctx: IWebhookFunctions): Promise<IWebhookResponseData> {
	const receivedAt = Date.now();
	const entry = waitingEntryOf(ctx);
	const state = entry && readWaitState(entry);
	if (!entry || !state) return keepWaiting({ ignored: 'This node is not waiting for a Seedance callback.' });

	let credentials: FalCredentials;
	try {
		credentials = (await ctx.getCredentials('falApi')) as unknown as FalCredentials;
	} catch (error) {
		return retryLater(ctx, error);
	}
	// A refused call is answered here and the execution keeps waiting: 401 for a missing, forged or
	// stale signature, 503 when the keys cannot be loaded (fal retries), 200 for a replay of a call
	// already handled (checking fal again would change nothing).
	const delivery = await readWebhookDelivery(ctx);
	const check = await checkFalSignature(ctx, delivery, { jwksUrl: jwksUrlFor(credentials), replayGuard: waitingCallbackReplayGuard });
	if (!check.ok) {
		acknowledge(ctx, check.refusal.body, check.refusal.statusCode);
		return { noWebhookResponse: true };
	}

	const body = (parseJsonBody(delivery.rawBody) ?? ctx.getBodyData() ?? {}) as FalCallbackBody;
	const requestId = typeof body.request_id === 'string' ? body.request_id : '';
	const job = state.jobs.find((candidate) => candidate.requestId === requestId);
	if (!job) return keepWaiting({ ignored: `Request "${requestId}" was not submitted by this execution.` });

	let client: FalTransport;
	let progress: JobProgress[];
	try {
		client = createFalTransport(ctx, credentials);
		progress = await mapWithConcurrency(state.jobs, STATUS_CONCURRENCY, async (candidate) => await checkProgress(client, candidate));
	} catch (error) {
		// Not handled: fal's retry of this very call (same signature within a second) must get in.
		waitingCallbackReplayGuard.forget(check.delivery);
		return retryLater(ctx, error);
	}
	const pending = progress.filter((entry) => !entry.completed).length;
	const timedOut = receivedAt >= state.deadline;

	if (pending > 0 && !timedOut) {
		if (body.status === 'ERROR' && !continuesOnFail(ctx)) return await failFast(ctx, client, entry, progress, job, credentials.apiKey);
		return keepWaiting({ waitingFor: pending });
	}

	acknowledge(ctx, { received: true, resumed: true });
	const outcome = await buildOutcome(ctx, client, state, progress, requestId, receivedAt, credentials.apiKey);
	setResumeOutcome(entry, outcome.failure);
	return { noWebhookResponse: true, workflowData: [outcome.items] };
}
