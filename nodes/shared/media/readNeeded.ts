/**
 * Reading only what a check needs from a file that arrives as a stream (n8n's binary store): its
 * first bytes, or an MP4/MOV's metadata boxes without the media data, so a large reference is
 * never held whole in memory just to learn its type and length.
 */

export type ByteSource = Buffer | (AsyncIterable<Buffer | Uint8Array | string> & { destroy?(error?: Error): unknown });

/** The most metadata kept from one MP4/MOV (moov and moof boxes); a real clip's are a few hundred KB. */
export const ISO_METADATA_MAX_BYTES = 8 * 1024 * 1024;

/** Boxes that tell a movie's length: the movie header, and the fragments of a fragmented MP4. */
const METADATA_BOXES = new Set(['ftyp', 'moov', 'moof']);

/** Pulls exact byte counts out of a stream of arbitrary chunks. */
class ChunkReader {
	private readonly iterator: AsyncIterator<Buffer | Uint8Array | string> | undefined;
	private pending: Buffer;
	private ended = false;

	constructor(private readonly source: ByteSource) {
		if (Buffer.isBuffer(source)) {
			this.pending = source;
			this.ended = true;
		} else {
			this.pending = Buffer.alloc(0);
			this.iterator = source[Symbol.asyncIterator]();
		}
	}

	/** Makes at least `count` bytes available, unless the stream ends first; true when they are. */
	async fill(count: number): Promise<boolean> {
		const chunks = [this.pending];
		let available = this.pending.length;
		while (available < count && !this.ended && this.iterator) {
			const next = await this.iterator.next();
			if (next.done) {
				this.ended = true;
				break;
			}
			const chunk = typeof next.value === 'string' ? Buffer.from(next.value) : Buffer.from(next.value.buffer, next.value.byteOffset, next.value.byteLength);
			chunks.push(chunk);
			available += chunk.length;
		}
		if (chunks.length > 1) this.pending = Buffer.concat(chunks);
		return this.pending.length >= count;
	}

	/** Up to `count` bytes (fewer at the end of the stream). */
	async take(count: number): Promise<Buffer> {
		await this.fill(count);
		const taken = this.pending.subarray(0, count);
		this.pending = this.pending.subarray(taken.length);
		return taken;
	}

	/** Passes over `count` bytes without keeping them; answers how many there were. */
	async skip(count: number): Promise<number> {
		let skipped = 0;
		while (skipped < count) {
			if (this.pending.length === 0 && !(await this.fill(1))) break;
			const step = Math.min(count - skipped, this.pending.length);
			this.pending = this.pending.subarray(step);
			skipped += step;
		}
		return skipped;
	}

	/** Stops the stream: nothing more is read from n8n's store. */
	close(): void {
		if (!Buffer.isBuffer(this.source)) this.source.destroy?.();
	}
}

/** The first `count` bytes (the whole file when `count` is its size); the rest of a stream is never read. */
export async function readHead(source: ByteSource, count: number): Promise<Buffer> {
	const reader = new ChunkReader(source);
	try {
		return await reader.take(count);
	} finally {
		reader.close();
	}
}

export interface IsoMetadata {
	/** The ftyp, moov and moof boxes, in file order: a valid ISO file to measure, without media data. */
	bytes: Buffer;
	/** False when the file ended early or its metadata passed ISO_METADATA_MAX_BYTES. */
	complete: boolean;
}

/** Whether a moov box (header included) announces fragments to follow (`mvex`). */
function announcesFragments(moov: Buffer, headerBytes: number): boolean {
	let offset = headerBytes;
	while (offset + 8 <= moov.length) {
		const size = moov.readUInt32BE(offset);
		if (moov.toString('latin1', offset + 4, offset + 8) === 'mvex') return true;
		if (size < 8) return false;
		offset += size;
	}
	return false;
}

/**
 * Walks an MP4/MOV's top-level boxes as they stream by, keeping the ones that tell its length and
 * passing over the media data. Stops after a `moov` that announces no fragments.
 */
export async function readIsoMetadata(source: ByteSource, totalBytes: number, maxKeptBytes = ISO_METADATA_MAX_BYTES): Promise<IsoMetadata> {
	const reader = new ChunkReader(source);
	const kept: Buffer[] = [];
	let keptBytes = 0;
	let offset = 0;
	try {
		while (await reader.fill(8)) {
			const header = await reader.take(8);
			let size = header.readUInt32BE(0);
			const type = header.toString('latin1', 4, 8);
			let headerBytes = 8;
			let largeSize: Buffer | undefined;
			if (size === 1) {
				largeSize = await reader.take(8);
				if (largeSize.length < 8) break;
				size = Number(largeSize.readBigUInt64BE(0));
				headerBytes = 16;
			} else if (size === 0) {
				size = totalBytes - offset;
			}
			if (size < headerBytes) break;
			const payloadBytes = size - headerBytes;
			if (METADATA_BOXES.has(type)) {
				if (keptBytes + size > maxKeptBytes) return { bytes: Buffer.concat(kept), complete: false };
				const payload = await reader.take(payloadBytes);
				const box = Buffer.concat([header, ...(largeSize ? [largeSize] : []), payload]);
				kept.push(box);
				keptBytes += box.length;
				if (payload.length < payloadBytes) return { bytes: Buffer.concat(kept), complete: false };
				if (type === 'moov' && !announcesFragments(box, headerBytes)) return { bytes: Buffer.concat(kept), complete: true };
			} else if ((await reader.skip(payloadBytes)) < payloadBytes) {
				break;
			}
			offset += size;
		}
		return { bytes: Buffer.concat(kept), complete: offset >= totalBytes };
	} finally {
		reader.close();
	}
}
