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

import { isFalRequestId } from '../shared/transport/requestId';
import { FAL_JWKS_URLS, sharedReplayGuard } from '../shared/webhookVerification/jwksCache';
import type { VerifySuccess } from '../shared/webhookVerification/signature';
import { parseHostList } from '../shared/transport/downloadPolicy';
import { checkFalSignature, errorMessage, parseJsonBody, readWebhookDelivery, respond } from '../shared/webhookVerification/request';
import { allowedDownloadHostsOption } from '../shared/seedance/description/generateFields';
import { deleteAfterDownloadOption } from '../shared/seedance/description/privacyOptions';
import { deleteAtFal } from '../shared/seedance/helpers/falFiles';
import { downloadPolicyOf, downloadVideo, videoFileName } from '../shared/seedance/helpers/video';
import { deliveredCostFields } from '../shared/seedance/helpers/outputCost';
import { VERSIONS, type VersionFacts } from '../shared/schema';
import { createFalTransport, type FalCredentials } from '../shared/transport';
import {
	FAL_WEBHOOK_STATUSES,
	findVideo,
	parseFalWebhookBody,
	type FalWebhookEvent,
	type FalWebhookStatus,
} from './falWebhookPayload';
import { confirmWithSeedance } from './confirmWithFal';
import { claimDelivery, DEDUPE_WINDOW_MS, markDelivered, releaseDelivery, writeDeliveredRecord } from './deliveredRequests';

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
		description: 'Starts the workflow when fal.ai calls back with a finished Seedance video (2.0, 2.5, or a completed 2.5 draft)',
		defaults: { name: 'Seedance Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{
				name: 'falApi',
				// Every call is confirmed with fal's queue under this key: only your own jobs run
				// the workflow, and the result is read from fal, not from the call's body.
				required: true,
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
					"Give this node's Production URL to fal as the webhook URL: the Seedance Image-to-Video node does it in its Submit Only mode, or pass it yourself as <code>fal_webhook</code>. Each finished generation then starts this workflow once. Each call is checked with fal's queue using the Fal API credential: jobs made with another fal key are refused, and the video and seed come from fal's answer.",
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
						description: 'The video is ready (fal webhook status OK)',
					},
					{
						name: 'Generation Failed',
						value: 'ERROR',
						description: 'The video could not be made: invalid input, content policy, timeout (fal webhook status ERROR)',
					},
				],
				default: ['OK', 'ERROR'],
				description: `Which outcomes start the workflow. Others are acknowledged to fal and dropped. A request starts the workflow once: fal's redeliveries within ${DEDUPE_WINDOW_MS / 3_600_000} hours are acknowledged and dropped.`,
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
				description: "Whether to download the finished MP4 into the output item as binary data. The item's cost estimate (estimatedCostUsd, cost) is read from the downloaded video, so without it the item carries none.",
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
					allowedDownloadHostsOption,
					deleteAfterDownloadOption,
					{
						displayName: 'JWKS URL',
						name: 'jwksUrl',
						type: 'string',
						default: '',
						placeholder: 'https://rest.fal.ai/.well-known/jwks.json',
						description:
							"Where fal publishes the public keys its webhooks are signed with. Empty: fal's own (rest.fal.ai, then rest.alpha.fal.ai). Set it only for a fal stand-in (tests, the offline demo).",
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
		const options = this.getNodeParameter('options', {}) as { jwksUrl?: string; allowedDownloadHosts?: string; deleteAfterDownload?: boolean };

		let verified: VerifySuccess | undefined;
		if (this.getNodeParameter('verifySignature', true) as boolean) {
			// A replay of the very same signed call answers 200 (duplicate) and runs nothing.
			const check = await checkFalSignature(this, delivery, { jwksUrls: jwksUrlsFor(options.jwksUrl) });
			if (!check.ok) {
				respond(this, check.refusal.statusCode, check.refusal.body);
				return { noWebhookResponse: true };
			}
			verified = check.delivery;
		}
		/**
		 * Any answer but 2xx makes fal deliver again, and a retry within the same second carries the
		 * very same signature (Ed25519 is deterministic): the replay record must not turn it into a
		 * "duplicate" of a call that ran nothing, as the resume path (receiveCallback.ts) does too.
		 */
		const refuse = (statusCode: number, body: IDataObject): IWebhookResponseData => {
			if (verified && (statusCode < 200 || statusCode >= 300)) sharedReplayGuard.forget(verified);
			respond(this, statusCode, body);
			return { noWebhookResponse: true };
		};

		const body = parseJsonBody(delivery.rawBody) ?? this.getBodyData();
		const announced = parseFalWebhookBody(body);
		if (!announced || !isFalRequestId(announced.requestId)) {
			return refuse(400, { error: 'not-a-fal-webhook', message: 'Expected a fal webhook body with a fal request_id and status OK or ERROR.' });
		}
		const { requestId } = announced;

		const staticData = this.getWorkflowStaticData('node');
		const claim = claimDelivery(staticData, requestId, Date.now());
		if (claim === 'delivered') {
			respond(this, 200, { received: true, duplicate: true });
			return { noWebhookResponse: true };
		}
		if (claim === 'in-flight') {
			// Another delivery of this request is being checked right now; fal delivers again later.
			return refuse(409, { received: false, retry: true, message: 'This request is being handled; deliver again later.' });
		}

		let confirmed: Confirmed;
		try {
			confirmed = await confirmRequest.call(this, requestId);
		} finally {
			// Nothing awaits between here and markDelivered, so no other delivery slips in.
			releaseDelivery(requestId);
		}
		if (!('event' in confirmed)) return refuse(confirmed.statusCode, confirmed.body);
		markDelivered(requestId, Date.now());
		const event: FalWebhookEvent = { ...confirmed.event, gatewayRequestId: announced.gatewayRequestId, payloadError: announced.payloadError };
		const events = this.getNodeParameter('events', [...FAL_WEBHOOK_STATUSES]) as FalWebhookStatus[];
		if (!events.includes(event.status)) {
			writeDeliveredRecord(staticData, Date.now());
			respond(this, 200, { received: true, ignored: event.status });
			return { noWebhookResponse: true };
		}

		// Answer fal before downloading: a slow download must not look like a failed delivery,
		// which fal would retry. From here on nothing throws; problems are reported on the item.
		respond(this, 200, { received: true });
		const item = await buildOutputItem.call(this, event, confirmed.version, parseHostList(options.allowedDownloadHosts), options.deleteAfterDownload === true);
		// Last, after the download: n8n saves this whole object when webhook() returns.
		writeDeliveredRecord(staticData, Date.now());
		return { noWebhookResponse: true, workflowData: [[item]] };
	}
}

