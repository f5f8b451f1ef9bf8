/**
 * What the n8n running the node can do, where n8n lines differ. n8n tells a node nothing about its
 * version, so this reads n8n-workflow, which n8n hands every community package: n8n 1.x's still
 * exports `sleepWithAbort`, which 2.x removed.
 */
import * as workflow from 'n8n-workflow';

/**
 * Whether a waiting node can fail when its wait ends without a call: n8n-core 2.x reads the
 * stack entry's `metadata.resumeError` then (WorkflowExecute.handleWaitingState, runNode); n8n 1.x
 * disables the waiting node and passes its input items on as if it had succeeded.
 */
export function failsWaitingNodeAtTimeLimit(): boolean {
	return typeof (workflow as unknown as { sleepWithAbort?: unknown }).sleepWithAbort !== 'function';
}
