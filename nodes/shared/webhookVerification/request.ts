/**
 * What a node's `webhook()` needs to check a fal delivery, shared by the Seedance Trigger and the
 * resume webhook of "Submit and Wait for Webhook": the headers and the body bytes exactly as they
 * arrived (n8n keeps them: its rawBodyReader middleware, n8n/dist/middlewares/body-parser.js), the
 * signature check turned into an HTTP answer, and a way to write that answer.
 */
import type { IDataObject, IWebhookFunctions } from 'n8n-workflow';

import { verifyFalWebhookWithJwks, type ReplayGuard } from './jwksCache';
import type { VerifySuccess, WebhookHeaders } from './signature';

const JWKS_TIMEOUT_MS = 10_000;

/** What is read of the incoming request; n8n gives an express request (raw body kept). */
interface IncomingWebhookRequest {
	headers?: WebhookHeaders;
	rawBody?: Buffer;
	readRawBody?: () => Promise<void>;
}

/** Node's ServerResponse methods, which the express response n8n hands over inherits. */
interface WebhookResponseWriter {
	headersSent?: boolean;
	writeHead(statusCode: number, headers: Record<string, string>): unknown;
	end(body: string): unknown;
}

export interface WebhookDelivery {
	headers: WebhookHeaders;
	/** The body exactly as received; empty when n8n kept none. */
	rawBody: Buffer;
}

/** Headers and raw body of the call this `webhook()` is answering. */
export async function readWebhookDelivery(ctx: IWebhookFunctions): Promise<WebhookDelivery> {
	const request = ctx.getRequestObject() as unknown as IncomingWebhookRequest;
	if (!request.rawBody && typeof request.readRawBody === 'function') await request.readRawBody();
	return {
		headers: request.headers ?? {},
		rawBody: Buffer.isBuffer(request.rawBody) ? request.rawBody : Buffer.alloc(0),
	};
}

/** The raw body as JSON, or undefined when it is empty or not JSON. */
export function parseJsonBody(rawBody: Buffer): unknown {
	if (rawBody.length === 0) return undefined;
	try {
		return JSON.parse(rawBody.toString('utf8'));
	} catch {
		return undefined;
	}
}

/** Writes a JSON answer at once (once: later calls are ignored). */
export function respond(ctx: IWebhookFunctions, statusCode: number, body: IDataObject): void {
	const response = ctx.getResponseObject() as unknown as WebhookResponseWriter;
	if (response.headersSent) return;
	response.writeHead(statusCode, { 'content-type': 'application/json; charset=utf-8' });
	response.end(JSON.stringify(body));
}

export interface WebhookRefusal {
	statusCode: number;
	body: IDataObject;
}

export type SignatureCheck = { ok: true; delivery: VerifySuccess } | { ok: false; refusal: WebhookRefusal };

/**
 * Checks fal's signature on a delivery and says how to answer one that fails: 401 for a missing,
 * forged or stale signature; 503 when no JWKS location gives keys (fal delivers again later); 200
 * for a replay of a call already received, so that fal does not retry it and nothing runs twice.
 * The JWKS locations are tried in order: the next one when keys cannot be loaded or none verifies.
 * The 503 goes to a caller not yet authenticated, so it carries no internal error text; the cause
 * is logged.
 */
export async function checkFalSignature(
	ctx: IWebhookFunctions,
	delivery: WebhookDelivery,
	options: { jwksUrls: readonly string[]; replayGuard?: ReplayGuard | null },
): Promise<SignatureCheck> {
	let firstRefusal: WebhookRefusal | undefined;
	const loadFailures: string[] = [];
	for (const jwksUrl of options.jwksUrls) {
		let verdict;
		try {
			verdict = await verifyFalWebhookWithJwks({
				headers: delivery.headers,
				rawBody: delivery.rawBody,
				jwksUrl,
				nowMs: Date.now(),
				replayGuard: options.replayGuard,
				fetchJwks: async (url) => await ctx.helpers.httpRequest({ method: 'GET', url, json: true, timeout: JWKS_TIMEOUT_MS }),
			});
		} catch (error) {
			loadFailures.push(`${jwksUrl}: ${errorMessage(error)}`);
			continue;
		}
		if (verdict.ok) return { ok: true, delivery: verdict };
		if (verdict.reason === 'replayed') return { ok: false, refusal: { statusCode: 200, body: { received: true, duplicate: true } } };
		firstRefusal ??= { statusCode: 401, body: { error: verdict.reason, message: verdict.message } };
		// Only a signature no key verified is worth the next location; anything else is final.
		if (verdict.reason !== 'bad-signature' && verdict.reason !== 'no-keys') break;
	}
	if (firstRefusal) return { ok: false, refusal: firstRefusal };
	ctx.logger.error(`Could not load fal's webhook keys (JWKS), answered 503 so that fal delivers again: ${loadFailures.join('; ')}`);
	return {
		ok: false,
		refusal: { statusCode: 503, body: { error: 'jwks-unavailable', message: "Could not load fal's webhook keys; deliver again later." } },
	};
}

export function errorMessage(error: unknown): string {
	if (error && typeof error === 'object') {
		const body = (error as { body?: { detail?: unknown } }).body;
		if (typeof body?.detail === 'string') return body.detail;
		if ('message' in error && typeof error.message === 'string') return error.message;
	}
	return String(error);
}
