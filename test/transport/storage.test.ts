import { multipartUrl, MULTIPART_PART_BYTES, MULTIPART_THRESHOLD_BYTES, splitIntoParts } from '../../nodes/shared/transport/storage';

async function collect(parts: AsyncIterable<Buffer>): Promise<Buffer[]> {
	const out: Buffer[] = [];
	for await (const part of parts) out.push(part);
	return out;
}

describe('multipart uploads', () => {
	test('like fal-js: multipart above 90 MB, in 10 MB parts', () => {
		expect(MULTIPART_THRESHOLD_BYTES).toBe(90 * 1024 * 1024);
		expect(MULTIPART_PART_BYTES).toBe(10 * 1024 * 1024);
	});

	test('chunks of any size are regrouped into parts of exactly the part size, the last one shorter', async () => {
		async function* chunks() {
			for (const size of [3, 1, 7, 2, 0, 5]) yield Buffer.alloc(size, size);
		}
		const parts = await collect(splitIntoParts(chunks(), 4));
		expect(parts.map((part) => part.length)).toEqual([4, 4, 4, 4, 2]);
		expect(Buffer.concat(parts)).toEqual(Buffer.concat([3, 1, 7, 2, 0, 5].map((size) => Buffer.alloc(size, size))));
	});

	test('a buffer is split the same way, and an exact multiple leaves no empty part', async () => {
		expect((await collect(splitIntoParts(Buffer.alloc(8), 4))).map((part) => part.length)).toEqual([4, 4]);
		expect(await collect(splitIntoParts(Buffer.alloc(0), 4))).toEqual([]);
	});

	test("parts and the completion go under the upload URL's path, keeping its signed query", () => {
		const uploadUrl = 'https://v3.fal.media/upload/abc?signature=s%2F1&x=2';
		expect(multipartUrl(uploadUrl, 3)).toBe('https://v3.fal.media/upload/abc/3?signature=s%2F1&x=2');
		expect(multipartUrl(uploadUrl, 'complete')).toBe('https://v3.fal.media/upload/abc/complete?signature=s%2F1&x=2');
	});
});
