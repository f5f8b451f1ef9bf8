import type {
	IDataObject,
	IHookFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { FAL_JWKS_URL } from '../shared/jwksCache';
import { checkFalSignature, errorMessage, parseJsonBody, readWebhookDelivery, respond } from '../shared/webhookRequest';
import { DEFAULT_TIER, getTier } from '../SeedanceImageToVideo/model';
import { downloadVideo, videoFileName } from '../SeedanceImageToVideo/helpers/video';
import { createFalTransport, type FalCredentials } from '../shared/transport';
import {
	FAL_WEBHOOK_STATUSES,
	findVideo,
	parseFalWebhookBody,
	type FalWebhookEvent,
	type FalWebhookStatus,
} from './falWebhookPayload';

/**
 * fal's queue reads results by owner/app and ignores the endpoint path (fal-protocol.md §1), so
 * one tier's endpoint fetches the result of a request made on any tier.
 */
const RESULT_ENDPOINT = getTier(DEFAULT_TIER).endpoint;
const DEFAULT_BINARY_PROPERTY = 'data';

export class SeedanceTrigger implements INodeType {
	description: INodeTypeDescription = {
		// The nodes panel drops " Trigger" from a trigger's name: the rest still has to read as an event.
		displayName: 'Seedance Video Finished Trigger',
		name: 'seedanceTrigger',
		icon: { light: 'file:seedance.svg', dark: 'file:seedance.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{ ($parameter["events"] || []).length === 2 ? "Video ready or failed" : $parameter["events"][0] === "ERROR" ? "Generation failed" : "Video ready" }}',
		description: 'Starts the workflow when fal.ai calls back with a finished Seedance 2.0 video',
		defaults: { name: 'Seedance Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{
				name: 'falApi',
				// Only needed when fal leaves the output out of the webhook (payload_error): the
				// result is then read from fal's queue with this key.
				required: false,
			},
		],
		webhooks: [
			{
				name: 'default',
				httpMethod: 'POST',
				responseMode: 'onReceived',
				path: 'seedance',
			},
		],
		properties: [
			{
				displayName:
					"Give this node's Production URL to fal as the webhook URL: the Seedance Image-to-Video node does it in its Submit Only mode, or pass it yourself as <code>fal_webhook</code>. Each finished generation then starts this workflow once.",
				name: 'setupNotice',
				type: 'notice',
				default: '',
			},
			{
				displayName: 'Events',
				name: 'events',
				type: 'multiOptions',
				options: [
					{
						name: 'Video Ready',
						value: 'OK',
						description: 'fal finished the video (webhook status OK)',
					},
					{
						name: 'Generation Failed',
						value: 'ERROR',
						description: 'fal could not make the video: invalid input, content policy, timeout (status ERROR)',
					},
				],
				default: ['OK', 'ERROR'],
				description: 'Which outcomes start the workflow. Others are acknowledged to fal and dropped.',
			},
			{
				displayName: 'Verify Signature',
				name: 'verifySignature',
				type: 'boolean',
				default: true,
				description:
					"Whether to check fal's Ed25519 signature and timestamp on every call, and refuse anything else with 401",
			},
			{
				displayName:
					'Anyone who knows this URL can now start the workflow with made-up results. Turn signature checks off only behind a proxy that strips the X-Fal-Webhook-* headers.',
				name: 'unverifiedWarning',
				type: 'notice',
				default: '',
				displayOptions: { show: { verifySignature: [false] } },
			},
			{
				displayName: 'Download Video',
				name: 'downloadVideo',
				type: 'boolean',
				default: true,
				description: 'Whether to download the finished MP4 into the output item as binary data',
			},
			{
				displayName: 'Put Output File in Field',
				name: 'binaryPropertyName',
				type: 'string',
				default: DEFAULT_BINARY_PROPERTY,
				required: true,
				displayOptions: { show: { downloadVideo: [true] } },
				hint: 'The name of the output binary field to put the video in',
			},
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add Option',
				default: {},
				options: [
					{
						displayName: 'JWKS URL',
						name: 'jwksUrl',
						type: 'string',
						default: FAL_JWKS_URL,
						description:
							"Where fal publishes the public keys its webhooks are signed with. Change it only for a fal stand-in (tests, the offline demo).",
					},
				],
			},
		],
	};

	// The user gives fal the URL with each request, so there is nothing to register with fal.
	// n8n calls these on activation; "exists" keeps it from calling create().
	webhookMethods = {
		default: {
			async checkExists(this: IHookFunctions): Promise<boolean> {
				return true;
			},
			async create(this: IHookFunctions): Promise<boolean> {
				return true;
			},
			async delete(this: IHookFunctions): Promise<boolean> {
				return true;
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		const delivery = await readWebhookDelivery(this);

		if (this.getNodeParameter('verifySignature', true) as boolean) {
			const options = this.getNodeParameter('options', {}) as { jwksUrl?: string };
			// The trigger's deliveries share the process-wide replay guard: a replay answers 200
			// (a delivery fal thinks failed is not retried again) and does not run the workflow.
			const check = await checkFalSignature(this, delivery, { jwksUrl: options.jwksUrl?.trim() || FAL_JWKS_URL });
			if (!check.ok) {
				respond(this, check.refusal.statusCode, check.refusal.body);
				return { noWebhookResponse: true };
			}
		}

		const event = parseFalWebhookBody(parseJsonBody(delivery.rawBody) ?? this.getBodyData());
		if (!event) {
			respond(this, 400, { error: 'not-a-fal-webhook', message: 'Expected a fal webhook body with request_id and status OK or ERROR.' });
			return { noWebhookResponse: true };
		}

		const events = this.getNodeParameter('events', [...FAL_WEBHOOK_STATUSES]) as FalWebhookStatus[];
		if (!events.includes(event.status)) {
			respond(this, 200, { received: true, ignored: event.status });
			return { noWebhookResponse: true };
		}

		// Answer fal before downloading: a slow download must not look like a failed delivery,
		// which fal would retry (and the workflow would run twice). From here on nothing throws;
		// problems are reported on the item instead, so the event is never lost.
		respond(this, 200, { received: true });
		const item = await buildOutputItem.call(this, event);
		return { noWebhookResponse: true, workflowData: [[item]] };
	}
}

async function buildOutputItem(this: IWebhookFunctions, event: FalWebhookEvent): Promise<INodeExecutionData> {
	const json: IDataObject = { requestId: event.requestId };
	if (event.gatewayRequestId) json.gatewayRequestId = event.gatewayRequestId;
	json.status = event.status;
	if (event.status === 'ERROR') {
		json.error = event.error;
		if (event.errorType) json.errorType = event.errorType;
		json.result = event.payload;
		return { json };
	}

	let result = event.payload;
	if (!result && event.payloadError) {
		json.payloadError = event.payloadError;
		const fetched = await fetchResultFromQueue.call(this, event.requestId);
		if ('error' in fetched) json.resultError = fetched.error;
		else result = fetched.result;
	}
	json.result = result;

	const video = findVideo(result);
	if (video) json.video = { ...video };
	if (!video || !(this.getNodeParameter('downloadVideo', true) as boolean)) return { json };

	const binaryPropertyName = (this.getNodeParameter('binaryPropertyName', DEFAULT_BINARY_PROPERTY) as string).trim() || DEFAULT_BINARY_PROPERTY;
	try {
		const binary = await downloadVideo(this, video.url, video.file_name ?? videoFileName(event.requestId));
		return { json, binary: { [binaryPropertyName]: binary } };
	} catch (error) {
		json.downloadError = `Could not download the video from ${video.url}: ${errorMessage(error)}`;
		return { json };
	}
}

/**
 * fal sends `payload: null` + `payload_error` when the output did not fit the webhook (fal-js#153);
 * the queue still has it for an hour. Needs the Fal API credential.
 */
async function fetchResultFromQueue(
	this: IWebhookFunctions,
	requestId: string,
): Promise<{ result: IDataObject } | { error: string }> {
	if (!this.getNode().credentials?.falApi) {
		return { error: 'fal left the result out of the webhook. Add a Fal API credential to this trigger to fetch it from the queue.' };
	}
	try {
		const credentials = await this.getCredentials<FalCredentials>('falApi');
		const fal = createFalTransport(this, credentials);
		const { data } = await fal.queue.result(RESULT_ENDPOINT, { requestId });
		return { result: (data ?? null) as IDataObject };
	} catch (error) {
		return { error: `Could not fetch the result of ${requestId} from fal's queue: ${errorMessage(error)}` };
	}
}
