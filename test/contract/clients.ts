/**
 * The two clients the contract suite compares, behind one small interface: fal's official client
 * (`@fal-ai/client`, the reference) and the node's own transport running inside n8n-core's real
 * execution context (a probe node in the harness, so n8n's HTTP helpers and the credential's
 * `authenticate` do the sending, exactly as in the Seedance node).
 */
import { Readable } from 'node:stream';

import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { createFalTransport, REQUEST_TIMEOUTS_MS, type FalCredentials, type FalTransport, type QueuePriority, type RequestTimeouts } from '../../nodes/shared/transport';
import { runWorkflow } from '../harness/runWorkflow';
import { createReferenceFalClient } from './referenceClient';

export interface SubmitRequest {
	endpoint: string;
	input: object;
	webhookUrl?: string;
	startTimeout?: number;
	priority?: QueuePriority;
	/** Private outputs (initial ACL forbid) and their expiry; fal-js: `storageSettings`. */
	storage?: { privateFiles?: boolean; expiresInSeconds?: number };
}

/** What a scenario can ask of a client; both clients answer the same shapes. */
export interface ContractClient {
	submit(request: SubmitRequest): Promise<{ request_id: string; status: string }>;
	status(endpoint: string, requestId: string, logs: boolean): Promise<{ status: string; logs?: unknown[] }>;
	/** Follows the status stream to its end; the last update. */
	streamStatus(endpoint: string, requestId: string): Promise<{ status?: string } | undefined>;
	result(endpoint: string, requestId: string): Promise<{ data: unknown; requestId: string }>;
	cancel(endpoint: string, requestId: string): Promise<void>;
	upload(bytes: Buffer, fileName: string, contentType: string, storage?: SubmitRequest['storage']): Promise<string>;
}

/** fal-js's StorageSettings for the same preferences. */
function storageSettingsOf(storage: SubmitRequest['storage']) {
	if (!storage) return undefined;
	return { ...(storage.expiresInSeconds !== undefined ? { expiresIn: storage.expiresInSeconds } : {}), ...(storage.privateFiles ? { initialAcl: { default: 'forbid' as const } } : {}) };
}

export type Scenario<T> = (client: ContractClient) => Promise<T>;

/** How a scenario ended: its value, or the error's status and body (what `toNodeError` reads). */
export type Outcome<T> = { ok: true; value: T } | { ok: false; status?: number; body?: unknown; message: string };

async function settle<T>(run: () => Promise<T>): Promise<Outcome<T>> {
	return await run().then(
		(value): Outcome<T> => ({ ok: true, value }),
		(error: { status?: unknown; body?: unknown; message?: unknown }): Outcome<T> => ({
			ok: false,
			status: typeof error?.status === 'number' ? error.status : undefined,
			body: error?.body,
			message: String(error?.message ?? error),
		}),
	);
}

export async function runWithReference<T>(credentials: FalCredentials & { apiHost: string }, scenario: Scenario<T>): Promise<Outcome<T>> {
	const fal = createReferenceFalClient({ apiKey: credentials.apiKey, apiHost: credentials.apiHost });
	const client: ContractClient = {
		submit: async ({ endpoint, input, webhookUrl, startTimeout, priority, storage }) =>
			await fal.queue.submit(endpoint, { input, webhookUrl, startTimeout, priority, storageSettings: storageSettingsOf(storage) }),
		status: async (endpoint, requestId, logs) => await fal.queue.status(endpoint, { requestId, logs }),
		streamStatus: async (endpoint, requestId) => {
			const stream = await fal.queue.streamStatus(endpoint, { requestId, logs: false });
			return (await stream.done()) as { status?: string };
		},
		result: async (endpoint, requestId) => await fal.queue.result(endpoint, { requestId }),
		cancel: async (endpoint, requestId) => await fal.queue.cancel(endpoint, { requestId }),
		upload: async (bytes, fileName, contentType, storage) =>
			await fal.storage.upload(new File([bytes as Uint8Array as BlobPart], fileName, { type: contentType }), { lifecycle: storageSettingsOf(storage) }),
	};
	return await settle(async () => await scenario(client));
}

function transportClient(transport: FalTransport): ContractClient {
	return {
		submit: async ({ endpoint, input, webhookUrl, startTimeout, priority, storage }) =>
			await transport.queue.submit(endpoint, { input, webhookUrl, startTimeout, priority, storage }),
		status: async (endpoint, requestId, logs) => await transport.queue.status(endpoint, { requestId, logs }),
		streamStatus: async (endpoint, requestId) => await transport.queue.streamStatus(endpoint, { requestId, logs: false }),
		result: async (endpoint, requestId) => await transport.queue.result(endpoint, { requestId }),
		cancel: async (endpoint, requestId) => await transport.queue.cancel(endpoint, { requestId }),
		// As the node does for a file in n8n's binary store: a stream of chunks and its size.
		upload: async (bytes, fileName, contentType, storage) =>
			await transport.storage.upload(
				{
					fileName,
					contentType,
					size: bytes.length,
					open: async () => Readable.from(chunksOf(bytes, 64 * 1024)),
				},
				{ storage },
			),
	};
}

function* chunksOf(bytes: Buffer, size: number): Generator<Buffer> {
	for (let start = 0; start < bytes.length; start += size) yield bytes.subarray(start, start + size);
}

const PROBE_TYPE = 'n8n-nodes-contract.probe';

const PROBE_DESCRIPTION: INodeTypeDescription = {
	displayName: 'Contract Probe',
	name: 'contractProbe',
	group: ['transform'],
	version: 1,
	description: 'Runs one contract scenario through the fal transport',
	defaults: { name: 'Contract Probe' },
	inputs: [NodeConnectionTypes.Main],
	outputs: [NodeConnectionTypes.Main],
	credentials: [{ name: 'falApi', required: true }],
	properties: [],
};

/** A node whose `execute` hands its real execution context to `onContext`. */
function probeNode(onContext: (ctx: IExecuteFunctions) => Promise<void>): INodeType {
	return {
		description: PROBE_DESCRIPTION,
		async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
			await onContext(this);
			return [[{ json: {}, pairedItem: { item: 0 } }]];
		},
	};
}

export async function runWithTransport<T>(
	credentials: FalCredentials & { apiHost: string },
	scenario: Scenario<T>,
	timeouts: RequestTimeouts = REQUEST_TIMEOUTS_MS,
): Promise<Outcome<T>> {
	let outcome: Outcome<T> | undefined;
	const probe = probeNode(async (ctx) => {
		const falCredentials = await ctx.getCredentials<FalCredentials>('falApi');
		const client = transportClient(createFalTransport(ctx, falCredentials, timeouts));
		outcome = await settle(async () => await scenario(client));
	});
	const run = await runWorkflow({ nodeType: probe, nodeTypeName: PROBE_TYPE, parameters: {}, items: [{ json: {} }], credentials: { falApi: { apiKey: credentials.apiKey, apiHost: credentials.apiHost } } });
	if (!outcome) throw new Error(`the probe did not run: ${run.status} ${run.error?.message ?? ''}`);
	return outcome;
}
