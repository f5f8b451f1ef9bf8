/**
 * Reference-to-video's checks on its references, done before anything is uploaded: counts, formats,
 * sizes, lengths, "audio needs an image or a video", and the prompt's @Image1… names. Pure: the
 * node gathers the facts (schema/references → media/inspect), this says what is wrong, first problem first.
 */
import { REFERENCE_LIMITS, REFERENCE_RULES_2_0, type MediaKind, type ReferenceRules, type Task } from './family';

export interface ReferenceFacts {
	kind: MediaKind;
	/** How the user gave it, for messages: `URL "https://…"` or `binary property "logo"`. */
	source: string;
	/** Known for binary references; a URL's file is fetched by fal, not by us. */
	bytes?: number;
	format?: { typeName: string; accepted: boolean };
	seconds?: number;
}

export interface ReferenceProblem {
	field: string;
	problem: string;
	hint: string;
}

const MEGABYTE = 1024 * 1024;
const KINDS: readonly MediaKind[] = ['image', 'video', 'audio'];

const megabytes = (bytes: number) => `${(bytes / MEGABYTE).toFixed(1)} MB`;
const seconds = (value: number) => `${Number(value.toFixed(2))} s`;

/** "@Video2 (binary property "clip")": the prompt name and where it came from. */
export function referenceName(kind: MediaKind, position: number, source: string): string {
	return `@${REFERENCE_LIMITS[kind].tag}${position} (${source})`;
}

export function countByKind(references: readonly ReferenceFacts[]): Record<MediaKind, number> {
	const counts: Record<MediaKind, number> = { image: 0, video: 0, audio: 0 };
	for (const reference of references) counts[reference.kind] += 1;
	return counts;
}

function checkCounts(references: readonly ReferenceFacts[], rules: ReferenceRules): ReferenceProblem | undefined {
	const counts = countByKind(references);
	for (const kind of KINDS) {
		const limit = rules.limits[kind];
		if (counts[kind] > limit.maxCount) {
			return {
				field: limit.label,
				problem: `${counts[kind]} given, fal takes at most ${limit.maxCount}`,
				hint: `Remove ${counts[kind] - limit.maxCount} of them, or combine them before this node.`,
			};
		}
	}
	if (references.length > rules.maxFiles) {
		return {
			field: 'References',
			problem: `${references.length} files given (${counts.image} images, ${counts.video} videos, ${counts.audio} audio), fal takes at most ${rules.maxFiles} in all`,
			hint: `Remove ${references.length - rules.maxFiles} of them.`,
		};
	}
	if (rules.audioNeedsImageOrVideo && counts.audio > 0 && counts.image + counts.video === 0) {
		return {
			field: rules.limits.audio.label,
			problem: 'audio alone is not accepted: fal needs at least one reference image or video with it',
			hint: 'Add a reference image or video (e.g. the product photo), or remove the audio.',
		};
	}
	return undefined;
}

const SIZE_HINT: Record<MediaKind, string> = {
	image: 'Resize or compress the image (JPEG or WebP) before this node.',
	video: 'Shorten or compress the video before this node.',
	audio: 'Shorten or compress the audio (e.g. MP3 at 128 kbps) before this node.',
};

function checkSeconds(name: string, kind: MediaKind, value: number | undefined, min: number | undefined, max: number | undefined, label: string): ReferenceProblem | undefined {
	if (value === undefined) return undefined;
	if (min !== undefined && value < min) {
		return { field: label, problem: `${name} is only ${seconds(value)} long; fal needs at least ${min} s per ${kind}`, hint: `Use a longer clip, or remove this ${kind}.` };
	}
	if (max !== undefined && value > max) {
		return { field: label, problem: `${name} is ${seconds(value)} long, over fal's limit of ${max} s per ${kind}`, hint: `Trim the ${kind} to ${max} seconds or less before this node.` };
	}
	return undefined;
}

function checkEach(references: readonly ReferenceFacts[], rules: ReferenceRules): ReferenceProblem | undefined {
	const positions: Record<MediaKind, number> = { image: 0, video: 0, audio: 0 };
	for (const reference of references) {
		const limit = rules.limits[reference.kind];
		const name = referenceName(reference.kind, (positions[reference.kind] += 1), reference.source);
		const accepted = limit.formats.map((format) => format.toUpperCase()).join(', ');
		if (reference.format && !reference.format.accepted) {
			return { field: limit.label, problem: `${name} is ${reference.format.typeName}, not ${accepted}`, hint: `fal takes ${accepted} here. Convert the file before this node.` };
		}
		if (limit.maxBytesEach !== undefined && reference.bytes !== undefined && reference.bytes > limit.maxBytesEach) {
			return {
				field: limit.label,
				problem: `${name} is ${megabytes(reference.bytes)}, over fal's limit of ${megabytes(limit.maxBytesEach)} per file`,
				hint: SIZE_HINT[reference.kind],
			};
		}
		const problem = checkSeconds(name, reference.kind, reference.seconds, limit.minSecondsEach, limit.maxSecondsEach, limit.label);
		if (problem) return problem;
	}
	return undefined;
}

