/**
 * Reference-to-video's references, from URLs or the item's binaries: every binary is read and
 * checked by its bytes (format, size, length), the whole set against fal's limits and the prompt's
 * @Image1… names, and only then are the binaries uploaded to fal storage. Errors name the field and
 * the reference (the router adds the item).
 */
import type { IBinaryData, IExecuteFunctions } from 'n8n-workflow';

import { inspectAudio, inspectImage, inspectVideo, type MediaFacts } from '../../media/inspect';
import { checkReferences, inputVideoSeconds, REFERENCE_LIMITS, type MediaKind, type ReferenceFacts, type VideoInputs } from '../../schema';
import { bufferFile, type FalTransport } from '../../transport';
import { InputError } from './errors';
import type { ReferenceSource } from './referenceSources';

export interface ResolvedReferences {
	lists: { image_urls?: string[]; video_urls?: string[]; audio_urls?: string[] };
	videos: VideoInputs;
}

interface Prepared {
	facts: ReferenceFacts;
	url?: string;
	upload?: { bytes: Buffer; fileName: string; mimeType: string };
}

const INSPECT: Record<MediaKind, (bytes: Uint8Array) => MediaFacts> = { image: inspectImage, video: inspectVideo, audio: inspectAudio };
const URL_PREVIEW_CHARS = 80;

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

async function prepare(ctx: IExecuteFunctions, itemIndex: number, sources: readonly ReferenceSource[]): Promise<Prepared[]> {
	const prepared: Prepared[] = [];
	for (const source of sources) {
		if (source.kind === 'url') {
			const url = checkUrl(source.media, source.url);
			prepared.push({ url, facts: { kind: source.media, source: `URL "${url.slice(0, URL_PREVIEW_CHARS)}"` } });
			continue;
		}
		for (const property of propertiesOf(ctx, itemIndex, source)) {
			const bytes = await ctx.helpers.getBinaryDataBuffer(itemIndex, property);
			const facts = INSPECT[source.media](bytes);
			const binary = binariesOf(ctx, itemIndex)[property];
			const mimeType = facts.mimeType ?? binary.mimeType;
			prepared.push({
				facts: { kind: source.media, source: `binary property "${property}"`, bytes: facts.bytes, seconds: facts.seconds, format: facts },
				upload: { bytes, mimeType, fileName: binary.fileName ?? `${property}.${facts.type}` },
			});
		}
	}
	return prepared;
}

/** Reads, checks and uploads the references; returns fal's three lists and the input videos' length. */
export async function resolveReferences(
	ctx: IExecuteFunctions,
	client: FalTransport,
	itemIndex: number,
	sources: readonly ReferenceSource[],
	prompt: string,
): Promise<ResolvedReferences> {
	const prepared = await prepare(ctx, itemIndex, sources);
	const facts = prepared.map((entry) => entry.facts);
	const problem = checkReferences(facts, prompt);
	if (problem) throw new InputError(problem.field, problem.problem, problem.hint);

	const lists: ResolvedReferences['lists'] = {};
	for (const entry of prepared) {
		const url = entry.upload ? await client.storage.upload(bufferFile(entry.upload.bytes, entry.upload.fileName, entry.upload.mimeType)) : (entry.url ?? '');
		const field = REFERENCE_LIMITS[entry.facts.kind].falField;
		(lists[field] ??= []).push(url);
	}
	const count = facts.filter((entry) => entry.kind === 'video').length;
	return { lists, videos: { count, seconds: inputVideoSeconds(facts) } };
}
