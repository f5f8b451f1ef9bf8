/**
 * What "Submit and Wait for Webhook" keeps while the execution waits, and where it keeps it.
 *
 * n8n 2.41 saves a waiting execution with the node's execution stack entry (`IExecuteData`) and,
 * when the resume URL is called, hands that entry to the waiting webhook's context — but the run
 * data the node returned before waiting is popped before `webhook()` runs
 * (n8n/dist/webhooks/waiting-webhooks.js `preserveInputOverride`). So the request ids travel on
 * the stack entry's `metadata`, next to `resumeError`, the one field n8n-core reads on a resume
 * without a callback (the time limit): `WorkflowExecute.runNode` then fails the node with it
 * instead of passing the input through (n8n-core workflow-execute.js `handleWaitingState`,
 * `runNode`).
 */
import type { ExecutionError, IDataObject, IExecuteData, IExecuteFunctions, ITaskMetadata, IWebhookFunctions } from 'n8n-workflow';

/** One fal job this node run submitted. */
export interface WaitingJob {
	itemIndex: number;
	requestId: string;
	endpoint: string;
	/** The family tier, when the request is a generation (not for draft/complete). */
	tier?: string;
	submittedAt: number;
	/** As `describeParameters` shows them (data URIs shortened), for the output JSON. */
	parameters: IDataObject;
	estimatedCostUsd?: number;
	/** The estimate's details (helpers/output.ts costFields), carried to the resumed output. */
	cost?: IDataObject;
	/** Operation-specific output fields (e.g. the draft a Complete Draft request rendered). */
	outputFields?: IDataObject;
	/** This item's Options → output fields, read at submit time (expressions may differ per item). */
	output: {
		binaryPropertyName: string;
		fileName?: string;
		returnUrlOnly: boolean;
		allowedDownloadHosts?: string[];
		privateOutputs?: boolean;
		signedLinkSeconds?: number;
		deleteAfterDownload?: boolean;
	};
}

/** An item that failed before it reached fal (only kept with Continue On Fail). */
export interface FailedItem {
	itemIndex: number;
	message: string;
	description?: string;
}

export interface WaitState {
	/** Epoch ms after which the execution resumes without a callback and fails. */
	deadline: number;
	waitTimeoutSeconds: number;
	itemCount: number;
	jobs: WaitingJob[];
	failed: FailedItem[];
}

const STATE_KEY = 'seedanceWebhookWait';

type SeedanceTaskMetadata = ITaskMetadata & { [STATE_KEY]?: WaitState };

/**
 * Stores the state and the error the node fails with if no callback resumes it in time, on the
 * stack entry n8n saves with the waiting execution.
 */
export function saveWaitState(ctx: IExecuteFunctions, state: WaitState, timeoutError: ExecutionError): void {
	const entry = ctx.getExecuteData();
	const metadata: SeedanceTaskMetadata = { ...entry.metadata, resumeError: timeoutError, [STATE_KEY]: state };
	entry.metadata = metadata;
}

/**
 * The waiting node's stack entry, as the resumed execution will use it. n8n 2.41 gives a waiting
 * webhook no API for it, so this reads the context's `runExecutionData` (a field of n8n-core's
 * NodeExecutionContext); undefined when the shape differs, so callers can refuse loudly.
 */
export function waitingEntryOf(ctx: IWebhookFunctions): IExecuteData | undefined {
	const internals = ctx as unknown as { runExecutionData?: { executionData?: { nodeExecutionStack?: IExecuteData[] } } | null };
	const entry = internals.runExecutionData?.executionData?.nodeExecutionStack?.[0];
	return entry?.node?.name === ctx.getNode().name ? entry : undefined;
}

export function readWaitState(entry: IExecuteData): WaitState | undefined {
	return (entry.metadata as SeedanceTaskMetadata | undefined)?.[STATE_KEY];
}

/** How the resumed node ends: its output passes on (no error), or it fails with this error. */
export function setResumeOutcome(entry: IExecuteData, error: ExecutionError | undefined): void {
	const metadata: SeedanceTaskMetadata = { ...entry.metadata, resumeError: error };
	if (!error) delete metadata.resumeError;
	delete metadata[STATE_KEY];
	entry.metadata = metadata;
}
