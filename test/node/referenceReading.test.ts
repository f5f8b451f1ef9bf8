/**
 * Reference binaries are measured from n8n's binary metadata before a byte is read, and then only
 * the bytes needed to tell their type and length are read (issue 19, points 6 and 7). What n8n's
 * BinaryDataService hands out is counted, not our own functions.
 */
import type { Readable } from 'stream';

import { BinaryDataService } from 'n8n-core';

import { startFakeFal, type FakeFal } from '../fake-fal';
import type { TriggerItem } from '../harness/nodeTypes';
import { API_KEY, runFamilyNode, SAMPLE_VIDEO, TINY_PNG } from './seedance';

const MEGABYTE = 1024 * 1024;

let fake: FakeFal;
beforeAll(async () => {
	fake = await startFakeFal({ apiKey: API_KEY, queueMs: 20, jobMs: 60 });
});
afterAll(async () => await fake.close());
afterEach(() => jest.restoreAllMocks());

/** Counts the bytes the node pulls out of n8n's binary store (streams and whole buffers). */
function countBinaryReads(): { bytes: number; buffers: number } {
	const counts = { bytes: 0, buffers: 0 };
	const getAsStream = BinaryDataService.prototype.getAsStream;
	jest.spyOn(BinaryDataService.prototype, 'getAsStream').mockImplementation(async function (this: BinaryDataService, id: string, chunkSize?: number) {
		const stream: Readable = await getAsStream.call(this, id, chunkSize);
		stream.on('data', (chunk: Buffer) => (counts.bytes += chunk.length));
		return stream;
	});
	const getAsBuffer = BinaryDataService.prototype.getAsBuffer;
	jest.spyOn(BinaryDataService.prototype, 'getAsBuffer').mockImplementation(async function (this: BinaryDataService, binary) {
		const buffer = await getAsBuffer.call(this, binary);
		counts.buffers += 1;
		counts.bytes += buffer.length;
		return buffer;
	});
	return counts;
}

function mdat(size: number): Buffer {
	const box = Buffer.alloc(size);
	box.writeUInt32BE(size, 0);
	box.write('mdat', 4, 'latin1');
	return box;
}

const generate = (overrides: Record<string, unknown>) => ({
	operation: 'generate',
	mode: 'waitForCompletion',
	tier: 'fast',
	prompt: 'The bottle from @Image1 spins',
	duration: '5',
	referenceImageSource: 'binary',
	referenceImageBinaryProperties: 'product',
	...overrides,
});

function item(binary: NonNullable<TriggerItem['binary']>): TriggerItem {
	return { json: {}, binary: { product: { data: TINY_PNG, mimeType: 'image/png', fileName: 'product.png' }, ...binary } };
}

test('a reference video over fal’s 50 MB is refused from its stored size, without reading it', async () => {
	const tooBig = Buffer.concat([SAMPLE_VIDEO.subarray(0, 3460), mdat(51 * MEGABYTE)]);
	const counts = countBinaryReads();
	const result = await runFamilyNode(fake, 'reference-to-video', generate({ referenceVideoSource: 'binary', referenceVideoBinaryProperties: 'clip' }), {
		items: [item({ clip: { data: tooBig, mimeType: 'video/mp4', fileName: 'clip.mp4' } })],
	});

	expect(result.status).toBe('error');
	expect(result.error?.message).toMatch(/Reference Videos: together 51\.0 MB, over fal's limit of 50\.0 MB/);
	expect(counts.bytes).toBe(0);
});

test('a crafted 16 MB MP3 (ID3 + 0xFF) is refused from its stored size, never parsed', async () => {
	const crafted = Buffer.concat([Buffer.from('ID3\u0004\u0000\u0000\u0000\u0000\u0000\u0000', 'latin1'), Buffer.alloc(16 * MEGABYTE, 0xff)]);
	const counts = countBinaryReads();
	const result = await runFamilyNode(fake, 'reference-to-video', generate({ referenceAudioSource: 'binary', referenceAudioBinaryProperties: 'jingle' }), {
		items: [item({ jingle: { data: crafted, mimeType: 'audio/mpeg', fileName: 'jingle.mp3' } })],
	});

	expect(result.status).toBe('error');
	expect(result.error?.message).toMatch(/over fal's limit of 15\.0 MB per file/);
	expect(counts.bytes).toBe(0);
});

test('a 30 MB video with its movie header first: only its start is read to check it, and it is streamed to fal', async () => {
	const clip = Buffer.concat([SAMPLE_VIDEO.subarray(0, 3460), mdat(30 * MEGABYTE)]);
	const counts = countBinaryReads();
	const result = await runFamilyNode(
		fake,
		'reference-to-video',
		generate({ referenceImageSource: 'none', prompt: 'The scene from @Video1 continues', referenceVideoSource: 'binary', referenceVideoBinaryProperties: 'clip' }),
		{ items: [item({ clip: { data: clip, mimeType: 'video/mp4', fileName: 'clip.mp4' } })] },
	);

	expect(result.error).toBeUndefined();
	expect(result.status).toBe('success');
	const upload = [...fake.uploads.values()].find((entry) => entry.fileName === 'clip.mp4');
	expect(upload?.bytes.length).toBe(clip.length);
	// Checking read at most a couple of stream chunks; the rest is the upload's single pass.
	expect(counts.bytes - clip.length).toBeLessThan(MEGABYTE);
	expect(counts.buffers).toBe(0);
});
