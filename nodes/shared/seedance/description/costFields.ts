import type { INodeProperties } from 'n8n-workflow';

/** Operations that send jobs to fal and so can be capped (another operation adds itself here). */
export const CAPPED_OPERATIONS = ['generate', 'completeDraft'];

/** Operations that show Generate Video's fields: Generate Video itself, and Estimate Cost. */
export const GENERATE_FIELD_OPERATIONS = ['generate', 'estimateCost'];

/** Options → the budget guard (helpers/budget.ts): checked before anything is uploaded or sent. */
export const budgetOptions: INodeProperties[] = [
	{
		displayName: 'Max Cost per Execution (USD)',
		name: 'maxCostPerExecutionUsd',
		type: 'number',
		typeOptions: { minValue: 0.01, numberPrecision: 2 },
		default: 20,
		description:
			'Refuse the whole run, before anything is uploaded or sent to fal, when the estimated cost of all its items is above this. Duration "auto" counts as the longest clip the model makes, and a reference video whose length cannot be read (a URL) as the longest fal accepts.',
		displayOptions: { show: { '/operation': CAPPED_OPERATIONS } },
	},
	{
		displayName: 'Max Cost per Video (USD)',
		name: 'maxCostPerVideoUsd',
		type: 'number',
		typeOptions: { minValue: 0.01, numberPrecision: 2 },
		default: 2,
		description:
			'Refuse any item whose estimated cost is above this, before it is sent. With Continue On Fail only those items fail; otherwise the run stops before anything is sent.',
		displayOptions: { show: { '/operation': CAPPED_OPERATIONS } },
	},
];
