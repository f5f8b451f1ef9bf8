import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import type { QueuePriority } from '../../transport';
import {
	BITRATE_MODES,
	CODECS,
	DEFAULTS,
	getVariant,
	getVersion,
	SEEDANCE_2_0,
	VERSIONS,
	variantsOf,
	type CommonInput,
	type Kind,
	type ReferenceToVideoInput,
	type DraftFacts,
	type Resolution,
	type Variant,
} from '../../schema';
import { parseHostList } from '../../transport/downloadPolicy';
import { runsAsAiTool } from './aiTool';
import { InputError } from './errors';
import { readPrivacyOptions, type PrivacyOptions } from './privacy';
import { readReferenceSources, type ReferenceSource } from './referenceSources';

export type ImageSource = { kind: 'url'; url: string } | { kind: 'binary'; property: string };

/** What a kind takes besides the common fields, as the user gave it (not yet read or uploaded). */
export type MediaRequest =
	| { kind: 'text-to-video' }
	| { kind: 'image-to-video'; startImage: ImageSource; endImage?: ImageSource }
	| { kind: 'reference-to-video'; references: ReferenceSource[] };

/** Everything a "Generate Video" item asks for, checked, before its media are resolved. */
export interface GenerateRequest {
	tier: Variant;
	input: CommonInput;
	media: MediaRequest;
}

export interface GenerateOptions extends PrivacyOptions {
	binaryPropertyName: string;
	fileName?: string;
	returnUrlOnly: boolean;
	waitTimeoutSeconds: number;
	concurrency: number;
	queuePriority: QueuePriority;
	/** Options → Allowed Download Hosts: trusted even on private addresses (mirrors, proxies). */
	allowedDownloadHosts: string[];
}

export const QUEUE_PRIORITIES = ['normal', 'low'] as const satisfies readonly QueuePriority[];

export const DEFAULT_WAIT_TIMEOUT_SECONDS = 1800;
export const DEFAULT_CONCURRENCY = 5;
/** Wait for Completion holds the execution (and a worker) open: a day at most. */
export const MAX_WAIT_TIMEOUT_SECONDS = 24 * 60 * 60;
/**
 * A waiting execution must resume before n8n's "wait forever" date (WAIT_INDEFINITELY,
 * 3000-01-01 in n8n-workflow 2.41), else n8n never resumes it at its time limit.
 */
export const N8N_WAIT_FOREVER_MS = Date.UTC(3000, 0, 1);
export const MAX_CONCURRENCY = 40;

export function oneOf<T extends string>(field: string, value: unknown, allowed: readonly T[], hint?: string): T {
	const text = String(value ?? '').trim();
	if ((allowed as readonly string[]).includes(text)) return text as T;
	throw new InputError(field, `"${text}" is not allowed. Use one of: ${allowed.join(', ')}`, hint);
}

/** "the Mini tier" in a version with tiers, "Seedance 2.5" in a version with one. */
export function variantName(variant: Variant): string {
	return getVersion(variant.version).tiers.length > 1 ? `the ${variant.label} tier` : variant.versionLabel;
}

/** ", or choose the Fast or Standard tier": the tiers of the same version that offer what this one lacks. */
function tiersOffering(tier: Variant, offers: (candidate: Variant) => boolean): string {
	const labels = variantsOf(tier.kind, tier.version).filter(offers).map((candidate) => candidate.label);
	return labels.length ? `, or choose the ${labels.join(' or ')} tier` : '';
}

/**
 * The endpoint an item asks for: the Model (a version; nodes saved before it existed are on 2.0),
 * then the Model Tier where that version has more than one.
 */
export function readTier(ctx: IExecuteFunctions, itemIndex: number, kind: Kind): Variant {
	const model = String(ctx.getNodeParameter('model', itemIndex, SEEDANCE_2_0.id) ?? '').trim();
	const version = getVersion(oneOf('Model', model, VERSIONS.map((candidate) => candidate.id)));
	if (version.tiers.length === 1) return getVariant(kind, version.tiers[0].id, version.id);
	const id = ctx.getNodeParameter('tier', itemIndex, version.defaultTier) as string;
	oneOf('Model Tier', id, variantsOf(kind, version.id).map((tier) => tier.id));
	return getVariant(kind, id, version.id);
}

