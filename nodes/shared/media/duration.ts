/**
 * Lengths of reference videos and audio, read from their bytes without a native dependency:
 * MP4/MOV from the movie header (`moov/mvhd`), WAV from its `fmt ` and `data` chunks, MP3 by
 * adding up its frames. Each returns undefined when the file does not say.
 */
import { ascii, boxes, findBox, view, type Box } from './isoBoxes';
import { readMp3FrameHeader } from './mp3Frames';

/** A duration field of all ones means "unknown" (ISO/IEC 14496-12, mvhd/mdhd/mehd). */
const UNKNOWN_32 = 0xffffffff;
const UNKNOWN_64 = 0xffffffffffffffffn;

interface Timing {
	timescale: number;
	/** In timescale units; undefined when the file says "unknown". */
	duration?: number;
}

/** mvhd and mdhd share the layout: version 0 = 32-bit times, version 1 = 64-bit. */
function readHeaderTiming(bytes: Uint8Array, box: Box): Timing | undefined {
	const data = view(bytes);
	const version = bytes[box.start];
	const fields = box.start + 4;
	if (fields + (version === 1 ? 28 : 16) > box.end) return undefined;
	const timescale = version === 1 ? data.getUint32(fields + 16) : data.getUint32(fields + 8);
	if (timescale === 0) return undefined;
	if (version === 1) {
		const duration = data.getBigUint64(fields + 20);
		return { timescale, duration: duration === UNKNOWN_64 ? undefined : Number(duration) };
	}
	const duration = data.getUint32(fields + 12);
	return { timescale, duration: duration === UNKNOWN_32 ? undefined : duration };
}

/** `mvex/mehd`: the whole length of a fragmented movie, in the movie's timescale, when the writer knew it. */
function readFragmentDuration(bytes: Uint8Array, mvex: Box): number | undefined {
	const mehd = findBox(bytes, 'mehd', mvex.start, mvex.end);
	if (!mehd || mehd.start + 8 > mehd.end) return undefined;
	const data = view(bytes);
	if (bytes[mehd.start] === 1) {
		if (mehd.start + 12 > mehd.end) return undefined;
		const duration = data.getBigUint64(mehd.start + 4);
		return duration === UNKNOWN_64 || duration === 0n ? undefined : Number(duration);
	}
	const duration = data.getUint32(mehd.start + 4);
	return duration === UNKNOWN_32 || duration === 0 ? undefined : duration;
}

interface TrackFacts {
	timescale: number;
	/** `trex` default sample duration, used when a fragment gives none. */
	defaultSampleDuration: number;
}

/** Each track's timescale (`trak/mdia/mdhd`) and fragment defaults (`mvex/trex`), by track id. */
function readTracks(bytes: Uint8Array, moov: Box, mvex: Box): Map<number, TrackFacts> {
	const data = view(bytes);
	const tracks = new Map<number, TrackFacts>();
	for (const trak of boxes(bytes, moov.start, moov.end)) {
		if (trak.type !== 'trak') continue;
		const tkhd = findBox(bytes, 'tkhd', trak.start, trak.end);
		const mdia = findBox(bytes, 'mdia', trak.start, trak.end);
		const mdhd = mdia && findBox(bytes, 'mdhd', mdia.start, mdia.end);
		const timing = mdhd && readHeaderTiming(bytes, mdhd);
		if (!tkhd || !timing) continue;
		const idOffset = tkhd.start + (bytes[tkhd.start] === 1 ? 20 : 12);
		if (idOffset + 4 > tkhd.end) continue;
		tracks.set(data.getUint32(idOffset), { timescale: timing.timescale, defaultSampleDuration: 0 });
	}
	for (const trex of boxes(bytes, mvex.start, mvex.end)) {
		if (trex.type !== 'trex' || trex.start + 16 > trex.end) continue;
		const track = tracks.get(data.getUint32(trex.start + 4));
		if (track) track.defaultSampleDuration = data.getUint32(trex.start + 12);
	}
	return tracks;
}

const TFHD_BASE_DATA_OFFSET = 0x01;
const TFHD_SAMPLE_DESCRIPTION_INDEX = 0x02;
const TFHD_DEFAULT_SAMPLE_DURATION = 0x08;
const TRUN_DATA_OFFSET = 0x01;
const TRUN_FIRST_SAMPLE_FLAGS = 0x04;
const TRUN_SAMPLE_FIELDS = [0x100, 0x200, 0x400, 0x800];
const TRUN_SAMPLE_DURATION = 0x100;

