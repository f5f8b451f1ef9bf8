/** Options → Output Files, Delete Outputs at Fal After, Store Request at Fal, Delete at Fal After Download. */
import type { IDataObject } from 'n8n-workflow';

import type { StoragePreferences } from '../../transport';
import { MAX_SIGNED_LINK_SECONDS } from '../description/privacyOptions';
import { InputError } from './errors';
import { DEFAULT_SIGNED_LINK_SECONDS } from './falFiles';

export interface PrivacyOptions {
	privateOutputs: boolean;
	signedLinkSeconds: number;
	/** undefined: fal's default retention. */
	deleteOutputsAfterSeconds?: number;
	storePayloads: boolean;
	deleteAfterDownload: boolean;
}

/** The privacy options of one item's Options collection, checked. */
export function readPrivacyOptions(options: IDataObject): PrivacyOptions {
	const outputFiles = String(options.outputFiles ?? 'public');
	if (outputFiles !== 'public' && outputFiles !== 'private') throw new InputError('Output Files', `"${outputFiles}" is not allowed. Use one of: public, private`);
	const signedLinkSeconds = Number(options.signedLinkSeconds ?? DEFAULT_SIGNED_LINK_SECONDS);
	if (!Number.isInteger(signedLinkSeconds) || signedLinkSeconds < 1 || signedLinkSeconds > MAX_SIGNED_LINK_SECONDS) {
		throw new InputError('Signed Link Lifetime', `"${String(options.signedLinkSeconds)}" must be a whole number of seconds from 1 to ${MAX_SIGNED_LINK_SECONDS} (7 days, fal's limit)`);
	}
	const expiry = Number(options.deleteOutputsAfterSeconds ?? 0);
	if (!Number.isInteger(expiry) || expiry < 0) {
		throw new InputError('Delete Outputs at Fal After', `"${String(options.deleteOutputsAfterSeconds)}" must be a whole number of seconds (0: fal's default retention)`);
	}
	return {
		privateOutputs: outputFiles === 'private',
		signedLinkSeconds,
		deleteOutputsAfterSeconds: expiry > 0 ? expiry : undefined,
		storePayloads: options.storePayloads !== false,
		deleteAfterDownload: options.deleteAfterDownload === true,
	};
}

/** What the submit and the uploads ask fal to keep; undefined when everything is fal's default. */
export function storagePreferencesOf(privacy: PrivacyOptions): StoragePreferences | undefined {
	if (!privacy.privateOutputs && privacy.deleteOutputsAfterSeconds === undefined && privacy.storePayloads) return undefined;
	return { privateFiles: privacy.privateOutputs, expiresInSeconds: privacy.deleteOutputsAfterSeconds, storePayloads: privacy.storePayloads };
}
