import type { IExecuteFunctions } from 'n8n-workflow';

/**
 * Logs a submitted fal request with its execution, at level info (Wait for Completion and Submit
 * and Wait for Webhook). If the n8n process running the execution dies (a killed queue-mode worker),
 * no node code runs to cancel the job at fal: this line in that process's log is how the job is found
 * again (Get Result, Cancel). In queue mode it also tells which worker ran the node.
 */
export function logSubmitted(ctx: IExecuteFunctions, requestId: string, itemIndex: number, endpoint: string): void {
	const executionId = ctx.getExecutionId();
	ctx.logger.info(`Seedance: submitted fal request ${requestId} for item ${itemIndex} of execution ${executionId}`, {
		requestId,
		endpoint,
		itemIndex,
		executionId,
		workflowId: ctx.getWorkflow().id,
	});
}
