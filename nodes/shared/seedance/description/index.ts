import type { INodeProperties } from 'n8n-workflow';

import { DEFAULT_TIER, variantsOf, type Kind } from '../../schema';
import { generateFields, generateOptions } from './generateFields';
import { describeTier, KIND_TEXT } from './kinds';
import { requestFields } from './requestFields';

function operationField(kind: Kind): INodeProperties {
	const text = KIND_TEXT[kind];
	return {
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		default: 'generate',
		options: [
			{ name: 'Generate Video', value: 'generate', action: text.generateAction, description: text.generateDescription },
			{
				name: 'Estimate Cost',
				value: 'estimateCost',
				action: 'Estimate the cost of videos',
				description: "What Generate Video would cost for each item and in all, at fal's current prices. Nothing is generated.",
			},
			{ name: 'Get Status', value: 'getStatus', action: 'Get the status of a request', description: 'Queue position, state and logs of a submitted request' },
			{ name: 'Get Result', value: 'getResult', action: 'Get the result of a request', description: 'The video of a finished request' },
			{ name: 'Cancel', value: 'cancel', action: 'Cancel a request', description: 'Stop a queued or running request' },
			{
				name: 'Complete Draft',
				value: 'completeDraft',
				action: 'Complete a draft at 1080p',
				description: 'Render a Seedance 2.5 draft (a 480p preview) at 1080p',
			},
		],
	};
}

function tierField(kind: Kind): INodeProperties {
	return {
		displayName: 'Model Tier',
		name: 'tier',
		type: 'options',
		default: DEFAULT_TIER,
		description: 'Fast, Standard and Mini differ in speed, price, resolutions and bitrate (see each option). Get Status / Get Result / Cancel use the tier the request was made with.',
		options: variantsOf(kind).map((tier) => ({ name: tier.label, value: tier.id, description: `${describeTier(tier)} · ${tier.endpoint}` })),
	};
}

/** The parameters of one node of the family: the same operations and modes, its kind's fields. */
export function buildProperties(kind: Kind): INodeProperties[] {
	return [operationField(kind), tierField(kind), ...generateFields(kind), ...requestFields, generateOptions];
}
