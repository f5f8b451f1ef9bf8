/**
 * The node run as a tool of n8n's AI Agent. n8n offers a `usableAsTool` node as a second type, its
 * name plus "Tool" (n8n's tool-generation/ai-tools.js convertNodeToAiTool), and runs its execute()
 * with the agent's arguments as the only input item. A tool hands the agent JSON only (n8n drops
 * binary data from a tool's answer) and cannot put the execution to wait, so the node adapts.
 */
import type { IExecuteFunctions, INodeExecutionData, NodeApiError, NodeOperationError } from 'n8n-workflow';

import { InputError } from './errors';

export function runsAsAiTool(ctx: Pick<IExecuteFunctions, 'getNode'>): boolean {
	return ctx.getNode().type.endsWith('Tool');
}

/** The message itself says what to do: the agent reads it, and the problem is in the tool node's settings. */
export function noWaitingInAiTool(): InputError {
	return new InputError(
		'Mode',
		'"Submit and Wait for Webhook" cannot run as an AI Agent tool: the agent needs the answer within its run, and this mode puts the execution to wait. Set Mode to "Wait for Completion" (or "Submit Only") on the tool node',
	);
}

export function noBinaryInAiTool(field: string): InputError {
	return new InputError(
		field,
		'an AI Agent passes a tool only text, never files, so a binary property cannot be read here. Set the source to URL on the tool node and fill the URL field with {{ $fromAI(...) }}',
	);
}

/** A failed tool call as the agent reads it: what went wrong and, when known, what to do. */
export function toolErrorAnswer(error: NodeApiError | NodeOperationError): INodeExecutionData {
	return { json: { error: error.message, ...(error.description ? { description: error.description } : {}) }, pairedItem: { item: 0 } };
}
