import { readFileSync } from 'fs';
import path from 'path';

import { sniffAudioType } from '../../nodes/shared/media/audioType';
import { mp3DurationSeconds, mp4DurationSeconds, wavDurationSeconds } from '../../nodes/shared/media/duration';
import { inspectAudio, inspectVideo } from '../../nodes/shared/media/inspect';
import { sniffVideoType } from '../../nodes/shared/media/videoType';

const fixture = (name: string) => readFileSync(path.join(__dirname, 'fixtures', name));
const SAMPLE_MP4 = readFileSync(path.join(__dirname, '../fake-fal/fixtures/sample.mp4'));
const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');

/** A QuickTime file as old cameras write it: no `ftyp`, `moov` first, version-1 `mvhd`. */
function legacyMov(durationUnits: bigint, timescale: number): Buffer {
	const mvhd = Buffer.alloc(8 + 4 + 28);
	mvhd.writeUInt32BE(mvhd.length, 0);
	mvhd.write('mvhd', 4, 'latin1');
	mvhd[8] = 1;
	mvhd.writeUInt32BE(timescale, 12 + 16);
	mvhd.writeBigUInt64BE(durationUnits, 12 + 20);
	const moov = Buffer.concat([Buffer.alloc(8), mvhd]);
	moov.writeUInt32BE(moov.length, 0);
	moov.write('moov', 4, 'latin1');
	return moov;
}

describe('video references are recognised by their bytes', () => {
	test('an MP4 is MP4 and a QuickTime file is MOV, whatever their names say', () => {
		expect(sniffVideoType(SAMPLE_MP4)).toMatchObject({ accepted: true, type: 'mp4', mimeType: 'video/mp4' });
		expect(sniffVideoType(fixture('clip-2.5s.mov'))).toMatchObject({ accepted: true, type: 'mov', mimeType: 'video/quicktime' });
		expect(sniffVideoType(legacyMov(1n, 1))).toMatchObject({ accepted: true, type: 'mov' });
	});

	test('images, audio and empty files are refused as videos, named for what they are', () => {
		expect(sniffVideoType(PNG)).toEqual({ accepted: false, type: 'unknown' });
		expect(sniffVideoType(Buffer.alloc(0))).toEqual({ accepted: false, type: 'empty' });
		expect(inspectVideo(fixture('tone-2s.wav'))).toMatchObject({ accepted: false, typeName: 'not a recognised video' });
		expect(sniffVideoType(Buffer.from([0x1a, 0x45, 0xdf, 0xa3, 0, 0, 0, 0]))).toEqual({ accepted: false, type: 'webm' });
	});
});

describe('video lengths are read from the movie header', () => {
	test('MP4 and MOV give their length in seconds, with the header before or after the media data', () => {
		expect(mp4DurationSeconds(SAMPLE_MP4)).toBe(3);
		expect(mp4DurationSeconds(fixture('clip-2.5s.mov'))).toBeCloseTo(2.5, 1);
		expect(mp4DurationSeconds(fixture('clip-4s-moov-at-end.mp4'))).toBeCloseTo(4, 1);
	});

	test('a 64-bit (version 1) movie header is read too', () => {
		expect(mp4DurationSeconds(legacyMov(90000n * 7n, 90000))).toBe(7);
	});

	test('a file cut before its movie header has no known length', () => {
		const clip = fixture('clip-4s-moov-at-end.mp4');
		expect(mp4DurationSeconds(clip.subarray(0, 3400))).toBeUndefined();
		expect(inspectVideo(clip.subarray(0, 64))).toMatchObject({ accepted: true, type: 'mp4', seconds: undefined });
	});
});

describe('audio references are recognised by their bytes and measured', () => {
	test('MP3 (with an ID3 tag) and WAV are accepted; FLAC is refused by name', () => {
		expect(sniffAudioType(fixture('tone-1.5s.mp3'))).toMatchObject({ accepted: true, type: 'mp3', mimeType: 'audio/mpeg' });
		expect(sniffAudioType(fixture('tone-2s.wav'))).toMatchObject({ accepted: true, type: 'wav' });
		expect(inspectAudio(fixture('tone.flac'))).toMatchObject({ accepted: false, typeName: 'FLAC' });
		expect(inspectAudio(SAMPLE_MP4)).toMatchObject({ accepted: false, typeName: 'M4A/AAC' });
	});

	test('a WAV is as long as its data chunk at its byte rate', () => {
		expect(wavDurationSeconds(fixture('tone-2s.wav'))).toBeCloseTo(2, 3);
	});

	test('an MP3 is as long as its frames add up to (ffprobe: 1.567 s)', () => {
		const seconds = mp3DurationSeconds(fixture('tone-1.5s.mp3'));
		expect(seconds).toBeGreaterThan(1.5);
		expect(seconds).toBeLessThan(1.65);
		expect(inspectAudio(fixture('tone-1.5s.mp3')).seconds).toBe(seconds);
	});

	test('an MP3 without frames, or a WAV without a format chunk, has no known length', () => {
		expect(mp3DurationSeconds(Buffer.from('ID3\u0004\u0000\u0000\u0000\u0000\u0000\u0000', 'latin1'))).toBeUndefined();
		const wav = fixture('tone-2s.wav');
		const withoutFormat = Buffer.concat([wav.subarray(0, 12), wav.subarray(36)]);
		expect(wavDurationSeconds(withoutFormat)).toBeUndefined();
	});
});
