import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
	type IWebhookFunctions,
	type IWebhookResponseData,
} from 'n8n-workflow';

import type { Kind } from '../shared/schema';
import { route } from '../shared/seedance/actions/router';
import { buildProperties, NODE_SUBTITLE } from '../shared/seedance/description';
import { waitForWebhookWebhooks } from '../shared/seedance/webhook/description';
import { receiveFalCallback } from '../shared/seedance/webhook/receiveCallback';

const KIND: Kind = 'text-to-video';

/** Seedance (2.5 and 2.0) text-to-video: a prompt becomes a clip. Its fields, operations and modes are the family's (nodes/shared), for this kind. */
export class SeedanceTextToVideo implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Seedance Text-to-Video',
		name: 'seedanceTextToVideo',
		icon: { light: 'file:seedance.svg', dark: 'file:seedance.dark.svg' },
		group: ['transform'],
		// Version 2 starts new nodes on Seedance 2.5; version 1 keeps 2.0 as the default, so saved workflows send what they always sent.
		version: [1, 2],
		defaultVersion: 2,
		subtitle: NODE_SUBTITLE,
		description: "Turn a prompt into an MP4 with ByteDance's Seedance 2.5 or 2.0 on fal.ai",
		defaults: { name: 'Seedance Text-to-Video' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'falApi', required: true }],
		webhooks: waitForWebhookWebhooks,
		properties: buildProperties(KIND),
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await route(this, KIND);
	}

	/** fal's callbacks to a waiting "Submit and Wait for Webhook" execution. */
	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return await receiveFalCallback(this);
	}
}
