import type { IBinaryData, IExecuteFunctions } from 'n8n-workflow';

import type { FalTransport, UploadFile } from '../../shared/transport';
import { bufferFile } from '../../shared/transport';

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
	client: FalTransport,
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
	const fileName = binary.fileName ?? `${property}.${mimeType.split('/')[1] ?? 'png'}`;
	const file = await binaryFile(ctx, itemIndex, property, binary, fileName, mimeType);
	if (file.size > FAL_MAX_IMAGE_BYTES) throw tooLarge(label, file.size);
	return await client.storage.upload(file);
}

/**
 * The item's binary as an upload: streamed from n8n's binary store when it lives there (its size
 * from the store's metadata), so a large file is never read whole; else the bytes in the item.
 */
async function binaryFile(ctx: IExecuteFunctions, itemIndex: number, property: string, binary: IBinaryData, fileName: string, mimeType: string): Promise<UploadFile> {
	const binaryId = binary.id;
	if (binaryId) {
		const { fileSize } = await ctx.helpers.getBinaryMetadata(binaryId);
		return { fileName, contentType: mimeType, size: fileSize, open: async () => await ctx.helpers.getBinaryStream(binaryId) };
	}
	return bufferFile(await ctx.helpers.getBinaryDataBuffer(itemIndex, property), fileName, mimeType);
}

export async function resolveImage(
	ctx: IExecuteFunctions,
	client: FalTransport,
	itemIndex: number,
	label: string,
	source: ImageSource,
): Promise<string> {
	if (source.kind === 'url') return checkImageUrl(`${label} URL`, source.url);
	return await uploadBinaryImage(ctx, client, itemIndex, label, source.property);
}
