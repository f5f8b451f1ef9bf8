/**
 * What fal keeps of a request, asked for on the request itself (fal docs: model-apis
 * media-expiration, file-access-controls, inference/payloads):
 * - `X-Fal-Object-Lifecycle-Preference: {"expiration_duration_seconds": N, "initial_acl": {...}}` on
 *   the submit: how long the request's output files live on fal's CDN, and who may read them;
 * - the same JSON on an upload's initiate (fal-js sends it as `X-Fal-Object-Lifecycle`, fal's Python
 *   client under both names), because inputs are uploaded before the request and its header does
 *   not cover them;
 * - `X-Fal-Store-IO: 0` on the submit: fal does not store the request's input and output JSON.
 */
import type { FalTransport } from './index';

export const LIFECYCLE_HEADER = 'X-Fal-Object-Lifecycle-Preference';
/** The name fal-js 1.10.1 sends on `storage/upload/initiate`. */
export const UPLOAD_LIFECYCLE_HEADER = 'X-Fal-Object-Lifecycle';
export const STORE_IO_HEADER = 'X-Fal-Store-IO';

/** fal's ACL for a file only signed URLs (minted with an account key) can read. */
export const PRIVATE_ACL = { default: 'forbid' } as const;

export interface StoragePreferences {
	/** Output and uploaded files readable only through signed URLs (initial ACL "forbid"). */
	privateFiles?: boolean;
	/** fal deletes the files this long after they are made. */
	expiresInSeconds?: number;
	/** false: `X-Fal-Store-IO: 0`, fal keeps no copy of the request's input and output JSON. */
	storePayloads?: boolean;
}

export interface LifecycleConfig {
	expiration_duration_seconds?: number;
	initial_acl?: { default: 'allow' | 'forbid' | 'hide' };
}

/** The lifecycle JSON, keys in fal-js's order; undefined when nothing differs from fal's defaults. */
export function lifecycleConfig(preferences: StoragePreferences | undefined): LifecycleConfig | undefined {
	if (!preferences) return undefined;
	const config: LifecycleConfig = {};
	if (preferences.expiresInSeconds !== undefined) config.expiration_duration_seconds = preferences.expiresInSeconds;
	if (preferences.privateFiles) config.initial_acl = { ...PRIVATE_ACL };
	return Object.keys(config).length > 0 ? config : undefined;
}

/** Headers of a submit: the outputs' lifecycle and whether fal stores the payloads. */
export function submitStorageHeaders(preferences: StoragePreferences | undefined): Record<string, string> {
	const headers: Record<string, string> = {};
	const config = lifecycleConfig(preferences);
	if (config) headers[LIFECYCLE_HEADER] = JSON.stringify(config);
	if (preferences?.storePayloads === false) headers[STORE_IO_HEADER] = '0';
	return headers;
}

/** Headers of an upload's initiate: the uploaded file's own lifecycle, under both names fal reads. */
export function uploadStorageHeaders(preferences: StoragePreferences | undefined): Record<string, string> {
	const config = lifecycleConfig(preferences);
	if (!config) return {};
	const json = JSON.stringify(config);
	return { [UPLOAD_LIFECYCLE_HEADER]: json, [LIFECYCLE_HEADER]: json };
}

/** The transport of one item: its submit and its uploads carry the item's storage preferences. */
export function withStoragePreferences(transport: FalTransport, preferences: StoragePreferences | undefined): FalTransport {
	if (!preferences) return transport;
	const { queue, storage } = transport;
	return {
		...transport,
		queue: { ...queue, submit: async (endpoint, options) => await queue.submit(endpoint, { ...options, storage: preferences }) },
		storage: { upload: async (file, options) => await storage.upload(file, { ...options, storage: preferences }) },
	};
}
