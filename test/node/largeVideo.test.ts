import { createHash } from 'crypto';
import { createReadStream } from 'fs';

import { generatedVideoSha256, startFakeFal, type FakeFal } from '../fake-fal';
import { API_KEY, generateParameters, runSeedance } from './seedance';

const VIDEO_BYTES = 200 * 1024 * 1024;

let fake: FakeFal;
beforeAll(async () => {
	fake = await startFakeFal({ apiKey: API_KEY, queueMs: 10, jobMs: 50, video: { sizeBytes: VIDEO_BYTES } });
});
afterAll(async () => await fake.close());

async function sha256OfFile(file: string): Promise<string> {
	const hash = createHash('sha256');
	for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
	return hash.digest('hex');
}

test('a 200 MB video streams to disk: the bytes match and memory does not grow by the video size', async () => {
	global.gc?.();
	const before = process.memoryUsage();
	const result = await runSeedance(fake, generateParameters());
	const after = process.memoryUsage();

	expect(result.status).toBe('success');
	const item = result.items[0];
	const file = result.binaryFilePath(item);
	expect(file).toBeDefined();
	expect(item.binary?.data.id).toMatch(/^filesystem-v2:/);
	expect(item.binary?.data.data).toBe('filesystem-v2');
	expect(await sha256OfFile(file!)).toBe(await generatedVideoSha256(VIDEO_BYTES));
	// Held whole, the video would add 200 MB of buffers; streamed, only chunks pass through.
	expect(after.arrayBuffers - before.arrayBuffers).toBeLessThan(VIDEO_BYTES / 4);
}, 120000);
