/**
 * A reader for ISO base media boxes (MP4, MOV): `[size:4][type:4]` then the payload, where size 1
 * means a 64-bit size follows and size 0 means "to the end". Pure, no native dependency.
 */

export interface Box {
	type: string;
	/** Offset of the payload (after the header) and of the end of the box, in the buffer. */
	start: number;
	end: number;
}

function ascii(bytes: Uint8Array, start: number, end: number): string {
	return String.fromCharCode(...bytes.subarray(start, Math.min(end, bytes.length)));
}

export function view(bytes: Uint8Array): DataView {
	return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** The boxes between `from` and `to`, stopping at the first malformed header. */
export function* boxes(bytes: Uint8Array, from = 0, to = bytes.length): Generator<Box> {
	const data = view(bytes);
	let offset = from;
	while (offset + 8 <= to) {
		let size = data.getUint32(offset);
		const type = ascii(bytes, offset + 4, offset + 8);
		let header = 8;
		if (size === 1) {
			if (offset + 16 > to) return;
			size = Number(data.getBigUint64(offset + 8));
			header = 16;
		} else if (size === 0) {
			size = to - offset;
		}
		if (size < header) return;
		yield { type, start: offset + header, end: Math.min(offset + size, to) };
		offset += size;
	}
}

export function findBox(bytes: Uint8Array, type: string, from = 0, to = bytes.length): Box | undefined {
	for (const box of boxes(bytes, from, to)) if (box.type === type) return box;
	return undefined;
}

export { ascii };
