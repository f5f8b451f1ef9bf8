import { readFileSync } from 'fs';
import path from 'path';

import { mp4FrameSize } from '../../nodes/shared/media/frameSize';

const fixture = (name: string) => readFileSync(path.join(__dirname, name));

describe("a video's frame size from its track header", () => {
	test('MP4 with moov first, MP4 with moov at the end, and MOV', () => {
		expect(mp4FrameSize(fixture('../fake-fal/fixtures/sample.mp4'))).toEqual({ width: 640, height: 360 });
		expect(mp4FrameSize(fixture('fixtures/clip-4s-moov-at-end.mp4'))).toEqual({ width: 64, height: 64 });
		expect(mp4FrameSize(fixture('fixtures/clip-2.5s.mov'))).toEqual({ width: 64, height: 64 });
	});

	test('no movie header, or bytes that are not a movie, give undefined', () => {
		expect(mp4FrameSize(Buffer.from('not a movie at all'))).toBeUndefined();
		expect(mp4FrameSize(fixture('fixtures/tone-2s.wav'))).toBeUndefined();
	});
});
