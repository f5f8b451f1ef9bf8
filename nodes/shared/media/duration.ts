/**
 * Lengths of reference videos and audio, read from their bytes without a native dependency:
 * MP4/MOV from the movie header (`moov/mvhd`), WAV from its `fmt ` and `data` chunks, MP3 by
 * adding up its frames. Each returns undefined when the file does not say.
 */
import { ascii, findBox, view } from './isoBoxes';
import { readMp3FrameHeader } from './mp3Frames';

/** Seconds of an MP4/MOV: `mvhd` duration ÷ timescale (version 0: 32-bit fields, version 1: 64-bit). */
export function mp4DurationSeconds(bytes: Uint8Array): number | undefined {
	const moov = findBox(bytes, 'moov');
	if (!moov) return undefined;
	const mvhd = findBox(bytes, 'mvhd', moov.start, moov.end);
	if (!mvhd) return undefined;
	const data = view(bytes);
	const version = bytes[mvhd.start];
	const fields = mvhd.start + 4;
	const need = version === 1 ? 28 : 16;
	if (fields + need > mvhd.end) return undefined;
	const timescale = version === 1 ? data.getUint32(fields + 16) : data.getUint32(fields + 8);
	const duration = version === 1 ? Number(data.getBigUint64(fields + 20)) : data.getUint32(fields + 12);
	if (timescale === 0) return undefined;
	return duration / timescale;
}

/** Seconds of a WAV: bytes of `data` ÷ the byte rate of `fmt `. */
export function wavDurationSeconds(bytes: Uint8Array): number | undefined {
	if (ascii(bytes, 0, 4) !== 'RIFF' || ascii(bytes, 8, 12) !== 'WAVE') return undefined;
	const data = view(bytes);
	let byteRate: number | undefined;
	let offset = 12;
	while (offset + 8 <= bytes.length) {
		const id = ascii(bytes, offset, offset + 4);
		const size = data.getUint32(offset + 4, true);
		const start = offset + 8;
		if (id === 'fmt ' && start + 12 <= bytes.length) byteRate = data.getUint32(start + 8, true);
		if (id === 'data') {
			if (!byteRate) return undefined;
			// A streamed WAV may leave the size at 0 or 0xFFFFFFFF: count the bytes present instead.
			const dataBytes = size === 0 || size === 0xffffffff || start + size > bytes.length ? bytes.length - start : size;
			return dataBytes / byteRate;
		}
		offset = start + size + (size % 2);
	}
	return undefined;
}

/** ID3v2 tag length at the start (10-byte header, syncsafe size, optional 10-byte footer). */
function id3v2Length(bytes: Uint8Array): number {
	if (ascii(bytes, 0, 3) !== 'ID3' || bytes.length < 10) return 0;
	const size = ((bytes[6] & 0x7f) << 21) | ((bytes[7] & 0x7f) << 14) | ((bytes[8] & 0x7f) << 7) | (bytes[9] & 0x7f);
	const footer = bytes[5] & 0x10 ? 10 : 0;
	return 10 + size + footer;
}

/** How far to look for the next frame when the stream has junk between frames. */
const MP3_RESYNC_WINDOW = 4096;

/** Seconds of an MP3: the samples of all its frames ÷ the sample rate. */
export function mp3DurationSeconds(bytes: Uint8Array): number | undefined {
	let offset = id3v2Length(bytes);
	let seconds = 0;
	let frames = 0;
	while (offset < bytes.length) {
		const header = readMp3FrameHeader(bytes, offset);
		if (header && (offset + header.length >= bytes.length || readMp3FrameHeader(bytes, offset + header.length))) {
			seconds += header.samples / header.sampleRate;
			frames += 1;
			offset += header.length;
			continue;
		}
		if (ascii(bytes, offset, offset + 3) === 'TAG') break;
		const limit = Math.min(bytes.length, offset + MP3_RESYNC_WINDOW);
		let next = offset + 1;
		while (next < limit && bytes[next] !== 0xff) next += 1;
		if (next >= limit) break;
		offset = next;
	}
	return frames > 0 ? seconds : undefined;
}
