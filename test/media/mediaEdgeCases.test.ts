/**
 * Inputs that used to stall n8n or be misread (issue 19, points 6 and 8): a crafted MP3 that made the
 * frame scan crawl byte by byte, fragmented MP4s read as 0 s, an unknown mvhd duration read as 49
 * days, HEIC/AVIF images taken for MP4 videos. Fixtures: test/media/fixtures/README.md.
 */
import { readFileSync } from 'fs';
import path from 'path';
import { Readable } from 'stream';

import { mp3DurationSeconds, mp4DurationSeconds } from '../../nodes/shared/media/duration';
import { inspectVideo } from '../../nodes/shared/media/inspect';
import { readIsoMetadata, readHead } from '../../nodes/shared/media/readNeeded';
import { sniffVideoType } from '../../nodes/shared/media/videoType';

const fixture = (name: string) => readFileSync(path.join(__dirname, 'fixtures', name));
const SAMPLE_MP4 = readFileSync(path.join(__dirname, '../fake-fal/fixtures/sample.mp4'));
const MEGABYTE = 1024 * 1024;

/** ID3v2 header (empty tag) followed by `size` bytes of 0xFF: every byte looks like a frame sync. */
function craftedMp3(size: number): Buffer {
	return Buffer.concat([Buffer.from('ID3\u0004\u0000\u0000\u0000\u0000\u0000\u0000', 'latin1'), Buffer.alloc(size, 0xff)]);
}

/** sample.mp4 with its mvhd duration set to all ones: "unknown" in ISO/IEC 14496-12. */
function unknownDurationMp4(): Buffer {
	const copy = Buffer.from(SAMPLE_MP4);
	const mvhd = copy.indexOf('mvhd', 0, 'latin1');
	const version = copy[mvhd + 4];
	if (version === 0) copy.writeUInt32BE(0xffffffff, mvhd + 4 + 4 + 12);
	else copy.writeBigUInt64BE(0xffffffffffffffffn, mvhd + 4 + 4 + 20);
	return copy;
}

/** A HEIF-family file start: `ftyp` with a major brand and compatible brands (crafted by hand). */
function ftyp(major: string, ...compatible: string[]): Buffer {
	const box = Buffer.alloc(16 + 4 * compatible.length);
	box.writeUInt32BE(box.length, 0);
	box.write('ftyp', 4, 'latin1');
	box.write(major, 8, 'latin1');
	compatible.forEach((brand, index) => box.write(brand, 16 + 4 * index, 'latin1'));
	return Buffer.concat([box, Buffer.alloc(64)]);
}

function chunked(bytes: Buffer, size = 64 * 1024): Readable & { pulled: number } {
	const counter = { pulled: 0 };
	function* chunks() {
		for (let start = 0; start < bytes.length; start += size) {
			counter.pulled += Math.min(size, bytes.length - start);
			yield bytes.subarray(start, start + size);
		}
	}
	const stream = Readable.from(chunks());
	return Object.defineProperty(stream, 'pulled', { get: () => counter.pulled }) as Readable & { pulled: number };
}

describe('a crafted MP3 cannot make the frame scan crawl', () => {
	test('ID3 + 20 MB of 0xFF: the scan gives up after a bounded number of steps, with no length', () => {
		const work = { steps: 0 };
		expect(mp3DurationSeconds(craftedMp3(20 * MEGABYTE), work)).toBeUndefined();
		expect(work.steps).toBeLessThan(100_000);
	});

	test('a real MP3 is still measured, frame by frame', () => {
		const work = { steps: 0 };
		const seconds = mp3DurationSeconds(fixture('tone-1.5s.mp3'), work);
		expect(seconds).toBeGreaterThan(1.5);
		expect(seconds).toBeLessThan(1.65);
		expect(work.steps).toBeGreaterThan(0);
	});
});

describe('fragmented MP4 (ffmpeg -movflags frag_keyframe) is as long as its fragments', () => {
	test('empty moov: the fragments (moof/traf) add up to 3 s', () => {
		expect(mp4DurationSeconds(fixture('frag-3s-empty-moov.mp4'))).toBeCloseTo(3, 2);
	});

	test('1 s in the moov and the rest in fragments: 3 s, not the 1 s of mvhd', () => {
		expect(mp4DurationSeconds(fixture('frag-3s-moov-1s.mp4'))).toBeCloseTo(3, 2);
	});

	test('mvex/mehd, when present, gives the whole length', () => {
		expect(mp4DurationSeconds(fixture('frag-3s-mehd.mp4'))).toBeCloseTo(3, 2);
	});
});

describe('an unknown movie duration is unknown, not 49 days', () => {
	test('mvhd duration 0xFFFFFFFF has no known length', () => {
		expect(mp4DurationSeconds(unknownDurationMp4())).toBeUndefined();
		expect(inspectVideo(unknownDurationMp4())).toMatchObject({ accepted: true, seconds: undefined });
	});
});

describe('HEIC and AVIF images are not MP4 videos', () => {
	test.each([
		['heic', ['mif1', 'heic']],
		['heix', ['mif1', 'heix']],
		['mif1', ['mif1', 'heic']],
		['avif', ['avif', 'mif1', 'miaf']],
		['avis', ['avis', 'msf1']],
		['msf1', ['msf1', 'hevc']],
	])('major brand %s is refused as a HEIC/AVIF image', (major, compatible) => {
		expect(sniffVideoType(ftyp(major, ...compatible))).toEqual({ accepted: false, type: 'heif' });
		expect(inspectVideo(ftyp(major, ...compatible)).typeName).toBe('a HEIC/AVIF image');
	});

	test('an MP4 whose compatible brands include mif1 is still an MP4 when its major brand is isom', () => {
		expect(sniffVideoType(ftyp('isom', 'isom', 'mp41'))).toMatchObject({ accepted: true, type: 'mp4' });
	});
});

describe('only the bytes needed are read from a stream', () => {
	test('the head of a file is its first bytes, and the stream is not read further', async () => {
		const source = chunked(Buffer.alloc(8 * MEGABYTE, 1));
		const head = await readHead(source, 4096);
		expect(head.length).toBe(4096);
		expect(source.pulled).toBeLessThanOrEqual(2 * 64 * 1024);
	});

	test('movie header first: reading stops after the moov, before the media data', async () => {
		// sample.mp4's ftyp + moov (3 s), then 20 MB of media data.
		const big = Buffer.concat([SAMPLE_MP4.subarray(0, 3460), mdat(20 * MEGABYTE)]);
		const source = chunked(big);
		const metadata = await readIsoMetadata(source, big.length);
		expect(metadata && mp4DurationSeconds(metadata.bytes)).toBe(3);
		expect(source.pulled).toBeLessThan(MEGABYTE);
	});

	test('movie header at the end: the media data is passed over, not kept, and the length is read', async () => {
		const clip = fixture('clip-4s-moov-at-end.mp4');
		const metadata = await readIsoMetadata(chunked(clip, 1000), clip.length);
		expect(metadata?.bytes.length).toBeLessThan(clip.length);
		expect(metadata && mp4DurationSeconds(metadata.bytes)).toBeCloseTo(4, 1);
	});

	test('fragments are kept without their media data', async () => {
		const clip = fixture('frag-3s-empty-moov.mp4');
		const metadata = await readIsoMetadata(chunked(clip, 100), clip.length);
		expect(metadata && mp4DurationSeconds(metadata.bytes)).toBeCloseTo(3, 2);
	});
});

function mdat(size: number): Buffer {
	const box = Buffer.alloc(size);
	box.writeUInt32BE(size, 0);
	box.write('mdat', 4, 'latin1');
	return box;
}
