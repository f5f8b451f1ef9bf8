/**
 * fal's queue and storage over n8n's own HTTP helpers: no runtime dependency, n8n's proxy and
 * network rules apply, and the key goes to one host only (README, "How the node talks to fal").
 */
import type { ICredentialDataDecryptedObject, IDataObject } from 'n8n-workflow';

import { falHosts } from './hosts';
import { createPricing, type FalPricing } from './pricing';
import { createPlatform, type FalPlatform } from './platformStorage';
import { createQueue, type FalQueue } from './queue';
import { sendFalRequest, type FalContext, type SendFalRequest } from './request';
import { createStorage, type FalStorage } from './storage';
import { REQUEST_TIMEOUTS_MS, type RequestTimeouts } from './timeouts';

export { FalApiError, FalConnectionError, SubmitInterruptedError, SubmitUnansweredError } from './errors';
export { normaliseApiHost, redirectToHost } from './hosts';
export type { FalQueue, QueuePriority, QueueResult, QueueStatus, QueueSubmitted } from './queue';
export type { FalPricing, FalUnitPrice } from './pricing';
export type { FalContext } from './request';
export { REQUEST_TIMEOUTS_MS, type RequestTimeouts } from './timeouts';
export { bufferFile, type FalStorage, type UploadFile } from './storage';
export type { DeletedFile, FalPlatform, SignedUrl } from './platformStorage';
export { withStoragePreferences, type StoragePreferences } from './lifecycle';

export interface FalCredentials {
	apiKey: string;
	/** Optional host that replaces every fal host (queue, storage, upload URLs); empty = fal's own. */
	apiHost?: string;
}

export interface FalTransport {
	queue: FalQueue;
	storage: FalStorage;
	/** fal's Platform API prices (cached per process). */
	pricing: FalPricing;
	/** Platform API calls about a request's files: signed URLs, deleting payloads. */
	platform: FalPlatform;
}

/**
 * One transport per execution (or webhook call) and credential; `credentials` is the Fal API
 * credential as `getCredentials('falApi')` returned it, handed back to n8n with each request. Every
 * request's abort signal combines the caller's with the execution's cancel signal (Stop, timeout).
 */
export function createFalTransport(ctx: FalContext, credentials: FalCredentials, timeouts: RequestTimeouts = REQUEST_TIMEOUTS_MS): FalTransport {
	const hosts = falHosts(credentials.apiHost);
	const executionSignal = 'getExecutionCancelSignal' in ctx ? ctx.getExecutionCancelSignal() : undefined;
	const signalFor = (own?: AbortSignal): AbortSignal | undefined => {
		const signals = [own, executionSignal].filter((signal): signal is AbortSignal => signal !== undefined);
		if (signals.length < 2) return signals[0];
		return AbortSignal.any(signals);
	};
	const reference = ctx.getNode().credentials?.falApi;
	const data = credentials as unknown as ICredentialDataDecryptedObject;
	const credential = { credentialsDecrypted: { id: reference?.id ?? '', name: reference?.name ?? 'Fal API', type: 'falApi', data } };
	const send: SendFalRequest = async (request) => await sendFalRequest(ctx, request, credential);
	const warn = (message: string, meta: IDataObject) => ctx.logger.warn(message, meta);
	return {
		queue: createQueue(send, hosts, signalFor, warn, timeouts),
		storage: createStorage(send, hosts, signalFor, timeouts.upload),
		pricing: createPricing(send, hosts, credentials.apiKey, signalFor),
		platform: createPlatform(send, hosts, signalFor),
	};
}
