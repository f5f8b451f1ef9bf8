import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';

import {
	ACCEPTED_IMAGE_TYPES,
	BITRATE_MODES,
	CODECS,
	DEFAULTS,
	DURATIONS,
	FAST_TIER_LONG_JOB_RISK,
	riskyDurations,
	TASKS,
	VARIANTS,
	VERSIONS,
	variantsOf,
	type DraftFacts,
	type Kind,
	type Resolution,
	type Task,
	type Variant,
} from '../../schema';
import { longJobWarning } from '../helpers/longJobRisk';
import { DEFAULT_CONCURRENCY, DEFAULT_WAIT_TIMEOUT_SECONDS, MAX_CONCURRENCY } from '../helpers/parameters';
import { budgetOptions, GENERATE_FIELD_OPERATIONS } from './costFields';
import { KIND_TEXT } from './kinds';
import { privacyOptions } from './privacyOptions';
import { referenceFields } from './referenceFields';
import { withoutBinarySources, withToolOptions } from './toolFields';

const onGenerate = { show: { operation: GENERATE_FIELD_OPERATIONS } };
/** The operations that make a video and run in a Mode: Generate Video and Complete Draft. */
export const VIDEO_OPERATIONS = ['generate', 'completeDraft'];
const onVideoOperation = { show: { operation: VIDEO_OPERATIONS } };
const onVideoOperationMode = (...mode: string[]) => ({ show: { operation: VIDEO_OPERATIONS, mode } });

// n8n's scanner (eslint-plugin-n8n-nodes-base) reads a `default` written as `DEFAULTS.x` or `a ? b : c` as
// missing, and wants a boolean literal for a boolean: identifiers from the schema, and a test
// (test/node/fieldDefaults.test.ts) that the boolean's literal matches it.
const { resolution: defaultResolution, duration: defaultDuration, aspectRatio: defaultAspectRatio } = DEFAULTS;
const { bitrateMode: defaultBitrateMode, codec: defaultCodec, task: defaultTask } = DEFAULTS;

/** The versions (Model values) where `has` holds for some tier of this kind. */
function versionsWhere(kind: Kind, has: (variant: Variant) => boolean): string[] {
	return VERSIONS.filter((version) => variantsOf(kind, version.id).some(has)).map((version) => version.id);
}

/** Shown on Generate Video for these versions; for every version, no Model condition (as before versions). */
function onGenerateFor(versions: readonly string[]): INodeProperties['displayOptions'] {
	return versions.length === VERSIONS.length ? onGenerate : { show: { operation: GENERATE_FIELD_OPERATIONS, model: [...versions] } };
}

/** Inside Additional Fields: shown for these versions (always, when every version has it). */
function onModels(versions: readonly string[]): INodeProperties['displayOptions'] {
	return versions.length === VERSIONS.length ? undefined : { show: { '/model': [...versions] } };
}

/** "Seedance 2.0 Fast and Standard": the tiers of this kind where `has` holds, by version. */
function tiersWhere(kind: Kind, has: (variant: Variant) => boolean): string {
	return VERSIONS.flatMap((version) => {
		const tiers = variantsOf(kind, version.id).filter(has);
		if (tiers.length === 0) return [];
		return version.tiers.length > 1 && tiers.length < version.tiers.length ? [`${version.label} ${tiers.map((tier) => tier.label).join(' and ')}`] : [version.label];
	}).join(', ');
}

/** "Seedance 2.0" or "Seedance 2.0 and Seedance 2.5". */
function versionLabels(versions: readonly string[]): string {
	return VERSIONS.filter((version) => versions.includes(version.id)).map((version) => version.label).join(' and ');
}

const RESOLUTION_LABELS: Record<Resolution, string> = {
	'480p': '480p (faster, cheaper)',
	'720p': '720p',
	'1080p': '1080p',
	'4k': '4K',
};

/**
 * One Resolution field per version and distinct set of resolutions, shown for that version (and, where
 * it has several tiers, for the tiers that offer that set).
 */
