/**
 * fal's queue and storage over n8n's own HTTP helpers: no runtime dependency, n8n's proxy and
 * network rules apply, and the key goes to one host only (README, "How the node talks to fal").
 */
import { falHosts } from './hosts';
import { createQueue, type FalQueue } from './queue';
import type { FalContext } from './request';
import { createStorage, type FalStorage } from './storage';

export { FalApiError, FalConnectionError } from './errors';
export { normaliseApiHost, redirectToHost } from './hosts';
export type { FalQueue, QueuePriority, QueueResult, QueueStatus, QueueSubmitted } from './queue';
export type { FalContext } from './request';
export { bufferFile, type FalStorage, type UploadFile } from './storage';

export interface FalCredentials {
	apiKey: string;
	/** Optional host that replaces every fal host (queue, storage, upload URLs); empty = fal's own. */
	apiHost?: string;
}

export interface FalTransport {
	queue: FalQueue;
	storage: FalStorage;
}

/**
 * One transport per execution (or webhook call) and credential. Every request's abort signal
 * combines the caller's with the execution's cancel signal (Stop, workflow timeout).
 */
export function createFalTransport(ctx: FalContext, credentials: FalCredentials): FalTransport {
	const hosts = falHosts(credentials.apiHost);
	const executionSignal = 'getExecutionCancelSignal' in ctx ? ctx.getExecutionCancelSignal() : undefined;
	const signalFor = (own?: AbortSignal): AbortSignal | undefined => {
		const signals = [own, executionSignal].filter((signal): signal is AbortSignal => signal !== undefined);
		if (signals.length < 2) return signals[0];
		return AbortSignal.any(signals);
	};
	return { queue: createQueue(ctx, hosts, signalFor), storage: createStorage(ctx, hosts, signalFor) };
}
