/**
 * fal storage (fal-protocol.md §2): initiate an upload with the key, then PUT the bytes to the
 * `upload_url` fal returns, without the key. Above 90 MB, as fal-js: initiate-multipart, 10 MB
 * parts PUT to `{upload_url path}/{n}`, then `…/complete` with the parts' etags. The bytes are read
 * from a stream where the caller has one, so a large file is never held whole in memory.
 */
import { uploadUrlFor, type FalHosts } from './hosts';
import { uploadStorageHeaders, type StoragePreferences } from './lifecycle';
import type { SendFalRequest, StreamBody } from './request';
import { DEFAULT_RETRY, withRetries } from './retry';
import { REQUEST_TIMEOUTS_MS } from './timeouts';

const MEGABYTE = 1024 * 1024;
/** fal-js switches to multipart above this size. */
export const MULTIPART_THRESHOLD_BYTES = 90 * MEGABYTE;
export const MULTIPART_PART_BYTES = 10 * MEGABYTE;

export interface UploadFile {
	fileName: string;
	contentType: string;
	/** Bytes in the file: decides single or multipart upload, and is sent as Content-Length. */
	size: number;
	/** The bytes, opened afresh for every attempt (a stream can be read once). */
	open(): Promise<Buffer | StreamBody>;
}

export interface FalStorage {
	/** Uploads the file to fal's CDN and answers its URL, which fal's models can download. */
	upload(file: UploadFile, options?: { abortSignal?: AbortSignal; storage?: StoragePreferences }): Promise<string>;
}

interface InitiatedUpload {
	upload_url: string;
	file_url: string;
}

interface UploadedPart {
	partNumber: number;
	etag: string;
}

/** A file already in memory, as an `UploadFile`. */
export function bufferFile(bytes: Buffer, fileName: string, contentType: string): UploadFile {
	return { fileName, contentType, size: bytes.length, open: async () => bytes };
}

/** `{origin}{path}/{suffix}{query}` of an upload URL: where fal-js sends parts and the completion. */
export function multipartUrl(uploadUrl: string, suffix: string | number): string {
	const url = new URL(uploadUrl);
	return `${url.origin}${url.pathname}/${suffix}${url.search}`;
}

/** Regroups any chunks into parts of exactly `partBytes` (the last one shorter). */
export async function* splitIntoParts(source: Buffer | AsyncIterable<Buffer | string>, partBytes: number): AsyncGenerator<Buffer> {
	const chunks: AsyncIterable<Buffer | string> | Iterable<Buffer> = Buffer.isBuffer(source) ? [source] : source;
	let pending: Buffer[] = [];
	let pendingBytes = 0;
	for await (const chunk of chunks) {
		let rest = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
		while (pendingBytes + rest.length >= partBytes) {
			const take = partBytes - pendingBytes;
			yield Buffer.concat([...pending, rest.subarray(0, take)]);
			rest = rest.subarray(take);
			pending = [];
			pendingBytes = 0;
		}
		if (rest.length > 0) {
			pending.push(rest);
			pendingBytes += rest.length;
		}
	}
	if (pendingBytes > 0) yield Buffer.concat(pending);
}

export function createStorage(
	send: SendFalRequest,
	hosts: FalHosts,
	signalFor: (own?: AbortSignal) => AbortSignal | undefined,
	timeoutMs = REQUEST_TIMEOUTS_MS.upload,
): FalStorage {
	async function initiate(file: UploadFile, kind: 'initiate' | 'initiate-multipart', signal?: AbortSignal, storage?: StoragePreferences): Promise<InitiatedUpload> {
		const url = `${hosts.rest}/storage/upload/${kind}?storage_type=fal-cdn-v3`;
		const body = { content_type: file.contentType, file_name: file.fileName };
		const headers = uploadStorageHeaders(storage);
		const response = await withRetries(
			async () => await send<InitiatedUpload>({ method: 'POST', url, body, headers, authenticated: true, abortSignal: signal, timeoutMs }),
			DEFAULT_RETRY,
			signal,
		);
		return response.body;
	}

	async function uploadWhole(file: UploadFile, signal?: AbortSignal, storage?: StoragePreferences): Promise<string> {
		const { upload_url: uploadUrl, file_url: fileUrl } = await initiate(file, 'initiate', signal, storage);
		const url = uploadUrlFor(hosts, uploadUrl);
		const headers = { 'Content-Type': file.contentType, 'Content-Length': String(file.size) };
		await withRetries(
			async () => await send({ method: 'PUT', url, headers, body: await file.open(), authenticated: false, abortSignal: signal, timeoutMs }),
			DEFAULT_RETRY,
			signal,
		);
		return fileUrl;
	}

	async function uploadInParts(file: UploadFile, signal?: AbortSignal, storage?: StoragePreferences): Promise<string> {
		const { upload_url: uploadUrl, file_url: fileUrl } = await initiate(file, 'initiate-multipart', signal, storage);
		const target = uploadUrlFor(hosts, uploadUrl);
		const parts: UploadedPart[] = [];
		let partNumber = 0;
		for await (const part of splitIntoParts(await file.open(), MULTIPART_PART_BYTES)) {
			partNumber++;
			const url = multipartUrl(target, partNumber);
			// No Content-Type, as fal-js sends parts; `false` stops axios from adding its form default.
			const headers = { 'Content-Length': String(part.length), 'Content-Type': false as const };
			const answer = await withRetries(
				async () => await send<UploadedPart>({ method: 'PUT', url, headers, body: part, authenticated: false, abortSignal: signal, timeoutMs }),
				DEFAULT_RETRY,
				signal,
			);
			parts.push({ partNumber: answer.body.partNumber, etag: answer.body.etag });
		}
		const complete = { method: 'POST' as const, url: multipartUrl(target, 'complete'), body: { parts }, authenticated: false, abortSignal: signal, timeoutMs };
		await withRetries(async () => await send(complete), DEFAULT_RETRY, signal);
		return fileUrl;
	}

	return {
		async upload(file, options) {
			const signal = signalFor(options?.abortSignal);
			const storage = options?.storage;
			return file.size > MULTIPART_THRESHOLD_BYTES ? await uploadInParts(file, signal, storage) : await uploadWhole(file, signal, storage);
		},
	};
}
