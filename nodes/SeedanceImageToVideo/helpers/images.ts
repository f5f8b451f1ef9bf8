import type { FalClient } from '../transport/falClient';
import type { IExecuteFunctions } from 'n8n-workflow';

import { ACCEPTED_IMAGE_TYPES, FAL_MAX_IMAGE_BYTES } from '../model';
import { InputError } from './errors';
import type { ImageSource } from './parameters';

const MEGABYTE = 1024 * 1024;
const DATA_URI_PATTERN = /^data:([^;,]+)?(;base64)?,/i;

function describeSize(bytes: number): string {
	return `${(bytes / MEGABYTE).toFixed(1)} MB`;
}

function tooLarge(label: string, bytes: number): InputError {
	return new InputError(label, `is ${describeSize(bytes)}, over fal's limit of ${describeSize(FAL_MAX_IMAGE_BYTES)}`, 'Resize or compress the image (JPEG or WebP) before this node.');
}

/** Accepts http(s) URLs and data URIs, as fal does; anything else is named back to the user. */
export function checkImageUrl(label: string, url: string): string {
	const dataUri = DATA_URI_PATTERN.exec(url);
	if (dataUri) {
		const payload = url.slice(dataUri[0].length);
		const bytes = dataUri[2] ? Math.floor((payload.length * 3) / 4) : payload.length;
		if (bytes > FAL_MAX_IMAGE_BYTES) throw tooLarge(label, bytes);
		return url;
	}
	if (!URL.canParse(url)) {
		throw new InputError(label, `"${url.slice(0, 100)}" is not a URL`, 'Give a full http(s) URL such as https://example.com/cat.jpg, or a data: URI.');
	}
	const parsed = new URL(url);
	if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
		throw new InputError(label, `must start with http://, https:// or data:, not "${parsed.protocol}"`, 'fal downloads the image itself, so the URL must be public; for a file in n8n, switch the source to Binary Property.');
	}
	return url;
}

/** Reads an image from the item's binary data and uploads it to fal storage; returns its URL. */
async function uploadBinaryImage(
	ctx: IExecuteFunctions,
	client: FalClient,
	itemIndex: number,
	label: string,
	property: string,
): Promise<string> {
	const item = ctx.getInputData()[itemIndex];
	const binary = item?.binary?.[property];
	if (!binary) {
		const available = Object.keys(item?.binary ?? {});
		throw new InputError(
			`${label} Binary Property`,
			`the item has no binary property "${property}"`,
			available.length
				? `Its binary properties are: ${available.join(', ')}. Put one of them in the field.`
				: 'The incoming item has no binary data at all. Add a node before this one that reads the image (e.g. HTTP Request, Read/Write Files, Google Drive), or use an image URL.',
		);
	}
	const mimeType = binary.mimeType ?? '';
	if (!mimeType.startsWith('image/')) {
		throw new InputError(`${label} Binary Property`, `"${property}" is ${mimeType || 'of unknown type'}, not an image`, `Seedance accepts ${ACCEPTED_IMAGE_TYPES.join(', ')} images.`);
	}
	const bytes = await ctx.helpers.getBinaryDataBuffer(itemIndex, property);
	if (bytes.length > FAL_MAX_IMAGE_BYTES) throw tooLarge(label, bytes.length);
	// The client uploads Blob/File only; a Buffer would be sent as JSON (fal-protocol.md §2).
	const fileName = binary.fileName ?? `${property}.${mimeType.split('/')[1] ?? 'png'}`;
	return await client.storage.upload(new File([bytes as Uint8Array as BlobPart], fileName, { type: mimeType }));
}

export async function resolveImage(
	ctx: IExecuteFunctions,
	client: FalClient,
	itemIndex: number,
	label: string,
	source: ImageSource,
): Promise<string> {
	if (source.kind === 'url') return checkImageUrl(`${label} URL`, source.url);
	return await uploadBinaryImage(ctx, client, itemIndex, label, source.property);
}