function resolutionFields(kind: Kind): INodeProperties[] {
	return VERSIONS.flatMap((version) => {
		const groups = new Map<string, { tiers: string[]; resolutions: readonly Resolution[] }>();
		for (const tier of variantsOf(kind, version.id)) {
			const key = tier.resolutions.join(',');
			const group = groups.get(key) ?? { tiers: [], resolutions: tier.resolutions };
			group.tiers.push(tier.id);
			groups.set(key, group);
		}
		const tierCondition = (tiers: string[]) => (version.tiers.length > 1 ? { tier: tiers } : {});
		return [...groups.values()].map(({ tiers, resolutions }): INodeProperties => ({
			displayName: 'Resolution',
			name: 'resolution',
			type: 'options',
			default: defaultResolution,
			description: 'Output resolution. Price and generation time grow with the pixel count.',
			options: resolutions.map((value) => ({ name: RESOLUTION_LABELS[value], value })),
			displayOptions: {
				show: { operation: GENERATE_FIELD_OPERATIONS, model: [version.id], ...tierCondition(tiers) },
				// A draft is always rendered at the draft's resolution.
				...(version.draft ? { hide: { draft: [true] } } : {}),
			},
		}));
	});
}

/** The Draft switch, for the versions that make drafts (Seedance 2.5). */
function draftFields(): INodeProperties[] {
	const versions = VERSIONS.filter((version) => version.draft);
	return versions.map((version): INodeProperties => {
		const draft = version.draft as DraftFacts;
		return {
			displayName: `Draft (${draft.resolution} Preview)`,
			name: 'draft',
			type: 'boolean',
			default: false,
			description: `Whether to make a cheap ${draft.resolution} preview instead of the final video. The output carries a draftId: the Complete Draft operation renders that draft at ${draft.completeResolution} (within ${draft.validDays} days, with the same fal account).`,
			displayOptions: { show: { operation: GENERATE_FIELD_OPERATIONS, model: [version.id] } },
		};
	});
}

/** One Duration field per distinct list of durations (2.0: up to 15 s, 2.5: up to 30 s). */
function durationFields(): INodeProperties[] {
	const groups = new Map<string, { versions: string[]; durations: readonly string[] }>();
	for (const version of VERSIONS) {
		const key = version.durations.join(',');
		const group = groups.get(key) ?? { versions: [], durations: version.durations };
		group.versions.push(version.id);
		groups.set(key, group);
	}
	return [...groups.values()].map(({ versions, durations }) => ({
		displayName: 'Duration',
		name: 'duration',
		type: 'options',
		default: defaultDuration,
		description: 'Length of the video. Auto lets Seedance choose; a fixed length also gives a cost estimate in the output.',
		options: durations.map((value) => ({ name: value === 'auto' ? 'Auto' : `${value} Seconds`, value })),
		displayOptions: onGenerateFor(versions),
	}));
}

/** A notice under Duration for the Fast-tier lengths users report hanging (schema/knownIssues.ts). */
function longJobNotices(kind: Kind): INodeProperties[] {
	const risk = FAST_TIER_LONG_JOB_RISK;
	if (!variantsOf(kind).some((tier) => tier.id === risk.tier)) return [];
	return Object.entries(risk.maxSecondsByResolution).map(([resolution, maxSeconds]) => ({
		displayName: longJobWarning(resolution as Resolution, maxSeconds),
		name: `longJobNotice${resolution}`,
		type: 'notice' as const,
		default: '',
		displayOptions: {
			show: { operation: GENERATE_FIELD_OPERATIONS, tier: [risk.tier], resolution: [resolution], duration: riskyDurations(risk, resolution as Resolution, DURATIONS) },
		},
	}));
}

/** The prompt: required, or optional where fal's schema makes it so (2.5 image-to-video). */
function promptFields(kind: Kind): INodeProperties[] {
	const text = KIND_TEXT[kind];
	const required = versionsWhere(kind, (variant) => variant.promptRequired);
	const optional = versionsWhere(kind, (variant) => !variant.promptRequired);
	const field = (versions: string[], isRequired: boolean): INodeProperties => ({
		displayName: 'Prompt',
		name: 'prompt',
		type: 'string',
		typeOptions: { rows: 4 },
		default: '',
		required: isRequired,
		placeholder: text.promptPlaceholder,
		description: isRequired ? text.promptDescription : `${text.promptDescription} Optional on ${versionLabels(versions)}: without it, Seedance animates the image as it sees fit.`,
		displayOptions: onGenerateFor(versions),
	});
	return [...(required.length ? [field(required, true)] : []), ...(optional.length ? [field(optional, false)] : [])];
}

const TASK_TEXT: Record<Task, { name: string; description: string }> = {
	reference: { name: 'Reference', description: 'Make a new video that uses the references (look, characters, motion, sound) as the prompt says' },
	editing: { name: 'Editing', description: 'Change the reference video (@Video1) as the prompt says; it keeps its own length and aspect ratio' },
	extension: { name: 'Extension', description: 'Continue the reference video (@Video1); the output is the new part only, of the chosen duration' },
};

