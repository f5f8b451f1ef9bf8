import type { IExecuteFunctions, INodeExecutionData, NodeApiError, NodeOperationError } from 'n8n-workflow';

import type { Kind } from '../../schema';
import { createFalTransport, type FalCredentials } from '../../transport';
import { firstRefusal, type CostPlan } from '../helpers/budget';
import { mapWithConcurrency } from '../helpers/concurrency';
import { runsAsAiTool, toolErrorAnswer } from '../helpers/aiTool';
import { interruptedRequestOf, toNodeError } from '../helpers/errors';
import { cancelOperation } from './cancel.operation';
import { completeDraftOperation } from './completeDraft.operation';
import { estimateCostOperation } from './estimateCost.operation';
import { generateOperation } from './generate/execute';
import { getResultOperation } from './getResult.operation';
import { getStatusOperation } from './getStatus.operation';
import type { Operation } from './types';

const OPERATIONS: Record<string, Operation> = {
	generate: generateOperation,
	estimateCost: estimateCostOperation,
	getStatus: getStatusOperation,
	getResult: getResultOperation,
	cancel: cancelOperation,
	completeDraft: completeDraftOperation,
};

/**
 * The chosen operation for every item (runItems). Run as an AI Agent's tool, a failure is the
 * tool's answer: n8n 1.x would otherwise end the whole execution with it, and 2.x hands the agent
 * only its message (aiTool.ts).
 */
export async function route(ctx: IExecuteFunctions, kind: Kind): Promise<INodeExecutionData[][]> {
	if (!runsAsAiTool(ctx)) return await runItems(ctx, kind);
	try {
		return await runItems(ctx, kind);
	} catch (error) {
		return [[toolErrorAnswer(error as NodeApiError | NodeOperationError)]];
	}
}

/**
 * Runs the chosen operation for every item, overlapping up to the operation's concurrency, and
 * keeps output order. The one place where failures become n8n errors: with Continue On Fail an
 * item's failure becomes an error item; without it, the first failure stops (and cancels) the rest.
 */
async function runItems(ctx: IExecuteFunctions, kind: Kind): Promise<INodeExecutionData[][]> {
	const operationName = ctx.getNodeParameter('operation', 0) as string;
	const operation = OPERATIONS[operationName];
	const credentials = (await ctx.getCredentials('falApi')) as unknown as FalCredentials;
	const client = createFalTransport(ctx, credentials);
	const items = ctx.getInputData();
	const node = ctx.getNode();

	const batch = new AbortController();
	const executionSignal = ctx.getExecutionCancelSignal();
	const signal = executionSignal ? AbortSignal.any([executionSignal, batch.signal]) : batch.signal;
	let firstFailure: NodeApiError | NodeOperationError | undefined;
	/** Jobs of other items stopped because of the first failure: the run's error names them. */
	const interrupted: string[] = [];

	let concurrency: number;
	let plan: CostPlan | undefined;
	try {
		concurrency = operation.concurrency(ctx);
		// Before any item starts (items run concurrently): the batch's cost and the budget guard.
		plan = await operation.beforeBatch?.({ ctx, client, kind, signal });
	} catch (error) {
		throw toNodeError(node, error, 0, credentials.apiKey, operation.activity);
	}
	const refused = plan && !ctx.continueOnFail() ? firstRefusal(plan) : undefined;
	if (refused) throw toNodeError(node, refused.error, refused.itemIndex, credentials.apiKey, operation.activity);

	const results = await mapWithConcurrency(items, concurrency, async (_item, itemIndex) => {
		if (signal.aborted && firstFailure) return [];
		try {
			// Each item listens on a signal of its own that follows the batch's: every request of an
			// item adds an abort listener, and dozens of items on one signal trip Node's
			// MaxListenersExceededWarning (AbortSignal.any links signals without listeners).
			const itemSignal = AbortSignal.any([signal]);
			return await operation.execute({ ctx, client, itemIndex, kind, signal: itemSignal, plan: plan?.items.get(itemIndex) });
		} catch (error) {
			const nodeError = toNodeError(node, error, itemIndex, credentials.apiKey, operation.activity);
			if (ctx.continueOnFail()) {
				// `error` on the item is what sends it to the error output under "Continue (using error
				// output)": n8n-core recognises an error item by it, or by a json of only error/message/details.
				return [{ json: { error: nodeError.message, description: nodeError.description ?? undefined }, error: nodeError, pairedItem: { item: itemIndex } }];
			}
			const requestId = interruptedRequestOf(nodeError);
			if (firstFailure && requestId) interrupted.push(`${requestId} (item ${itemIndex}: ${nodeError.description ?? nodeError.message})`);
			firstFailure ??= nodeError;
			batch.abort(nodeError);
			return [];
		}
	});
	if (firstFailure && interrupted.length > 0) {
		const note = `Stopped with it, the fal requests of other items: ${interrupted.join('; ')}`;
		firstFailure.description = [firstFailure.description, note].filter(Boolean).join(' ');
	}
	if (firstFailure) throw firstFailure;
	return [results.flat()];
}
