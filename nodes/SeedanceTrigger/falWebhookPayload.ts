/**
 * The body fal POSTs to a webhook URL (fal-protocol.md §3), read into what the trigger emits:
 *   {"request_id","gateway_request_id","status":"OK","payload":{video,seed}}
 *   {"request_id","gateway_request_id","status":"ERROR","error":"Invalid status code: 422","payload":{"detail":[…]}}
 *   {…,"payload":null,"payload_error":"Response payload is not JSON serializable…"}
 */
import type { IDataObject } from 'n8n-workflow';

import { FAL_FIELD_LABELS, REAL_PEOPLE_REFUSAL } from '../shared/schema';

export const FAL_WEBHOOK_STATUSES = ['OK', 'ERROR'] as const;
export type FalWebhookStatus = (typeof FAL_WEBHOOK_STATUSES)[number];

export interface FalWebhookEvent {
	requestId: string;
	gatewayRequestId?: string;
	status: FalWebhookStatus;
	/** Readable: the fields fal named and what it said about them. ERROR only. */
	error?: string;
	/** fal's error type, e.g. `content_policy_violation` or `request_timeout`, when it gave one. */
	errorType?: string;
	/** The model's output (OK) or error body (ERROR); null when fal could not include it. */
	payload: IDataObject | null;
	/** Set when fal left the payload out; the result must then be read from the queue. */
	payloadError?: string;
}

export interface FalVideoFile {
	url: string;
	content_type?: string;
	file_name?: string;
	file_size?: number;
}

const NO_DETAILS = 'fal reported an error without details';

function isObject(value: unknown): value is IDataObject {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function optionalString(value: unknown): string | undefined {
	return typeof value === 'string' && value !== '' ? value : undefined;
}

/** Reads a webhook body; undefined when it is not one (no known status or no request id). */
export function parseFalWebhookBody(body: unknown, fallbackRequestId?: string): FalWebhookEvent | undefined {
	if (!isObject(body)) return undefined;
	const status = body.status;
	if (status !== 'OK' && status !== 'ERROR') return undefined;
	const requestId = optionalString(body.request_id) ?? fallbackRequestId;
	if (!requestId) return undefined;

	const payload = isObject(body.payload) ? body.payload : null;
	const event: FalWebhookEvent = { requestId, status, payload };
	const gatewayRequestId = optionalString(body.gateway_request_id);
	if (gatewayRequestId) event.gatewayRequestId = gatewayRequestId;
	const payloadError = optionalString(body.payload_error);
	if (payloadError) event.payloadError = payloadError;
	if (status === 'ERROR') {
		event.error = describeFalError(payload, optionalString(body.error));
		const errorType = findErrorType(payload);
		if (errorType) event.errorType = errorType;
	}
	return event;
}

/**
 * `detail` is a list of `{loc, msg, type}` (validation and model errors) or a plain string (infra
 * errors). Fields are named as the node shows them, with fal's name beside it.
 */
export function describeFalError(payload: IDataObject | null, statusLine?: string): string {
	const detail = payload?.detail;
	if (typeof detail === 'string' && detail.trim() !== '') return detail.trim();
	if (Array.isArray(detail)) {
		const parts = detail.filter(isObject).map(describeDetailEntry).filter((part) => part !== '');
		const text = parts.join('; ');
		if (REAL_PEOPLE_REFUSAL.messagePattern.test(text)) return `${REAL_PEOPLE_REFUSAL.summary} (${text})`;
		if (parts.length > 0) return text;
	}
	return statusLine ?? NO_DETAILS;
}

function describeDetailEntry(entry: IDataObject): string {
	const message = optionalString(entry.msg) ?? optionalString(entry.type) ?? '';
	const field = fieldName(entry.loc);
	if (!field) return message;
	const label = FAL_FIELD_LABELS[field];
	const named = label ? `${label} (${field})` : field;
	return message ? `${named}: ${message}` : named;
}

/** `loc` is e.g. `["body", "image_url"]`; the last string that is not "body" names the field. */
function fieldName(loc: unknown): string | undefined {
	if (!Array.isArray(loc)) return undefined;
	const names = loc.filter((part): part is string => typeof part === 'string' && part !== 'body');
	return names.at(-1);
}

function findErrorType(payload: IDataObject | null): string | undefined {
	if (!payload) return undefined;
	const direct = optionalString(payload.error_type);
	if (direct) return direct;
	if (Array.isArray(payload.detail)) {
		const first = payload.detail.find(isObject);
		return first ? optionalString(first.type) : undefined;
	}
	return undefined;
}

/** The generated video in a Seedance output (`{video:{url,…}, seed}`), if there is one. */
export function findVideo(output: IDataObject | null): FalVideoFile | undefined {
	const video = output?.video;
	if (!isObject(video)) return undefined;
	const url = optionalString(video.url);
	if (!url) return undefined;
	const file: FalVideoFile = { url };
	const contentType = optionalString(video.content_type);
	if (contentType) file.content_type = contentType;
	const fileName = optionalString(video.file_name);
	if (fileName) file.file_name = fileName;
	if (typeof video.file_size === 'number') file.file_size = video.file_size;
	return file;
}