/** Reference-to-video's task, where the version has one (2.5). */
function taskFields(kind: Kind): INodeProperties[] {
	const versions = versionsWhere(kind, (variant) => variant.tasks !== undefined);
	if (versions.length === 0) return [];
	const tasks = VARIANTS.find((variant) => variant.kind === kind && variant.tasks)?.tasks ?? TASKS;
	return [
		{
			displayName: 'Task',
			name: 'task',
			type: 'options',
			default: defaultTask,
			description: 'What Seedance does with the references',
			hint: 'Reference: a new video from the references. Editing: changes the reference video. Extension: continues it. Editing and Extension need a reference video.',
			options: tasks.map((value) => ({ name: TASK_TEXT[value].name, value, description: TASK_TEXT[value].description })),
			displayOptions: onGenerateFor(versions),
		},
	];
}

function imageSourceFields(prefix: 'image' | 'endImage', label: string, optional: boolean): INodeProperties[] {
	const sourceOptions: INodePropertyOptions[] = [
		...(optional ? [{ name: 'None', value: 'none', description: `No ${label.toLowerCase()}` }] : []),
		{ name: 'URL', value: 'url', description: 'A public http(s) URL or a data: URI' },
		{ name: 'Binary Property', value: 'binary', description: 'An image in the incoming item, uploaded to fal storage first' },
	];
	const show = (source: string) => ({ show: { operation: GENERATE_FIELD_OPERATIONS, [`${prefix}Source`]: [source] } });
	const defaultSource = optional ? 'none' : 'url';
	const sourceField: INodeProperties = {
		displayName: `${label} Source`,
		name: `${prefix}Source`,
		type: 'options',
		default: defaultSource,
		options: sourceOptions,
		description: optional
			? 'Optional last frame: the video transitions from the start image to this one'
			: 'Where the first frame of the video comes from',
		displayOptions: onGenerate,
	};
	return [
		...withToolOptions(sourceField, withoutBinarySources(sourceOptions)),
		{
			displayName: `${label} URL`,
			name: `${prefix}Url`,
			type: 'string',
			default: '',
			required: true,
			placeholder: 'https://example.com/cat.jpg',
			description: `Public URL of a ${ACCEPTED_IMAGE_TYPES.join('/')} image, at most 30 MB. fal downloads it, so it must be reachable without login.`,
			displayOptions: show('url'),
		},
		{
			displayName: `${label} Binary Property`,
			name: `${prefix}BinaryProperty`,
			type: 'string',
			default: 'data',
			required: true,
			description: 'Name of the binary property of the incoming item that holds the image (at most 30 MB)',
			hint: 'The image is uploaded to fal storage and its URL is sent to Seedance',
			displayOptions: show('binary'),
		},
	];
}

/** What each kind takes besides the prompt: nothing, a start/end image, or lists of references. */
function mediaFields(kind: Kind): INodeProperties[] {
	if (kind === 'image-to-video') return [...imageSourceFields('image', 'Start Image', false), ...imageSourceFields('endImage', 'End Image', true)];
	if (kind === 'reference-to-video') return [...taskFields(kind), ...referenceFields('image'), ...referenceFields('video'), ...referenceFields('audio')];
	return [];
}

/** Aspect Ratio, where the version has it for this kind (2.5 image-to-video: fal fixes it to the image's). */
function aspectRatioFields(kind: Kind): INodeProperties[] {
	const text = KIND_TEXT[kind];
	const versions = versionsWhere(kind, (variant) => variant.aspectRatios !== undefined);
	const ratios = VARIANTS.find((variant) => variant.kind === kind && variant.aspectRatios)?.aspectRatios ?? [];
	if (versions.length === 0) return [];
	return [
		{
			displayName: 'Aspect Ratio',
			name: 'aspectRatio',
			type: 'options',
			default: defaultAspectRatio,
			description: text.aspectRatioDescription,
			options: ratios.map((value) => ({ name: value === 'auto' ? text.autoAspectRatio : value, value })),
			displayOptions: onGenerateFor(versions),
		},
	];
}

const seedField: INodeProperties = {
	displayName: 'Seed',
	name: 'seed',
	type: 'number',
	typeOptions: { minValue: 0, numberPrecision: 0 },
	default: 0,
	description: 'Fix the seed to repeat a result (small variations may remain). Leave unset for a random seed.',
};

