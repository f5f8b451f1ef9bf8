/**
 * Width and height of an MP4/MOV's video track, from its track header (`moov/trak/tkhd`, 16.16
 * fixed-point width and height at the end; version 1 has 64-bit times before them). Pure.
 */
import { boxes, findBox, view } from './isoBoxes';

/** Bytes before `width` in a tkhd payload: version/flags, times and ids, layer…volume, the matrix. */
const TKHD_WIDTH_OFFSET = { 0: 76, 1: 88 } as const;

export function mp4FrameSize(bytes: Uint8Array): { width: number; height: number } | undefined {
	const moov = findBox(bytes, 'moov');
	if (!moov) return undefined;
	const data = view(bytes);
	for (const trak of boxes(bytes, moov.start, moov.end)) {
		if (trak.type !== 'trak') continue;
		const tkhd = findBox(bytes, 'tkhd', trak.start, trak.end);
		if (!tkhd) continue;
		const version = bytes[tkhd.start] === 1 ? 1 : 0;
		const offset = tkhd.start + TKHD_WIDTH_OFFSET[version];
		if (offset + 8 > tkhd.end) continue;
		const width = Math.round(data.getUint32(offset) / 65536);
		const height = Math.round(data.getUint32(offset + 4) / 65536);
		// Audio tracks have 0 × 0.
		if (width > 0 && height > 0) return { width, height };
	}
	return undefined;
}
