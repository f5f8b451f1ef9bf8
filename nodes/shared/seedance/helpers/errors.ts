import { NodeApiError, NodeOperationError, type INode, type JsonObject } from 'n8n-workflow';

import { DRAFT_LIFETIME_DAYS, FAL_FIELD_LABELS, REAL_PEOPLE_REFUSAL } from '../../schema';
import { SubmitInterruptedError, SubmitUnansweredError } from '../../transport';
import { SigningRefusedError } from './falFiles';
import { DownloadRefusedError } from '../../transport/downloadPolicy';
import { redactSecret } from './secrets';

/** A problem with what the user entered, found before anything is sent to fal. */
export class InputError extends Error {
	constructor(
		readonly field: string,
		problem: string,
		readonly hint?: string,
	) {
		super(`${field}: ${problem}`);
	}
}

/** A fal job that did not finish in time or was stopped; the job has been cancelled at fal. */
export class JobInterruptedError extends Error {
	constructor(
		message: string,
		readonly requestId: string,
		readonly hint: string,
	) {
		super(message);
	}
}

/** The video host (fal's CDN, a proxy) did not hand over the video: not a problem with the fal key. */
export class VideoDownloadError extends Error {
	constructor(
		readonly host: string,
		readonly status?: number,
		/** The connection error, when there was no HTTP answer. Kept out of the message: n8n rewrites messages naming ENOTFOUND & co. */
		readonly reason?: string,
	) {
		super(`Could not download the video from ${host}${status !== undefined ? ` (HTTP ${status})` : ': no answer from the host'}`);
	}

	get hint(): string {
		if (this.status === 403 || this.status === 404 || this.status === 410) {
			return 'The video file is gone or no longer accessible: fal keeps result files for a limited time. Run the generation again, or use Get Result soon after the job finishes.';
		}
		if (this.status !== undefined && this.status >= 300 && this.status < 400) {
			return 'The video host answered with a redirect, which is not followed (only allowed hosts are fetched). Add the final host to Allowed Download Hosts if you trust it.';
		}
		const cause = this.reason ? ` (${this.reason})` : '';
		return `The video host could not be reached or failed${cause}. Try again, or turn on Return URL Only and fetch the video yourself.`;
	}
}

interface FalErrorDetail {
	loc?: Array<string | number>;
	msg?: string;
	type?: string;
}

interface FalLikeError {
	status: number;
	body?: unknown;
	requestId?: string;
	message: string;
}

const CONTENT_POLICY_TYPES = new Set(['content_policy_violation', 'content_moderation']);
const TRANSPORT_ERROR_PATTERN = /fetch failed|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENOTFOUND|EAI_AGAIN|UND_ERR|socket hang up/i;

function isFalError(error: unknown): error is FalLikeError {
	return typeof error === 'object' && error !== null && typeof (error as FalLikeError).status === 'number';
}

function detailOf(body: unknown): FalErrorDetail[] | string | undefined {
	if (typeof body !== 'object' || body === null) return undefined;
	const detail = (body as { detail?: unknown }).detail;
	if (typeof detail === 'string') return detail;
	if (Array.isArray(detail)) return detail as FalErrorDetail[];
	return undefined;
}

/** "Start Image (image_url)" for a 422's `loc: ["body", "image_url"]`. */
export function fieldLabelOf(loc: FalErrorDetail['loc']): string | undefined {
	const falField = (loc ?? []).filter((part) => part !== 'body').join('.');
	if (!falField) return undefined;
	const label = FAL_FIELD_LABELS[falField.split('.')[0]];
	return label ? `${label} (${falField})` : falField;
}

/** One readable line per entry of fal's 422 `detail`, naming the node's field. */
export function describeValidationDetail(detail: FalErrorDetail[] | string): string {
	if (typeof detail === 'string') return detail;
	return detail
		.map((entry) => {
			const field = fieldLabelOf(entry.loc);
			const message = entry.msg ?? entry.type ?? 'invalid value';
			if (entry.type && CONTENT_POLICY_TYPES.has(entry.type)) {
				return `fal's content policy rejected ${field ?? 'the request'}: ${message}`;
			}
			return field ? `${field}: ${message}` : message;
		})
		.join('; ');
}