const waitForCompletionMode: INodePropertyOptions = {
	name: 'Wait for Completion',
	value: 'waitForCompletion',
	description: 'Submit, wait while Seedance generates, then output the video as binary data',
};
const submitOnlyMode: INodePropertyOptions = {
	name: 'Submit Only',
	value: 'submitOnly',
	description: 'Submit and return the request ID at once; fal calls your webhook when the video is ready',
};
const WORKFLOW_MODES: INodePropertyOptions[] = [
	waitForCompletionMode,
	{
		name: 'Submit and Wait for Webhook',
		value: 'waitForWebhook',
		description: 'Submit, then pause the execution until fal calls n8n back; no polling while Seedance generates',
	},
	submitOnlyMode,
];
/** n8n drops binary data from a tool's answer, so the tool answers with the video's URL (helpers/aiTool.ts). */
const TOOL_MODES: INodePropertyOptions[] = [
	{ ...waitForCompletionMode, description: "Submit, wait while Seedance generates, then answer the agent with the video's URL" },
	{ ...submitOnlyMode, description: 'Submit and answer the request ID at once; a Get Result tool gives the video later' },
];

/** As an AI Agent's tool, no Submit and Wait for Webhook: the agent needs its answer within the run. */
const modeFields = withToolOptions(
	{
		displayName: 'Mode',
		name: 'mode',
		type: 'options',
		noDataExpression: true,
		default: 'waitForCompletion',
		options: WORKFLOW_MODES,
		displayOptions: onVideoOperation,
	},
	TOOL_MODES,
);

/** The Generate Video fields of one node of the family. */
export function generateFields(kind: Kind): INodeProperties[] {
	return [
	...modeFields,
	{
		displayName:
			"fal calls this n8n back when the videos are ready, so n8n must be reachable from the internet: set n8n's WEBHOOK_URL environment variable to its public https address. The execution waits for all items (up to Options → Wait Timeout), then outputs them together. Stopping a waiting execution in n8n 2.41 runs no node code, so the fal jobs keep running (and are billed): cancel them with the Cancel operation and their request IDs.",
		name: 'waitForWebhookNotice',
		type: 'notice',
		default: '',
		displayOptions: onVideoOperationMode('waitForWebhook'),
	},
	...promptFields(kind),
	...mediaFields(kind),
	...draftFields(),
	...resolutionFields(kind),
	...durationFields(),
	...longJobNotices(kind),
	...aspectRatioFields(kind),
	{
		displayName: 'Generate Audio',
		name: 'generateAudio',
		type: 'boolean',
		default: true,
		description: 'Whether to add synchronized sound: effects, ambience and lip-synced speech, at no extra cost',
		displayOptions: onGenerate,
	},
	{
		displayName: 'Webhook URL',
		name: 'webhookUrl',
		type: 'string',
		default: '',
		placeholder: 'https://n8n.example.com/webhook/…/seedance',
		description: 'Where fal POSTs the result when the video is ready: the production URL of a Seedance Trigger or Webhook node. Leave empty to check later with Get Status / Get Result.',
		displayOptions: onVideoOperationMode('submitOnly'),
	},
	{
		displayName: 'Additional Fields',
		name: 'additionalFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		displayOptions: onGenerate,
		options: [
			{
				displayName: 'Bitrate Mode',
				name: 'bitrateMode',
				type: 'options',
				default: defaultBitrateMode,
				description: `Higher bitrate gives a larger, cleaner file (${tiersWhere(kind, (variant) => variant.hasBitrateMode)} only)`,
				options: BITRATE_MODES.map((value) => ({ name: value === 'high' ? 'High' : 'Standard', value })),
				displayOptions: onModels(versionsWhere(kind, (variant) => variant.hasBitrateMode)),
			},
			{
				displayName: 'Codec',
				name: 'codec',
				type: 'options',
				default: defaultCodec,
				description: `Video codec of the output (${tiersWhere(kind, (variant) => variant.hasCodec)}). Auto lets fal choose; H.265 gives smaller files that some players and sites do not play. Not sent unless added here.`,
				options: CODECS.map((value) => ({ name: value === 'auto' ? 'Auto' : value === 'H264' ? 'H.264' : 'H.265', value })),
				displayOptions: onModels(versionsWhere(kind, (variant) => variant.hasCodec)),
			},
			{
				displayName: 'End User ID',
				name: 'endUserId',
				type: 'string',
				default: '',
				description: 'Your identifier for the person this video is made for, passed to fal',
			},
			...(versionsWhere(kind, (variant) => variant.hasSeed).length ? [{ ...seedField, displayOptions: onModels(versionsWhere(kind, (variant) => variant.hasSeed)) }] : []),
		],
	},
	];
}

