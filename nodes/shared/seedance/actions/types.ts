import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import type { Kind } from '../../schema';
import type { FalTransport } from '../../transport';

/** What an operation gets for one input item. */
export interface ItemContext {
	ctx: IExecuteFunctions;
	client: FalTransport;
	itemIndex: number;
	/** Which node of the family is running. */
	kind: Kind;
	/** Aborts when the execution is stopped, or when another item failed without Continue On Fail. */
	signal: AbortSignal;
}

export interface Operation {
	/** How many items may run at once; read once per execution. */
	concurrency(ctx: IExecuteFunctions): number;
	execute(item: ItemContext): Promise<INodeExecutionData[]>;
	/** What the operation was doing, for error messages ("while …"). */
	activity: string;
}