function isContentPolicy(detail: FalErrorDetail[] | string | undefined): boolean {
	return Array.isArray(detail) && detail.some((entry) => entry.type && CONTENT_POLICY_TYPES.has(entry.type));
}

function describeFalError(error: FalLikeError, context: string): { message: string; description: string } {
	const detail = detailOf(error.body);
	const detailText = detail ? describeValidationDetail(detail) : undefined;
	const requestNote = error.requestId ? ` Request ID: ${error.requestId}.` : '';
	if (error.status === 401 || error.status === 403) {
		return {
			message: `The Fal API key was rejected (HTTP ${error.status})`,
			description: `fal refused the key while ${context}. Check the API Key in the Fal API credential (fal.ai → Dashboard → Keys), and its API Host if you set one.`,
		};
	}
	if (error.status === 422 && isContentPolicy(detail)) {
		return {
			message: detailText ?? "fal's content policy rejected this request",
			description: `Seedance refused the prompt or an image as unsafe. Rephrase the prompt or use another image, then run again.${requestNote}`,
		};
	}
	if (error.status === REAL_PEOPLE_REFUSAL.status && detailText && REAL_PEOPLE_REFUSAL.messagePattern.test(detailText)) {
		return {
			message: REAL_PEOPLE_REFUSAL.summary,
			description: `fal said: ${detailText}. Use an image or video without a recognisable face (photoreal AI-generated faces count too), or animate a drawn or stylised one.${requestNote}`,
		};
	}
	if (error.status === 422 || error.status === 400) {
		return {
			message: `fal rejected the input: ${detailText ?? error.message}`,
			description: `Fix the field named above and run again.${requestNote}`,
		};
	}
	if (error.status === 429) {
		return {
			message: 'fal is rate limiting this key (HTTP 429)',
			description: `fal kept answering "too many requests" after the client's retries while ${context}. Lower Options → Concurrency, or raise your fal concurrency limit by adding credits.`,
		};
	}
	if (error.status >= 500) {
		return {
			message: `fal had a server error (HTTP ${error.status})${detailText ? `: ${detailText}` : ''}`,
			description: `The error persisted after retries while ${context}. Try again in a few minutes.${requestNote}`,
		};
	}
	return {
		message: `fal answered HTTP ${error.status}${detailText ? `: ${detailText}` : ''}`,
		description: `While ${context}.${requestNote}`,
	};
}

const DRAFT_EXPIRED_PATTERN = /expire/i;

/**
 * fal refusing a draft_id (draft/complete): an unknown ID, a draft older than 7 days, or another
 * account's draft. fal's exact wording is not documented, so any 4xx entry on `draft_id` counts.
 */
function describeDraftRefusal(error: FalLikeError, itemIndex: number): { message: string; description: string } | undefined {
	if (error.status < 400 || error.status >= 500) return undefined;
	const detail = detailOf(error.body);
	const entry = Array.isArray(detail) ? detail.find((candidate) => (candidate.loc ?? []).includes('draft_id')) : undefined;
	if (!entry) return undefined;
	const draftId = typeof (entry as { input?: unknown }).input === 'string' ? ` "${(entry as { input: string }).input}"` : '';
	const falText = entry.msg ?? entry.type ?? 'refused';
	const requestNote = error.requestId ? ` Request ID: ${error.requestId}.` : '';
	if (DRAFT_EXPIRED_PATTERN.test(`${entry.type ?? ''} ${falText}`)) {
		return {
			message: `Draft ID: draft${draftId} has expired [item ${itemIndex}]`,
			description: `fal completes a draft within ${DRAFT_LIFETIME_DAYS} days of its creation (fal: "${falText}"). Make a new draft with Generate Video ("Draft (480p Preview)" on) and complete that one.${requestNote}`,
		};
	}
	return {
		message: `Draft ID: fal has no draft${draftId} for this account [item ${itemIndex}]`,
		description:
			`fal: "${falText}". The Draft ID must come from a Seedance 2.5 Generate Video run with "Draft (480p Preview)" on, made with a key of the same fal account as this credential, ` +
			`within the last ${DRAFT_LIFETIME_DAYS} days. Check what the Draft ID field maps (e.g. {{ $json.draftId }}).${requestNote}`,
	};
}

