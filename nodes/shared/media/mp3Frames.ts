/**
 * MPEG audio frame headers (MP3 and its Layer I/II cousins): enough to find frames and add up
 * their samples, which is how an MP3's length is known without decoding it.
 */

export interface Mp3FrameHeader {
	sampleRate: number;
	samples: number;
	/** Bytes from this header to the next one. */
	length: number;
}

const BITRATES_KBPS = {
	v1l1: [0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448],
	v1l2: [0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384],
	v1l3: [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320],
	v2l1: [0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256],
	v2l23: [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
};
const SAMPLE_RATES: Record<number, readonly number[]> = { 3: [44100, 48000, 32000], 2: [22050, 24000, 16000], 0: [11025, 12000, 8000] };

/** The frame header at `offset`, or undefined when the bytes there are not one. */
export function readMp3FrameHeader(bytes: Uint8Array, offset: number): Mp3FrameHeader | undefined {
	if (offset + 4 > bytes.length) return undefined;
	const [b0, b1, b2] = [bytes[offset], bytes[offset + 1], bytes[offset + 2]];
	if (b0 !== 0xff || (b1 & 0xe0) !== 0xe0) return undefined;
	const version = (b1 >> 3) & 0x03; // 3 = MPEG-1, 2 = MPEG-2, 0 = MPEG-2.5, 1 reserved
	const layer = (b1 >> 1) & 0x03; // 3 = Layer I, 2 = Layer II, 1 = Layer III, 0 reserved
	const bitrateIndex = (b2 >> 4) & 0x0f;
	const rateIndex = (b2 >> 2) & 0x03;
	if (version === 1 || layer === 0 || bitrateIndex === 0 || bitrateIndex === 15 || rateIndex === 3) return undefined;
	const mpeg1 = version === 3;
	const layerNumber = 4 - layer;
	const table =
		layerNumber === 1 ? (mpeg1 ? BITRATES_KBPS.v1l1 : BITRATES_KBPS.v2l1) : mpeg1 ? (layerNumber === 2 ? BITRATES_KBPS.v1l2 : BITRATES_KBPS.v1l3) : BITRATES_KBPS.v2l23;
	const bitrate = table[bitrateIndex] * 1000;
	const sampleRate = SAMPLE_RATES[version][rateIndex];
	const padding = (b2 >> 1) & 0x01;
	const samples = layerNumber === 1 ? 384 : layerNumber === 3 && !mpeg1 ? 576 : 1152;
	const length = layerNumber === 1 ? (Math.floor((12 * bitrate) / sampleRate) + padding) * 4 : Math.floor(((samples / 8) * bitrate) / sampleRate) + padding;
	return { sampleRate, samples, length };
}