/** Units of one `traf`: the samples of its `trun`s, each with its own duration or the default. */
function trafUnits(bytes: Uint8Array, traf: Box, tracks: Map<number, TrackFacts>): { trackId: number; units: number } | undefined {
	const data = view(bytes);
	const tfhd = findBox(bytes, 'tfhd', traf.start, traf.end);
	if (!tfhd || tfhd.start + 8 > tfhd.end) return undefined;
	const tfhdFlags = data.getUint32(tfhd.start) & 0xffffff;
	const trackId = data.getUint32(tfhd.start + 4);
	let defaultDuration = tracks.get(trackId)?.defaultSampleDuration ?? 0;
	let field = tfhd.start + 8;
	if (tfhdFlags & TFHD_BASE_DATA_OFFSET) field += 8;
	if (tfhdFlags & TFHD_SAMPLE_DESCRIPTION_INDEX) field += 4;
	if (tfhdFlags & TFHD_DEFAULT_SAMPLE_DURATION && field + 4 <= tfhd.end) defaultDuration = data.getUint32(field);

	let units = 0;
	for (const trun of boxes(bytes, traf.start, traf.end)) {
		if (trun.type !== 'trun' || trun.start + 8 > trun.end) continue;
		const flags = data.getUint32(trun.start) & 0xffffff;
		const count = data.getUint32(trun.start + 4);
		if (!(flags & TRUN_SAMPLE_DURATION)) {
			units += count * defaultDuration;
			continue;
		}
		let entry = trun.start + 8 + (flags & TRUN_DATA_OFFSET ? 4 : 0) + (flags & TRUN_FIRST_SAMPLE_FLAGS ? 4 : 0);
		const entryBytes = TRUN_SAMPLE_FIELDS.filter((bit) => flags & bit).length * 4;
		// The box's own size bounds the loop, whatever sample count a crafted file claims.
		for (let sample = 0; sample < count && entry + 4 <= trun.end; sample++, entry += entryBytes) units += data.getUint32(entry);
	}
	return { trackId, units };
}

/** Seconds the fragments (`moof/traf`) add, for the longest track; undefined when there are none. */
function fragmentSeconds(bytes: Uint8Array, moov: Box, mvex: Box): number | undefined {
	const tracks = readTracks(bytes, moov, mvex);
	const unitsByTrack = new Map<number, number>();
	for (const moof of boxes(bytes)) {
		if (moof.type !== 'moof') continue;
		for (const traf of boxes(bytes, moof.start, moof.end)) {
			if (traf.type !== 'traf') continue;
			const found = trafUnits(bytes, traf, tracks);
			if (found) unitsByTrack.set(found.trackId, (unitsByTrack.get(found.trackId) ?? 0) + found.units);
		}
	}
	let longest: number | undefined;
	for (const [trackId, units] of unitsByTrack) {
		const timescale = tracks.get(trackId)?.timescale;
		if (timescale) longest = Math.max(longest ?? 0, units / timescale);
	}
	return longest;
}

/**
 * Seconds of an MP4/MOV: `mvhd` duration ÷ timescale. A fragmented file (`mvex`) is as long as
 * `mehd` says, else its moov part plus what its fragments add up to. A duration the file marks as
 * unknown gives undefined.
 */
export function mp4DurationSeconds(bytes: Uint8Array): number | undefined {
	const moov = findBox(bytes, 'moov');
	if (!moov) return undefined;
	const mvhd = findBox(bytes, 'mvhd', moov.start, moov.end);
	const movie = mvhd && readHeaderTiming(bytes, mvhd);
	if (!movie) return undefined;
	const mvex = findBox(bytes, 'mvex', moov.start, moov.end);
	if (!mvex) return movie.duration === undefined ? undefined : movie.duration / movie.timescale;
	const whole = readFragmentDuration(bytes, mvex);
	if (whole !== undefined) return whole / movie.timescale;
	const fragments = fragmentSeconds(bytes, moov, mvex);
	if (fragments === undefined) return movie.duration ? movie.duration / movie.timescale : undefined;
	return (movie.duration ?? 0) / movie.timescale + fragments;
}

/**
 * Seconds of a WAV: bytes of `data` ÷ the byte rate of `fmt `. `totalBytes` is the file's size
 * when `bytes` is only its start (the chunks are read from the head, the data is not needed).
 */
export function wavDurationSeconds(bytes: Uint8Array, totalBytes = bytes.length): number | undefined {
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
			const dataBytes = size === 0 || size === 0xffffffff || start + size > totalBytes ? totalBytes - start : size;
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

/**
 * Junk bytes (neither a frame nor a tag) the scan passes over in all before it gives up: a real
 * MP3 has a few, a crafted one (ID3 + megabytes of 0xFF, each byte a false frame sync) would
 * otherwise be scanned byte by byte, blocking n8n's event loop for seconds.
 */
export const MP3_MAX_JUNK_BYTES = 64 * 1024;

/** What a scan did, for tests: one step per frame or per false sync looked at. */
export interface Mp3ScanWork {
	steps: number;
}

const TAG = [0x54, 0x41, 0x47];

/** Seconds of an MP3: the samples of all its frames ÷ the sample rate; undefined when it has none or is mostly junk. */
export function mp3DurationSeconds(bytes: Uint8Array, work: Mp3ScanWork = { steps: 0 }): number | undefined {
	let offset = id3v2Length(bytes);
	let seconds = 0;
	let frames = 0;
	let junk = 0;
	while (offset < bytes.length) {
		work.steps += 1;
		const header = readMp3FrameHeader(bytes, offset);
		if (header && (offset + header.length >= bytes.length || readMp3FrameHeader(bytes, offset + header.length))) {
			seconds += header.samples / header.sampleRate;
			frames += 1;
			offset += header.length;
			continue;
		}
		if (bytes[offset] === TAG[0] && bytes[offset + 1] === TAG[1] && bytes[offset + 2] === TAG[2]) break;
		const limit = Math.min(bytes.length, offset + MP3_RESYNC_WINDOW);
		const found = bytes.indexOf(0xff, offset + 1);
		const next = found === -1 || found >= limit ? limit : found;
		junk += next - offset;
		if (junk > MP3_MAX_JUNK_BYTES) return undefined;
		if (next >= limit) break;
		offset = next;
	}
	return frames > 0 ? seconds : undefined;
}
