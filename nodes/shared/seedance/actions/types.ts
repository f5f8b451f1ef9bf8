import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import type { Kind } from '../../schema';
import type { FalTransport } from '../../transport';
import type { CostPlan, ItemPlan } from '../helpers/budget';

/** What an operation gets for one input item. */
export interface ItemContext {
	ctx: IExecuteFunctions;
	client: FalTransport;
	itemIndex: number;
	/** Which node of the family is running. */
	kind: Kind;
	/** Aborts when the execution is stopped, or when another item failed without Continue On Fail. */
	signal: AbortSignal;
	/** This item's cost estimate and budget decision, when the operation planned the batch's cost. */
	plan?: ItemPlan;
}

/** What an operation gets once per execution, before any item starts. */
export interface BatchContext {
	ctx: IExecuteFunctions;
	client: FalTransport;
	kind: Kind;
	signal: AbortSignal;
}

export interface Operation {
	/** How many items may run at once; read once per execution. */
	concurrency(ctx: IExecuteFunctions): number;
	/** Runs before any item (nothing is uploaded or sent yet): the cost of the batch, and the budget guard. */
	beforeBatch?(batch: BatchContext): Promise<CostPlan>;
	execute(item: ItemContext): Promise<INodeExecutionData[]>;
	/** What the operation was doing, for error messages ("while …"). */
	activity: string;
}
