/**
 * What an image really is, read from its first bytes (its "magic number"), not from its label.
 * Pure: no I/O, so the image checks, reference images and tests share it.
 */

/** The image types fal's Seedance models take (model page: "JPEG, PNG, WebP"). */
export type AcceptedImageType = 'jpeg' | 'png' | 'webp';

/** Types recognised only to be named in a refusal. */
export type RefusedImageType = 'gif' | 'svg' | 'heic' | 'avif' | 'tiff' | 'bmp' | 'ico' | 'pdf' | 'empty' | 'text' | 'unknown';

export const ACCEPTED_IMAGE_TYPES: readonly AcceptedImageType[] = ['jpeg', 'png', 'webp'];

export const IMAGE_MIME_TYPES: Record<AcceptedImageType, string> = {
	jpeg: 'image/jpeg',
	png: 'image/png',
	webp: 'image/webp',
};

/** How a refused type is named to the user. */
export const IMAGE_TYPE_NAMES: Record<AcceptedImageType | RefusedImageType, string> = {
	jpeg: 'JPEG',
	png: 'PNG',
	webp: 'WebP',
	gif: 'GIF',
	svg: 'SVG',
	heic: 'HEIC/HEIF',
	avif: 'AVIF',
	tiff: 'TIFF',
	bmp: 'BMP',
	ico: 'ICO',
	pdf: 'PDF',
	empty: 'an empty file (0 bytes)',
	text: 'text, not an image',
	unknown: 'not a recognised image',
};

export type ImageSniff = { accepted: true; type: AcceptedImageType; mimeType: string } | { accepted: false; type: RefusedImageType };

function startsWith(bytes: Uint8Array, signature: readonly number[], offset = 0): boolean {
	if (bytes.length < offset + signature.length) return false;
	return signature.every((byte, index) => bytes[offset + index] === byte);
}

function ascii(bytes: Uint8Array, start: number, end: number): string {
	return String.fromCharCode(...bytes.subarray(start, Math.min(end, bytes.length)));
}

const PNG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const JPEG = [0xff, 0xd8, 0xff];
const HEIF_BRANDS = new Set(['heic', 'heix', 'hevc', 'hevx', 'heim', 'heis', 'mif1', 'msf1']);
const AVIF_BRANDS = new Set(['avif', 'avis']);

/** ISO-BMFF images (HEIC, AVIF): `....ftyp<brand>` at the start. */
function isoBrand(bytes: Uint8Array): RefusedImageType | undefined {
	if (ascii(bytes, 4, 8) !== 'ftyp') return undefined;
	const brand = ascii(bytes, 8, 12);
	if (AVIF_BRANDS.has(brand)) return 'avif';
	if (HEIF_BRANDS.has(brand)) return 'heic';
	return 'unknown';
}

/** How many continuation bytes a UTF-8 lead byte announces; -1 when it cannot lead. */
function utf8Continuations(byte: number): number {
	if (byte >= 0xc2 && byte <= 0xdf) return 1;
	if (byte >= 0xe0 && byte <= 0xef) return 2;
	if (byte >= 0xf0 && byte <= 0xf4) return 3;
	return -1;
}

/** Text: valid UTF-8 with no control bytes but tab/newline/return in the first 512 bytes. */
function looksLikeText(bytes: Uint8Array): boolean {
	const head = bytes.subarray(0, 512);
	for (let index = 0; index < head.length; index++) {
		const byte = head[index];
		if (byte === 0x09 || byte === 0x0a || byte === 0x0d || (byte >= 0x20 && byte < 0x7f)) continue;
		const continuations = utf8Continuations(byte);
		if (continuations < 0) return false;
		for (let next = 1; next <= continuations; next++) {
			const following = head[index + next];
			// A sequence cut by the 512-byte window still counts as text.
			if (following === undefined) return true;
			if ((following & 0xc0) !== 0x80) return false;
		}
		index += continuations;
	}
	return true;
}

/** The image type of `bytes`, from their signature; accepted only for JPEG, PNG and WebP. */
export function sniffImageType(bytes: Uint8Array): ImageSniff {
	if (bytes.length === 0) return { accepted: false, type: 'empty' };
	if (startsWith(bytes, PNG)) return { accepted: true, type: 'png', mimeType: IMAGE_MIME_TYPES.png };
	if (startsWith(bytes, JPEG)) return { accepted: true, type: 'jpeg', mimeType: IMAGE_MIME_TYPES.jpeg };
	if (ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 12) === 'WEBP') return { accepted: true, type: 'webp', mimeType: IMAGE_MIME_TYPES.webp };
	const magic = ascii(bytes, 0, 6);
	if (magic === 'GIF87a' || magic === 'GIF89a') return { accepted: false, type: 'gif' };
	if (startsWith(bytes, [0x49, 0x49, 0x2a, 0x00]) || startsWith(bytes, [0x4d, 0x4d, 0x00, 0x2a])) return { accepted: false, type: 'tiff' };
	if (ascii(bytes, 0, 2) === 'BM') return { accepted: false, type: 'bmp' };
	if (startsWith(bytes, [0x00, 0x00, 0x01, 0x00])) return { accepted: false, type: 'ico' };
	if (ascii(bytes, 0, 5) === '%PDF-') return { accepted: false, type: 'pdf' };
	const brand = isoBrand(bytes);
	if (brand) return { accepted: false, type: brand };
	if (looksLikeText(bytes)) {
		const head = ascii(bytes, 0, 1024).replace(/^\uFEFF/, '').trimStart().toLowerCase();
		if (head.startsWith('<svg') || (head.startsWith('<?xml') && head.includes('<svg'))) return { accepted: false, type: 'svg' };
		return { accepted: false, type: 'text' };
	}
	return { accepted: false, type: 'unknown' };
}

/** "JPEG, PNG or WebP", for messages. */
export function acceptedImageTypesText(): string {
	const names = ACCEPTED_IMAGE_TYPES.map((type) => IMAGE_TYPE_NAMES[type]);
	return `${names.slice(0, -1).join(', ')} or ${names.at(-1) ?? ''}`;
}