/** Where videos may be downloaded from: an option of Generate Video, Get Result and the Seedance Trigger. */
export const allowedDownloadHostsOption: INodeProperties = {
		displayName: 'Allowed Download Hosts',
		name: 'allowedDownloadHosts',
		type: 'string',
		default: '',
		placeholder: 'media.example.com, *.cdn.example.com',
		description:
			"Mirrors or proxies on your own network (private addresses) the video may be downloaded from, separated by commas. Public hosts that fal names (fal.media, v3b.fal.media, storage.googleapis.com…) and the credential's API Host need no entry.",
};

/** Output options shared by Generate Video and Get Result. */
export const outputOptions: INodeProperties[] = [
	{
		displayName: 'Put Output Video in Field',
		name: 'binaryPropertyName',
		type: 'string',
		default: 'data',
		description: 'Binary property of the output item that receives the MP4',
	},
	{
		displayName: 'File Name',
		name: 'fileName',
		type: 'string',
		default: '',
		placeholder: 'my-video.mp4',
		description: 'Name of the output file. Default: seedance-&lt;request ID&gt;.mp4.',
	},
	{
		displayName: 'Return URL Only',
		name: 'returnUrlOnly',
		type: 'boolean',
		default: false,
		description: "Whether to output only fal's video URL instead of downloading the video. fal keeps files for a limited time.",
	},
	allowedDownloadHostsOption,
];

export const generateOptions: INodeProperties = {
	displayName: 'Options',
	name: 'options',
	type: 'collection',
	placeholder: 'Add Option',
	default: {},
	displayOptions: { show: { operation: [...VIDEO_OPERATIONS, 'getResult'] } },
	options: [
		...outputOptions,
		...privacyOptions,
		{
			displayName: 'Wait Timeout (Seconds)',
			name: 'waitTimeoutSeconds',
			type: 'number',
			typeOptions: { minValue: 10 },
			default: DEFAULT_WAIT_TIMEOUT_SECONDS,
			description:
				"How long to wait for each video. When it passes, the fal job is cancelled and the item fails. At most 86400 (24 hours) for Wait for Completion; Submit and Wait for Webhook allows up to n8n's own limit for a waiting execution.",
			hint: 'In Submit and Wait for Webhook mode, stopping the waiting execution does not cancel the fal jobs (n8n 2.41 runs no node code then): use the Cancel operation with their request IDs.',
			displayOptions: { show: { '/operation': VIDEO_OPERATIONS } },
		},
		{
			displayName: 'Concurrency',
			name: 'concurrency',
			type: 'number',
			typeOptions: { minValue: 1, maxValue: MAX_CONCURRENCY },
			default: DEFAULT_CONCURRENCY,
			description: 'How many items are generated at the same time. fal allows 2 at once for new accounts and more as credits are bought; extra requests wait in fal\'s queue.',
			displayOptions: { show: { '/operation': VIDEO_OPERATIONS } },
		},
		...budgetOptions,
		{
			displayName: 'Queue Priority',
			name: 'queuePriority',
			type: 'options',
			options: [
				{ name: 'Normal', value: 'normal', description: 'The default: first come, first served among your requests' },
				{ name: 'Low', value: 'low', description: 'Lets your other, normal-priority requests go first in fal\'s queue' },
			],
			default: 'normal',
			description: "Priority of these requests in fal's queue, among your own requests (sent as X-Fal-Queue-Priority)",
			displayOptions: { show: { '/operation': VIDEO_OPERATIONS } },
		},
		{
			displayName: 'Webhook Keys URL (JWKS)',
			name: 'jwksUrl',
			type: 'string',
			default: '',
			placeholder: 'https://rest.fal.ai/.well-known/jwks.json',
			description:
				"Where fal's webhook signing keys are published. Empty: fal's own (rest.fal.ai, then rest.alpha.fal.ai). Set it only for a fal stand-in (the offline demo, tests).",
			displayOptions: { show: { '/operation': VIDEO_OPERATIONS, '/mode': ['waitForWebhook'] } },
		},
	],
};
