import type { IExecuteFunctions } from 'n8n-workflow';

import type { FalTransport, UploadFile } from '../../transport';

import { FAL_MAX_IMAGE_BYTES } from '../../schema';
import { estimateDataUriBytes, parseDataUri } from '../../media/dataUri';
import { readHead } from '../../media/readNeeded';
import { acceptedImageTypesText, IMAGE_TYPE_NAMES, sniffImageType, type ImageSniff } from '../../media/imageType';
import { noBinaryInAiTool, runsAsAiTool } from './aiTool';
import { binaryFile } from './binaryFile';
import { InputError } from './errors';
import type { ImageSource } from './parameters';

const MEGABYTE = 1024 * 1024;
/** Enough of a file to tell its type (SVG is looked for in the first kilobyte). */
const HEAD_BYTES = 1024;

function describeSize(bytes: number): string {
	return `${(bytes / MEGABYTE).toFixed(1)} MB`;
}

function tooLarge(label: string, bytes: number): InputError {
	return new InputError(label, `is ${describeSize(bytes)}, over fal's limit of ${describeSize(FAL_MAX_IMAGE_BYTES)}`, 'Resize or compress the image (JPEG or WebP) before this node.');
}

/** The bytes must be JPEG, PNG or WebP whatever they are labelled; returns what they are. */
function checkImageBytes(label: string, bytes: Uint8Array, what: string): ImageSniff & { accepted: true } {
	const sniff = sniffImageType(bytes);
	if (sniff.accepted) return sniff;
	const found = IMAGE_TYPE_NAMES[sniff.type];
	const problem = sniff.type === 'empty' || sniff.type === 'text' || sniff.type === 'unknown' ? `${what} is ${found}` : `${what} is a ${found} image`;
	throw new InputError(label, problem, `Seedance takes ${acceptedImageTypesText()} images. Convert the image (e.g. with the Edit Image node) or pick another file.`);
}

/** Accepts http(s) URLs and data URIs of a JPEG, PNG or WebP image; anything else is named back to the user. */
export function checkImageUrl(label: string, url: string): string {
	const estimated = estimateDataUriBytes(url);
	if (estimated !== undefined) {
		if (estimated > FAL_MAX_IMAGE_BYTES) throw tooLarge(label, estimated);
		const dataUri = parseDataUri(url);
		if (dataUri?.problem) throw new InputError(label, `is a data: URI, but ${dataUri.problem}`, 'Give the image as data:image/png;base64,… or as an http(s) URL.');
		if (dataUri) checkImageBytes(label, dataUri.bytes, 'the data: URI');
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

/** An image ready to send: a URL as given, or a checked file still to upload. */
type PreparedImage = { kind: 'url'; url: string } | { kind: 'upload'; file: UploadFile };

/** The first HEAD_BYTES of a file; a stream is closed as soon as they are read. */
async function headOf(file: UploadFile): Promise<Buffer> {
	return await readHead(await file.open(), HEAD_BYTES);
}

/** Reads an image from the item's binary data and checks its bytes, uploading nothing yet. */
async function readBinaryImage(ctx: IExecuteFunctions, itemIndex: number, label: string, property: string): Promise<PreparedImage> {
	const item = ctx.getInputData()[itemIndex];
	const binary = item?.binary?.[property];
	const field = `${label} Binary Property`;
	if (!binary) {
		const available = Object.keys(item?.binary ?? {});
		throw new InputError(
			field,
			`the item has no binary property "${property}"`,
			available.length
				? `Its binary properties are: ${available.join(', ')}. Put one of them in the field.`
				: 'The incoming item has no binary data at all. Add a node before this one that reads the image (e.g. HTTP Request, Read/Write Files, Google Drive), or use an image URL.',
		);
	}
	const labelled = binary.mimeType ? ` (labelled ${binary.mimeType})` : '';
	const file = await binaryFile(ctx, itemIndex, property, binary, binary.fileName ?? property, binary.mimeType ?? '');
	if (file.size > FAL_MAX_IMAGE_BYTES) throw tooLarge(label, file.size);
	const sniff = checkImageBytes(field, await headOf(file), `"${property}"${labelled}`);
	const extension = sniff.type === 'jpeg' ? 'jpg' : sniff.type;
	// Uploaded as what the bytes are, whatever the label said.
	return { kind: 'upload', file: { ...file, fileName: binary.fileName ?? `${property}.${extension}`, contentType: sniff.mimeType } };
}

async function prepareImage(ctx: IExecuteFunctions, itemIndex: number, label: string, source: ImageSource): Promise<PreparedImage> {
	if (source.kind === 'url') return { kind: 'url', url: checkImageUrl(`${label} URL`, source.url) };
	if (runsAsAiTool(ctx)) throw noBinaryInAiTool(`${label} Source`);
	return await readBinaryImage(ctx, itemIndex, label, source.property);
}

async function send(client: FalTransport, image: PreparedImage): Promise<string> {
	return image.kind === 'url' ? image.url : await client.storage.upload(image.file);
}

/**
 * Checks every image of an item first, then uploads: a bad End Image must not leave a Start Image
 * uploaded for nothing.
 */
export async function resolveImages(
	ctx: IExecuteFunctions,
	client: FalTransport,
	itemIndex: number,
	start: ImageSource,
	end: ImageSource | undefined,
): Promise<{ startUrl: string; endUrl?: string }> {
	const startImage = await prepareImage(ctx, itemIndex, 'Start Image', start);
	const endImage = end ? await prepareImage(ctx, itemIndex, 'End Image', end) : undefined;
	const startUrl = await send(client, startImage);
	return endImage ? { startUrl, endUrl: await send(client, endImage) } : { startUrl };
}
