/**
 * Reference-to-video's references, from URLs or the item's binaries. First the sizes, from n8n's
 * binary metadata, are checked with the counts and the prompt's @Image1… names, before a byte is
 * read; then each binary's type and length from only the bytes that tell them (its head, an MP4's
 * metadata boxes, a WAV's chunks; an MP3's frames, within fal's 15 MB); only then are the binaries
 * streamed to fal storage. Errors name the field and the reference (the router adds the item).
 */
import type { IBinaryData, IExecuteFunctions } from 'n8n-workflow';

import { mp4DurationSeconds } from '../../media/duration';
import { inspectAudio, inspectImage, inspectVideo, type MediaFacts } from '../../media/inspect';
import { readHead, readIsoMetadata } from '../../media/readNeeded';
import { checkReferences, inputVideoSeconds, REFERENCE_LIMITS, REFERENCE_RULES_2_0, type MediaKind, type ReferenceFacts, type ReferenceRules, type Task, type VideoInputs } from '../../schema';
import type { FalTransport, UploadFile } from '../../transport';
import { noBinaryInAiTool, runsAsAiTool } from './aiTool';
import { binaryFile } from './binaryFile';
import { InputError } from './errors';
import type { ReferenceSource } from './referenceSources';

export interface ResolvedReferences {
	lists: { image_urls?: string[]; video_urls?: string[]; audio_urls?: string[] };
	videos: VideoInputs;
}

interface Prepared {
	facts: ReferenceFacts;
	url?: string;
	upload?: UploadFile;
	/** The binary property, to name a file that came without a name. */
	property?: string;
}

const URL_PREVIEW_CHARS = 80;
/** Enough of a file to tell its type, and a WAV's chunks before its data. */
const HEAD_BYTES = 64 * 1024;

/** Type and length from the fewest bytes: see the file comment. */
async function inspectFile(media: MediaKind, file: UploadFile): Promise<MediaFacts> {
	const head = await readHead(await file.open(), HEAD_BYTES);
	if (media === 'image') return inspectImage(head, file.size);
	if (media === 'audio') {
		const sniff = inspectAudio(head, file.size);
		if (!sniff.accepted || sniff.type !== 'mp3' || head.length >= file.size) return sniff;
		return inspectAudio(await readHead(await file.open(), file.size), file.size);
	}
	const sniff = inspectVideo(head, file.size);
	if (!sniff.accepted || head.length >= file.size) return sniff;
	const metadata = await readIsoMetadata(await file.open(), file.size);
	return { ...sniff, seconds: mp4DurationSeconds(metadata.bytes) };
}

/**
 * Seconds of one reference video binary, read as `resolveReferences` reads it (only its metadata
 * boxes); undefined when unknown, or when it is over fal's size limit (refused later, unread).
 */
export async function binaryVideoSeconds(ctx: IExecuteFunctions, itemIndex: number, property: string): Promise<number | undefined> {
	const binary = binariesOf(ctx, itemIndex)[property];
	if (!binary) return undefined;
	const file = await binaryFile(ctx, itemIndex, property, binary, binary.fileName ?? '', binary.mimeType ?? '');
	const limit = REFERENCE_LIMITS.video.maxBytesTotal;
	if (limit !== undefined && file.size > limit) return undefined;
	return (await inspectFile('video', file)).seconds;
}

function throwIfProblem(facts: ReferenceFacts[], prompt: string, rules: ReferenceRules, task: Task | undefined): void {
	const problem = checkReferences(facts, prompt, rules, task);
	if (problem) throw new InputError(problem.field, problem.problem, problem.hint);
}

function checkUrl(media: MediaKind, url: string): string {
	if (/^data:[^,]*,/i.test(url)) return url;
	if (URL.canParse(url) && /^https?:$/.test(new URL(url).protocol)) return url;
	throw new InputError(
		`${REFERENCE_LIMITS[media].label}: URLs`,
		`"${url.slice(0, URL_PREVIEW_CHARS)}" is not an http(s) URL`,
		'fal downloads references itself, so give public http(s) URLs; for files in n8n, set the source to Binary Properties.',
	);
}