export function readResolution(tier: Variant, value: unknown): Resolution {
	const resolution = String(value ?? DEFAULTS.resolution).trim();
	if ((tier.resolutions as readonly string[]).includes(resolution)) return resolution as Resolution;
	const offeredBy = variantsOf(tier.kind, tier.version).filter((candidate) => (candidate.resolutions as readonly string[]).includes(resolution));
	const switchHint = offeredBy.length ? ` ${resolution} needs Model Tier ${offeredBy.map((t) => t.label).join(' or ')}.` : '';
	throw new InputError(
		'Resolution',
		`"${resolution}" is not offered by ${variantName(tier)}. Use one of: ${tier.resolutions.join(', ')}`,
		`Choose another resolution${offeredBy.length ? ', or another Model Tier' : ''}.${switchHint}`,
	);
}

function readSeed(value: unknown): number | undefined {
	if (value === undefined || value === null || value === '') return undefined;
	const seed = typeof value === 'number' ? value : Number(String(value).trim());
	if (!Number.isInteger(seed) || seed < 0) {
		throw new InputError('Seed', `"${String(value)}" is not a whole number of 0 or more`, 'Leave Seed empty for a random one, or give a whole number such as 42 to repeat a result.');
	}
	return seed;
}

function readImageSource(ctx: IExecuteFunctions, itemIndex: number, prefix: 'image' | 'endImage', label: string): ImageSource | undefined {
	const source = ctx.getNodeParameter(`${prefix}Source`, itemIndex, prefix === 'image' ? 'url' : 'none') as string;
	if (source === 'none') return undefined;
	if (source === 'binary') {
		const property = String(ctx.getNodeParameter(`${prefix}BinaryProperty`, itemIndex, 'data')).trim();
		if (!property) throw new InputError(`${label} Binary Property`, 'is empty', 'Name the binary property of the incoming item that holds the image, e.g. "data".');
		return { kind: 'binary', property };
	}
	const url = String(ctx.getNodeParameter(`${prefix}Url`, itemIndex, '')).trim();
	if (!url) throw new InputError(`${label} URL`, 'is empty', 'Give a public http(s) URL of a JPEG, PNG or WebP image, or switch the source to Binary Property.');
	return { kind: 'url', url };
}

function readMedia(ctx: IExecuteFunctions, itemIndex: number, kind: Kind): MediaRequest {
	if (kind === 'text-to-video') return { kind };
	if (kind === 'reference-to-video') return { kind, references: readReferenceSources(ctx, itemIndex) };
	const startImage = readImageSource(ctx, itemIndex, 'image', 'Start Image');
	if (!startImage) throw new InputError('Start Image', 'is required');
	return { kind, startImage, endImage: readImageSource(ctx, itemIndex, 'endImage', 'End Image') };
}

/** The version's draft facts when Draft (480p Preview) is on; undefined on a version without drafts. */
export function readDraft(ctx: IExecuteFunctions, itemIndex: number, tier: Variant): DraftFacts | undefined {
	return tier.draft && ctx.getNodeParameter('draft', itemIndex, DEFAULTS.draft) === true ? tier.draft : undefined;
}

/** The Resolution field, or a draft's own resolution (fal renders a draft at it, whatever Resolution says). */
export function readOutputResolution(ctx: IExecuteFunctions, itemIndex: number, tier: Variant): Resolution {
	const draft = readDraft(ctx, itemIndex, tier);
	return draft ? draft.resolution : readResolution(tier, ctx.getNodeParameter('resolution', itemIndex, DEFAULTS.resolution));
}

