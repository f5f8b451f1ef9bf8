/**
 * One HTTP exchange with fal through n8n's own helpers, so n8n's proxy settings, SSRF rules and
 * the credential's allowed domains apply. API calls go through `httpRequestWithAuthentication`
 * ('falApi': the credential's `authenticate` adds `Authorization: Key …`); the upload PUTs to the
 * URLs fal hands out go through plain `httpRequest`, without the key, as fal-js sends them.
 */
import type {
	GenericValue,
	IAdditionalCredentialOptions,
	IDataObject,
	IExecuteFunctions,
	IHttpRequestMethods,
	IHttpRequestOptions,
	IWebhookFunctions,
} from 'n8n-workflow';

import { connectionErrorOf, FalApiError } from './errors';
import { parseRetryAfter } from './retry';

export type FalContext = IExecuteFunctions | IWebhookFunctions;

/** A streamed response body (n8n's helpers give a Node readable for `encoding: 'stream'`). */
export interface StreamBody extends AsyncIterable<Buffer | string> {
	destroy?(error?: Error): unknown;
}

export type ResponseHeaders = Record<string, unknown>;

export interface FalRequest {
	method: IHttpRequestMethods;
	url: string;
	/** JSON (an object), raw bytes, or a readable stream of bytes. */
	body?: IDataObject | Buffer | StreamBody;
	/** `false` leaves a header out that the HTTP client would otherwise add. */
	headers?: Record<string, string | false>;
	/** Send the Fal API credential: true for fal's API, false for the upload URLs fal returns. */
	authenticated: boolean;
	/** Answer the body as a stream instead of parsed JSON (the status stream). */
	stream?: boolean;
	abortSignal?: AbortSignal;
	/** Longest time without a byte moving (timeouts.ts); a timeout is a FalConnectionError ETIMEDOUT. */
	timeoutMs?: number;
}

/** Sends one request to fal (`sendFalRequest` bound to a context and its credential). */
export type SendFalRequest = <T>(request: FalRequest) => Promise<FalResponse<T>>;

export interface FalResponse<T> {
	status: number;
	headers: ResponseHeaders;
	body: T;
}

interface FullResponse {
	body: unknown;
	headers?: ResponseHeaders;
	statusCode: number;
	statusMessage?: string;
}

export function headerValue(headers: ResponseHeaders | undefined, name: string): string | undefined {
	const value = headers?.[name.toLowerCase()];
	if (Array.isArray(value)) return value.length ? String(value[0]) : undefined;
	return value === undefined || value === null ? undefined : String(value);
}

async function readText(body: StreamBody): Promise<string> {
	const chunks: Buffer[] = [];
	for await (const chunk of body) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
	return Buffer.concat(chunks).toString('utf8');
}

/** fal's error bodies are JSON; a gateway's HTML page stays text. */
export function parseBody(text: string): unknown {
	if (text === '') return undefined;
	try {
		return JSON.parse(text) as unknown;
	} catch {
		return text;
	}
}

function errorFrom(response: FullResponse, body: unknown): FalApiError {
	return new FalApiError({
		status: response.statusCode,
		statusText: response.statusMessage,
		body: typeof body === 'string' ? parseBody(body) : body,
		requestId: headerValue(response.headers, 'x-fal-request-id'),
		timeoutType: headerValue(response.headers, 'x-fal-request-timeout-type'),
		retryAfterMs: parseRetryAfter(headerValue(response.headers, 'retry-after')),
	});
}

function toHttpOptions(request: FalRequest): IHttpRequestOptions {
	const headers: IDataObject = { ...(request.headers ?? {}) };
	const isJson = request.body !== undefined && !Buffer.isBuffer(request.body) && !(Symbol.asyncIterator in request.body);
	if (isJson && headers['Content-Type'] === undefined) headers['Content-Type'] = 'application/json';
	if (request.authenticated && !request.stream && headers.Accept === undefined) headers.Accept = 'application/json';
	return {
		method: request.method,
		url: request.url,
		headers,
		body: request.body as GenericValue | Buffer | undefined,
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
		// fal never redirects its API; a redirect elsewhere must not carry the key.
		sendCredentialsOnCrossOriginRedirect: false,
		...(request.stream ? { encoding: 'stream' as const } : {}),
		...(request.abortSignal ? { abortSignal: request.abortSignal } : {}),
		...(request.timeoutMs ? { timeout: request.timeoutMs } : {}),
	};
}

/**
 * The execution context as `httpRequestWithAuthentication` reads it, minus the execution's cancel
 * signal: n8n-core 2.41 overwrites every authenticated request's `abortSignal` with
 * `this.getExecutionCancelSignal()` when `this` has one, so the cancel PUT that must follow a Stop
 * would be aborted unsent, and a deadline could not end a status stream. The transport passes its
 * own signal instead, which always includes the execution's (see `createFalTransport`).
 */
function authenticationContext(ctx: FalContext): FalContext {
	if (!('getExecutionCancelSignal' in ctx)) return ctx;
	const detached: Pick<IExecuteFunctions, 'getCredentials' | 'getNode' | 'helpers' | 'logger'> = {
		getCredentials: async (type, itemIndex) => await ctx.getCredentials(type, itemIndex),
		getNode: () => ctx.getNode(),
		helpers: ctx.helpers,
		logger: ctx.logger,
	};
	return detached as unknown as FalContext;
}

/**
 * Sends one request and answers status, headers and body for a 2xx; anything else throws a
 * `FalApiError` (fal's status, body, request id) or a `FalConnectionError` (no answer at all).
 * `credential` is the Fal API credential already read for this execution: handed to n8n, it spares
 * a credential lookup and decryption per request (n8n still applies its `authenticate`).
 */
export async function sendFalRequest<T>(ctx: FalContext, request: FalRequest, credential?: IAdditionalCredentialOptions): Promise<FalResponse<T>> {
	const options = toHttpOptions(request);
	let response: FullResponse;
	try {
		response = (request.authenticated
			? await ctx.helpers.httpRequestWithAuthentication.call(authenticationContext(ctx), 'falApi', options, credential)
			: await ctx.helpers.httpRequest(options)) as FullResponse;
	} catch (error) {
		throw connectionErrorOf(error, request.timeoutMs) ?? error;
	}
	const ok = response.statusCode >= 200 && response.statusCode < 300;
	if (request.stream) {
		const stream = response.body as StreamBody;
		if (!ok) throw errorFrom(response, await readText(stream).catch(() => ''));
		return { status: response.statusCode, headers: response.headers ?? {}, body: stream as T };
	}
	if (!ok) throw errorFrom(response, response.body);
	return { status: response.statusCode, headers: response.headers ?? {}, body: response.body as T };
}
