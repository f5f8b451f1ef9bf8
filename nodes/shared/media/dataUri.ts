/**
 * A `data:` URI taken apart (RFC 2397): `data:[<type>][;<name>=<value>]*[;base64],<data>`.
 * Parameters such as `;charset=utf-8` or `;name=cat.png` may come before `;base64`. Pure.
 */

export interface DataUri {
	/** Lower-cased media type as labelled, '' when none was given. */
	mediaType: string;
	base64: boolean;
	/** The decoded bytes (empty when `problem` is set). */
	bytes: Buffer;
	/** Why the data could not be decoded, e.g. "its base64 data is not valid base64". */
	problem?: string;
}

const DATA_URI_HEAD = /^data:([^,]*),/i;

/** Undefined when `text` is not a data URI at all; `problem` says when it is one but cannot be decoded. */
export function parseDataUri(text: string): DataUri | undefined {
	const head = DATA_URI_HEAD.exec(text);
	if (!head) return undefined;
	const parts = head[1].split(';').map((part) => part.trim());
	const mediaType = (parts[0] ?? '').toLowerCase();
	const base64 = parts.slice(1).some((part) => part.toLowerCase() === 'base64');
	const payload = text.slice(head[0].length);
	if (base64) {
		const compact = payload.replace(/%0[ad]|\s/gi, '');
		if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(compact)) return { mediaType, base64, bytes: Buffer.alloc(0), problem: 'its base64 data is not valid base64' };
		return { mediaType, base64, bytes: Buffer.from(compact, 'base64') };
	}
	let decoded: string;
	try {
		decoded = decodeURIComponent(payload);
	} catch {
		return { mediaType, base64, bytes: Buffer.alloc(0), problem: 'its data is not valid percent-encoding' };
	}
	return { mediaType, base64, bytes: Buffer.from(decoded, 'utf8') };
}

/** The decoded size of a data URI without decoding it (for a size limit checked first). */
export function estimateDataUriBytes(text: string): number | undefined {
	const head = DATA_URI_HEAD.exec(text);
	if (!head) return undefined;
	const payloadLength = text.length - head[0].length;
	const base64 = head[1].split(';').some((part) => part.trim().toLowerCase() === 'base64');
	return base64 ? Math.floor((payloadLength * 3) / 4) : payloadLength;
}