function binariesOf(ctx: IExecuteFunctions, itemIndex: number): Record<string, IBinaryData> {
	return ctx.getInputData()[itemIndex]?.binary ?? {};
}

function missingBinary(media: MediaKind, problem: string, available: string[]): InputError {
	return new InputError(
		REFERENCE_LIMITS[media].label,
		problem,
		available.length
			? `The item's binary properties are: ${available.join(', ')}.`
			: 'The incoming item has no binary data. Add a node before this one that reads the files (e.g. Google Drive, HTTP Request), or use URLs.',
	);
}

/** The binary properties a source stands for, in order. */
export function propertiesOf(ctx: IExecuteFunctions, itemIndex: number, source: ReferenceSource): string[] {
	if (source.kind === 'url') return [];
	if (runsAsAiTool(ctx)) throw noBinaryInAiTool(REFERENCE_LIMITS[source.media].label);
	const binaries = binariesOf(ctx, itemIndex);
	const available = Object.keys(binaries);
	if (source.kind === 'binary') {
		if (!binaries[source.property]) throw missingBinary(source.media, `the item has no binary property "${source.property}"`, available);
		return [source.property];
	}
	const matching = available.filter((property) => (binaries[property].mimeType ?? '').startsWith(`${source.media}/`));
	if (matching.length === 0) throw missingBinary(source.media, `the item has no ${source.media} binaries`, available);
	return matching;
}

/** Every reference with what is known before reading: URLs as given, binaries by their stored size. */
async function gather(ctx: IExecuteFunctions, itemIndex: number, sources: readonly ReferenceSource[]): Promise<Prepared[]> {
	const prepared: Prepared[] = [];
	for (const source of sources) {
		if (source.kind === 'url') {
			const url = checkUrl(source.media, source.url);
			prepared.push({ url, facts: { kind: source.media, source: `URL "${url.slice(0, URL_PREVIEW_CHARS)}"` } });
			continue;
		}
		for (const property of propertiesOf(ctx, itemIndex, source)) {
			const binary = binariesOf(ctx, itemIndex)[property];
			const upload = await binaryFile(ctx, itemIndex, property, binary, binary.fileName ?? '', binary.mimeType ?? '');
			prepared.push({ facts: { kind: source.media, source: `binary property "${property}"`, bytes: upload.size }, upload, property });
		}
	}
	return prepared;
}

/** Reads each binary's type and length, and names the upload for what its bytes are. */
async function inspectBinaries(prepared: Prepared[]): Promise<void> {
	for (const entry of prepared) {
		if (!entry.upload) continue;
		const facts = await inspectFile(entry.facts.kind, entry.upload);
		entry.facts = { ...entry.facts, seconds: facts.seconds, format: facts };
		const fileName = entry.upload.fileName || `${entry.property ?? 'reference'}.${facts.type}`;
		entry.upload = { ...entry.upload, fileName, contentType: facts.mimeType ?? entry.upload.contentType };
	}
}

/** Reads, checks and uploads the references; returns fal's three lists and the input videos' length. */
export async function resolveReferences(
	ctx: IExecuteFunctions,
	client: FalTransport,
	itemIndex: number,
	sources: readonly ReferenceSource[],
	prompt: string,
	rules: ReferenceRules = REFERENCE_RULES_2_0,
	task?: Task,
): Promise<ResolvedReferences> {
	const prepared = await gather(ctx, itemIndex, sources);
	throwIfProblem(
		prepared.map((entry) => entry.facts),
		prompt,
		rules,
		task,
	);
	await inspectBinaries(prepared);
	const facts = prepared.map((entry) => entry.facts);
	throwIfProblem(facts, prompt, rules, task);

	const lists: ResolvedReferences['lists'] = {};
	for (const entry of prepared) {
		const url = entry.upload ? await client.storage.upload(entry.upload) : (entry.url ?? '');
		const field = REFERENCE_LIMITS[entry.facts.kind].falField;
		(lists[field] ??= []).push(url);
	}
	const count = facts.filter((entry) => entry.kind === 'video').length;
	return { lists, videos: { count, seconds: inputVideoSeconds(facts) } };
}
