import type { INodeProperties } from 'n8n-workflow';

import { DEFAULT_TIER, TIERS } from '../../../SeedanceImageToVideo/model';
import { generateFields, generateOptions } from './generateFields';
import { requestFields } from './requestFields';

const operationField: INodeProperties = {
	displayName: 'Operation',
	name: 'operation',
	type: 'options',
	noDataExpression: true,
	default: 'generate',
	options: [
		{ name: 'Generate Video', value: 'generate', action: 'Generate a video from an image', description: 'Animate an image into an MP4' },
		{ name: 'Get Status', value: 'getStatus', action: 'Get the status of a request', description: 'Queue position, state and logs of a submitted request' },
		{ name: 'Get Result', value: 'getResult', action: 'Get the result of a request', description: 'The video of a finished request' },
		{ name: 'Cancel', value: 'cancel', action: 'Cancel a request', description: 'Stop a queued or running request' },
	],
};

const tierField: INodeProperties = {
	displayName: 'Model Tier',
	name: 'tier',
	type: 'options',
	default: DEFAULT_TIER,
	description: 'Fast, Standard and Mini differ in speed, price, resolutions and bitrate (see each option). Get Status / Get Result / Cancel use the tier the request was made with.',
	options: TIERS.map((tier) => ({ name: tier.label, value: tier.id, description: `${tier.description} · ${tier.endpoint}` })),
};

export const properties: INodeProperties[] = [operationField, tierField, ...generateFields, ...requestFields, generateOptions];
