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

import { FAL_JWKS_URL, verifyFalWebhookWithJwks } from '../shared/jwksCache';
import type { VerifyResult } from '../shared/webhookSignature';
import { DEFAULT_TIER, getTier } from '../SeedanceImageToVideo/model';
import { downloadVideo, videoFileName } from '../SeedanceImageToVideo/helpers/video';
import { createSeedanceFalClient, type FalCredentials } from '../SeedanceImageToVideo/transport/falClient';
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
const JWKS_TIMEOUT_MS = 10_000;

/** What the trigger needs of the incoming request; n8n gives an express request (raw body kept). */
interface IncomingWebhookRequest {
	headers: Record<string, string | string[] | undefined>;
	rawBody?: Buffer;
	readRawBody?: () => Promise<void>;
}

/** Node's ServerResponse methods, which the express response n8n hands over inherits. */
interface WebhookResponseWriter {
	headersSent?: boolean;
	writeHead(statusCode: number, headers: Record<string, string>): unknown;
	end(body: string): unknown;
}

export class SeedanceTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Seedance Trigger',
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
		const request = this.getRequestObject() as unknown as IncomingWebhookRequest;
		const response = this.getResponseObject() as unknown as WebhookResponseWriter;
		const rawBody = await readRawBody(request);

		if (this.getNodeParameter('verifySignature', true) as boolean) {
			const refusal = await checkSignature.call(this, request, rawBody);
			if (refusal) {
				respond(response, refusal.statusCode, refusal.body);
				return { noWebhookResponse: true };
			}
		}

		const event = parseFalWebhookBody(parseJsonBody(rawBody) ?? this.getBodyData());
		if (!event) {
			respond(response, 400, { error: 'not-a-fal-webhook', message: 'Expected a fal webhook body with request_id and status OK or ERROR.' });
			return { noWebhookResponse: true };
		}

		const events = this.getNodeParameter('events', [...FAL_WEBHOOK_STATUSES]) as FalWebhookStatus[];
		if (!events.includes(event.status)) {
			respond(response, 200, { received: true, ignored: event.status });
			return { noWebhookResponse: true };
		}

		// Answer fal before downloading: a slow download must not look like a failed delivery,
		// which fal would retry (and the workflow would run twice). From here on nothing throws;
		// problems are reported on the item instead, so the event is never lost.
		respond(response, 200, { received: true });
		const item = await buildOutputItem.call(this, event);
		return { noWebhookResponse: true, workflowData: [[item]] };
	}
}

interface Refusal {
	statusCode: number;
	body: IDataObject;
}

async function checkSignature(
	this: IWebhookFunctions,
	request: IncomingWebhookRequest,
	rawBody: Buffer,
): Promise<Refusal | undefined> {
	const options = this.getNodeParameter('options', {}) as { jwksUrl?: string };
	const jwksUrl = options.jwksUrl?.trim() || FAL_JWKS_URL;
	let verdict: VerifyResult;
	try {
		verdict = await verifyFalWebhookWithJwks({
			headers: request.headers,
			rawBody,
			jwksUrl,
			nowMs: Date.now(),
			fetchJwks: async (url) =>
				await this.helpers.httpRequest({ method: 'GET', url, json: true, timeout: JWKS_TIMEOUT_MS }),
		});
	} catch (error) {
		// Without keys nothing can be verified; 503 makes fal deliver again later.
		return {
			statusCode: 503,
			body: { error: 'jwks-unavailable', message: `Could not load fal's webhook keys: ${errorMessage(error)}` },
		};
	}
	if (verdict.ok) return undefined;
	if (verdict.reason === 'replayed') {
		// This exact signed call already started the workflow. 2xx so that a delivery fal thinks
		// failed is not retried again; the workflow does not run a second time.
		return { statusCode: 200, body: { received: true, duplicate: true } };
	}
	return { statusCode: 401, body: { error: verdict.reason, message: verdict.message } };
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
		const fal = createSeedanceFalClient(credentials);
		const { data } = await fal.queue.result(RESULT_ENDPOINT, { requestId });
		return { result: (data ?? null) as IDataObject };
	} catch (error) {
		return { error: `Could not fetch the result of ${requestId} from fal's queue: ${errorMessage(error)}` };
	}
}

async function readRawBody(request: IncomingWebhookRequest): Promise<Buffer> {
	if (!request.rawBody && typeof request.readRawBody === 'function') await request.readRawBody();
	return Buffer.isBuffer(request.rawBody) ? request.rawBody : Buffer.alloc(0);
}

function parseJsonBody(rawBody: Buffer): unknown {
	if (rawBody.length === 0) return undefined;
	try {
		return JSON.parse(rawBody.toString('utf8'));
	} catch {
		return undefined;
	}
}

function respond(response: WebhookResponseWriter, statusCode: number, body: IDataObject): void {
	if (response.headersSent) return;
	response.writeHead(statusCode, { 'content-type': 'application/json; charset=utf-8' });
	response.end(JSON.stringify(body));
}

function errorMessage(error: unknown): string {
	if (error && typeof error === 'object') {
		const body = (error as { body?: { detail?: unknown } }).body;
		if (typeof body?.detail === 'string') return body.detail;
		if ('message' in error && typeof error.message === 'string') return error.message;
	}
	return String(error);
}