function checkTotals(references: readonly ReferenceFacts[], rules: ReferenceRules): ReferenceProblem | undefined {
	for (const kind of KINDS) {
		const limit = rules.limits[kind];
		const ofKind = references.filter((reference) => reference.kind === kind);
		if (ofKind.length === 0) continue;
		const bytes = ofKind.reduce((sum, reference) => sum + (reference.bytes ?? 0), 0);
		if (limit.maxBytesTotal !== undefined && bytes > limit.maxBytesTotal) {
			return {
				field: limit.label,
				problem: `together ${megabytes(bytes)}, over fal's limit of ${megabytes(limit.maxBytesTotal)} for all ${kind}s`,
				hint: 'Use shorter or more compressed clips (fal reads them at 480p–720p anyway).',
			};
		}
		const lengths = ofKind.map((reference) => reference.seconds);
		const known = lengths.filter((value): value is number => value !== undefined);
		const total = known.reduce((sum, value) => sum + value, 0);
		if (limit.maxSecondsTotal !== undefined && total > limit.maxSecondsTotal) {
			const each = ofKind.map((reference, index) => `${referenceName(kind, index + 1, reference.source)} ${reference.seconds === undefined ? 'unknown' : seconds(reference.seconds)}`);
			return {
				field: limit.label,
				problem: `together ${seconds(total)} long, over fal's limit of ${limit.maxSecondsTotal} s (${each.join(', ')})`,
				hint: `Trim the ${kind} before this node so that all of it adds up to ${limit.maxSecondsTotal} seconds or less.`,
			};
		}
		if (limit.minSecondsTotal !== undefined && known.length === lengths.length && total < limit.minSecondsTotal) {
			return {
				field: limit.label,
				problem: `together only ${seconds(total)} long; fal needs at least ${limit.minSecondsTotal} s of ${kind}`,
				hint: `Use a longer clip, or remove the ${kind} references.`,
			};
		}
	}
	return undefined;
}

const PROMPT_TAG = /@(Image|Video|Audio)(\d+)/gi;

/** A prompt that names `@Image4` when three images are given would point fal at nothing. */
export function checkPromptTags(prompt: string, counts: Record<MediaKind, number>, rules: ReferenceRules = REFERENCE_RULES_2_0): ReferenceProblem | undefined {
	for (const match of prompt.matchAll(PROMPT_TAG)) {
		const kind = match[1].toLowerCase() as MediaKind;
		const position = Number(match[2]);
		const limit = rules.limits[kind];
		if (position >= 1 && position <= counts[kind]) continue;
		const count = counts[kind];
		const range = count === 1 ? `@${limit.tag}1` : `@${limit.tag}1…@${limit.tag}${count}`;
		const given = count === 0 ? `no ${limit.label.toLowerCase()} are given` : `only ${count} ${count === 1 ? `${kind} is` : `${kind}s are`} given (${range})`;
		return {
			field: 'Prompt',
			problem: `names ${match[0]}, but ${given}`,
			hint: `@${limit.tag}1 is the first entry of ${limit.label}, in order. Add the missing reference or fix the name in the prompt.`,
		};
	}
	return undefined;
}

/** Editing and extension work on a reference video, so they need one [S: BytePlus's API, via docs.comfy.org]. */
function checkTask(references: readonly ReferenceFacts[], rules: ReferenceRules, task: Task | undefined): ReferenceProblem | undefined {
	if (task === undefined || !rules.tasksNeedingVideo.includes(task)) return undefined;
	if (countByKind(references).video > 0) return undefined;
	return {
		field: 'Task',
		problem: `"${task}" works on a reference video, but no reference video is given`,
		hint: task === 'editing' ? 'Add the video to edit under Reference Videos (it is @Video1), or set Task to Reference.' : 'Add the video to extend under Reference Videos (it is @Video1), or set Task to Reference.',
	};
}

/**
 * The first problem with a reference-to-video request's references, task and prompt, or undefined.
 * `rules` are the variant's (`variant.references`); Seedance 2.0's when not given.
 */
export function checkReferences(references: readonly ReferenceFacts[], prompt: string, rules: ReferenceRules = REFERENCE_RULES_2_0, task?: Task): ReferenceProblem | undefined {
	return (
		checkCounts(references, rules) ??
		checkEach(references, rules) ??
		checkTotals(references, rules) ??
		checkTask(references, rules, task) ??
		checkPromptTags(prompt, countByKind(references), rules)
	);
}

/** Seconds of all reference videos, or undefined when one of them could not be read. */
export function inputVideoSeconds(references: readonly ReferenceFacts[]): number | undefined {
	let total = 0;
	for (const reference of references) {
		if (reference.kind !== 'video') continue;
		if (reference.seconds === undefined) return undefined;
		total += reference.seconds;
	}
	return total;
}