/** `version`: the Seedance version whose app knows the request (prices the video it made). */
type Confirmed = { event: Omit<FalWebhookEvent, 'gatewayRequestId' | 'payloadError'>; version?: VersionFacts } | { statusCode: number; body: IDataObject };

/** Looks the request up in fal's queue with this trigger's key: fal's answer is the event. */
async function confirmRequest(this: IWebhookFunctions, requestId: string): Promise<Confirmed> {
	const credentials = await this.getCredentials<FalCredentials>('falApi');
	const client = createFalTransport(this, credentials);
	const confirmation = await confirmWithSeedance(client, requestId);
	switch (confirmation.kind) {
		case 'ok':
			return { event: { requestId, status: 'OK', payload: confirmation.output }, version: VERSIONS.find((candidate) => candidate.ownerApp === confirmation.app) };
		case 'error': {
			const payload = confirmation.body;
			const failed = parseFalWebhookBody({ request_id: requestId, status: 'ERROR', error: `Invalid status code: ${confirmation.httpStatus}`, payload });
			return { event: failed ?? { requestId, status: 'ERROR', payload, error: `Invalid status code: ${confirmation.httpStatus}` } };
		}
		case 'not-yours':
			this.logger.warn(`Seedance Trigger: fal does not know request ${requestId} under this trigger's Fal API key; the call was refused`);
			return {
				statusCode: 403,
				body: { error: 'not-your-request', message: "This request is not known to fal under this trigger's Fal API key." },
			};
		case 'not-finished':
			return { statusCode: 409, body: { received: false, retry: true, message: 'fal does not report this request as finished yet.' } };
		case 'unavailable':
			this.logger.error(`Seedance Trigger: could not confirm request ${requestId} with fal: ${confirmation.reason}`);
			return { statusCode: 503, body: { received: false, retry: true, message: 'Could not confirm the request with fal; deliver again later.' } };
	}
}

async function buildOutputItem(
	this: IWebhookFunctions,
	event: FalWebhookEvent,
	version: VersionFacts | undefined,
	allowedDownloadHosts: string[],
	deleteAfterDownload: boolean,
): Promise<INodeExecutionData> {
	const json: IDataObject = { requestId: event.requestId };
	if (event.gatewayRequestId) json.gatewayRequestId = event.gatewayRequestId;
	json.status = event.status;
	if (event.status === 'ERROR') {
		json.error = event.error;
		if (event.errorType) json.errorType = event.errorType;
		json.result = event.payload;
		return { json };
	}
	if (event.payloadError) json.payloadError = event.payloadError;
	const result = event.payload;
	json.result = result;
	if (typeof result?.seed === 'number') json.seed = result.seed;
	// A Seedance 2.5 draft (draft: true): Complete Draft renders it at 1080p.
	if (typeof result?.draft_id === 'string') json.draftId = result.draft_id;

	const video = findVideo(result);
	if (video) json.video = { ...video };
	if (!video || !(this.getNodeParameter('downloadVideo', true) as boolean)) return { json };

	const binaryPropertyName = (this.getNodeParameter('binaryPropertyName', DEFAULT_BINARY_PROPERTY) as string).trim() || DEFAULT_BINARY_PROPERTY;
	try {
		const policy = await downloadPolicyOf(this, allowedDownloadHosts);
		// A private output (or an account whose files are private) answers 403: read it through a signed URL.
		const client = createFalTransport(this, await this.getCredentials<FalCredentials>('falApi'));
		const binary = await downloadVideo(this, video.url, video.file_name ?? videoFileName(event.requestId), policy, undefined, { platform: client.platform });
		// The callback does not say what was asked for: the estimate comes from the video itself.
		if (version) Object.assign(json, await deliveredCostFields(this, client, version, binary).catch((error: unknown) => estimateFailed(this, event.requestId, error)));
		if (deleteAfterDownload) json.deletedAtFal = await deleteAtFal(client.platform, event.requestId);
		return { json, binary: { [binaryPropertyName]: binary } };
	} catch (error) {
		json.downloadError = errorMessage(error);
		return { json };
	}
}

/** An estimate is not worth failing the item for: it is left out, and the log says why. */
function estimateFailed(ctx: IWebhookFunctions, requestId: string, error: unknown): IDataObject {
	ctx.logger.warn(`Seedance Trigger: no cost estimate for request ${requestId}: ${errorMessage(error)}`);
	return {};
}

/** The trigger's JWKS URL when set, else fal's own with its fallback. */
function jwksUrlsFor(configured: string | undefined): string[] {
	const url = configured?.trim();
	return url ? [url] : [...FAL_JWKS_URLS];
}