/** Where an error of an item stopped mid-job keeps its fal request id (see `interruptedRequestOf`). */
const INTERRUPTED_REQUEST_KEY = 'interruptedRequestId';

/** The fal request a stopped item had in flight (cancelled, or tried to), if the error is one of those. */
export function interruptedRequestOf(error: NodeApiError | NodeOperationError): string | undefined {
	const requestId = error.context[INTERRUPTED_REQUEST_KEY];
	return typeof requestId === 'string' ? requestId : undefined;
}

/**
 * Turns anything thrown while handling one item into an n8n error that names the item, the field
 * or the fal request, and never carries the API key or a stack trace to the user.
 */
export function toNodeError(
	node: INode,
	error: unknown,
	itemIndex: number,
	apiKey: string | undefined,
	context = 'talking to fal',
): NodeApiError | NodeOperationError {
	const clean = (text: string) => redactSecret(text, apiKey);
	if (error instanceof NodeApiError || error instanceof NodeOperationError) return error;
	if (error instanceof InputError) {
		return new NodeOperationError(node, clean(`${error.message} [item ${itemIndex}]`), {
			itemIndex,
			description: error.hint ? clean(error.hint) : undefined,
		});
	}
	if (error instanceof VideoDownloadError) {
		return new NodeOperationError(node, clean(error.message), { itemIndex, description: error.hint });
	}
	if (error instanceof DownloadRefusedError) {
		return new NodeOperationError(node, clean(error.message), {
			itemIndex,
			description: `Videos are fetched from any public host fal names, never from a private address. If ${error.host} is a mirror or proxy on your own network that you trust, add it to Options → Allowed Download Hosts.`,
		});
	}
	if (error instanceof SigningRefusedError) {
		return new NodeOperationError(node, clean(error.message), {
			itemIndex,
			description: 'The file is private to your fal account. Give the credential a key with the assets:read permission (an API key from fal.ai/dashboard/keys), or set Output Files to Public link.',
		});
	}
	if (error instanceof JobInterruptedError || error instanceof SubmitInterruptedError) {
		const nodeError = new NodeOperationError(node, clean(error.message), { itemIndex, description: clean(error.hint) });
		nodeError.context[INTERRUPTED_REQUEST_KEY] = error.requestId;
		return nodeError;
	}
	if (error instanceof SubmitUnansweredError) {
		return new NodeOperationError(node, clean(`fal did not answer the submit (${error.reason}): it may have queued the job anyway, and will then run and bill it`), {
			itemIndex,
			description: clean(error.hint),
		});
	}
	if (isFalError(error)) {
		const { message, description } = describeDraftRefusal(error, itemIndex) ?? describeFalError(error, context);
		const response: JsonObject = { status: error.status, detail: clean(JSON.stringify(detailOf(error.body) ?? null)) };
		return new NodeApiError(node, response, {
			itemIndex,
			httpCode: String(error.status),
			message: clean(message),
			description: clean(description),
		});
	}
	const text = error instanceof Error ? error.message : String(error);
	const cause = error instanceof Error && error.cause instanceof Error ? ` (${error.cause.message})` : '';
	if (TRANSPORT_ERROR_PATTERN.test(text + cause)) {
		return new NodeOperationError(node, clean(`Could not reach fal${cause}`), {
			itemIndex,
			description: `The connection failed while ${context}, after the client's retries. Check the network, a proxy, or the API Host of the Fal API credential.`,
		});
	}
	return new NodeOperationError(node, clean(text), { itemIndex });
}