export function readGenerateRequest(ctx: IExecuteFunctions, itemIndex: number, kind: Kind): GenerateRequest {
	const tier = readTier(ctx, itemIndex, kind);
	const prompt = String(ctx.getNodeParameter('prompt', itemIndex, '') ?? '').trim();
	if (!prompt && tier.promptRequired) {
		throw new InputError('Prompt', 'is empty', 'Describe the motion and action to animate, e.g. "The cat slowly turns its head and blinks".');
	}
	const additional = ctx.getNodeParameter('additionalFields', itemIndex, {}) as IDataObject;
	// The order of the keys is the order of the body saved workflows have always sent.
	const aspectRatios = tier.aspectRatios;
	const draft = readDraft(ctx, itemIndex, tier);
	const input: CommonInput = {
		...(prompt ? { prompt } : {}),
		resolution: readOutputResolution(ctx, itemIndex, tier),
		duration: oneOf('Duration', ctx.getNodeParameter('duration', itemIndex, DEFAULTS.duration), tier.durations, `Use "auto" or a whole number of seconds from 4 to ${tier.durations[tier.durations.length - 1]}.`),
		...(aspectRatios ? { aspect_ratio: oneOf('Aspect Ratio', ctx.getNodeParameter('aspectRatio', itemIndex, DEFAULTS.aspectRatio), aspectRatios) } : {}),
		generate_audio: ctx.getNodeParameter('generateAudio', itemIndex, DEFAULTS.generateAudio) as boolean,
	};
	if (tier.tasks) (input as ReferenceToVideoInput).task = oneOf('Task', ctx.getNodeParameter('task', itemIndex, DEFAULTS.task), tier.tasks);
	const seed = tier.hasSeed ? readSeed(additional.seed) : undefined;
	if (seed !== undefined) input.seed = seed;
	const endUserId = String(additional.endUserId ?? '').trim();
	if (endUserId) input.end_user_id = endUserId;
	if (additional.bitrateMode !== undefined && additional.bitrateMode !== '') {
		if (!tier.hasBitrateMode) {
			throw new InputError('Bitrate Mode', `is not available on ${variantName(tier)}`, `Remove Bitrate Mode${tiersOffering(tier, (candidate) => candidate.hasBitrateMode)}.`);
		}
		input.bitrate_mode = oneOf('Bitrate Mode', additional.bitrateMode, BITRATE_MODES);
	}
	if (additional.codec !== undefined && additional.codec !== '') {
		if (!tier.hasCodec) throw new InputError('Codec', `is not available on ${variantName(tier)}`, `Remove Codec from Additional Fields${tiersOffering(tier, (candidate) => candidate.hasCodec)}.`);
		input.codec = oneOf('Codec', additional.codec, CODECS);
	}
	// Sent only when on, so a request without a draft keeps the body it always had.
	if (draft) input.draft = true;
	return { tier, input, media: readMedia(ctx, itemIndex, kind) };
}

/** The Options collection of one item: file names and the like may be expressions per item. */
function checkWaitTimeout(ctx: IExecuteFunctions, itemIndex: number, seconds: number, raw: unknown): void {
	if (!Number.isFinite(seconds) || seconds <= 0) {
		throw new InputError('Wait Timeout', `"${String(raw)}" is not a positive number of seconds`);
	}
	const operation = String(ctx.getNodeParameter('operation', itemIndex, ''));
	const mode = operation === 'generate' || operation === 'completeDraft' ? String(ctx.getNodeParameter('mode', itemIndex, '')) : '';
	if (mode === 'waitForWebhook') {
		const maxSeconds = Math.floor((N8N_WAIT_FOREVER_MS - Date.now()) / 1000) - 1;
		if (seconds > maxSeconds) {
			throw new InputError('Wait Timeout', `${seconds} s is past n8n's limit for a waiting execution (${maxSeconds} s, until n8n's "wait forever" date 3000-01-01)`, 'Use a realistic limit such as 86400 (a day); a Seedance video takes minutes.');
		}
		return;
	}
	if (mode === 'waitForCompletion' && seconds > MAX_WAIT_TIMEOUT_SECONDS) {
		throw new InputError(
			'Wait Timeout',
			`${seconds} s is over the maximum of ${MAX_WAIT_TIMEOUT_SECONDS} s (24 hours) for Wait for Completion`,
			'Lower it, or use Submit and Wait for Webhook (no worker is held while waiting) or Submit Only with the Seedance Trigger.',
		);
	}
}

export function readGenerateOptions(ctx: IExecuteFunctions, itemIndex = 0): GenerateOptions {
	const options = ctx.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const waitTimeoutSeconds = Number(options.waitTimeoutSeconds ?? DEFAULT_WAIT_TIMEOUT_SECONDS);
	const concurrency = Number(options.concurrency ?? DEFAULT_CONCURRENCY);
	checkWaitTimeout(ctx, itemIndex, waitTimeoutSeconds, options.waitTimeoutSeconds);
	if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > MAX_CONCURRENCY) {
		throw new InputError('Concurrency', `"${String(options.concurrency)}" must be a whole number from 1 to ${MAX_CONCURRENCY}`);
	}
	return {
		binaryPropertyName: String(options.binaryPropertyName ?? 'data').trim() || 'data',
		fileName: options.fileName ? String(options.fileName).trim() : undefined,
		// An agent gets a tool's JSON only (n8n drops binary data), so a tool does not download the video.
		returnUrlOnly: options.returnUrlOnly === true || runsAsAiTool(ctx),
		waitTimeoutSeconds,
		concurrency,
		queuePriority: oneOf('Queue Priority', options.queuePriority ?? 'normal', QUEUE_PRIORITIES),
		allowedDownloadHosts: parseHostList(options.allowedDownloadHosts),
		...readPrivacyOptions(options),
	};
}
