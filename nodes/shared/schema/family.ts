/**
 * The Seedance 2.0 family on fal, written down once: three kinds (text-, image-, reference-to-video)
 * in three tiers (standard, fast, mini). Node fields, validation, request bodies, cost estimates,
 * the README's tables and the fake fal's checks all derive from this module.
 *
 * Source tags (checked 2026-11-28, see shared/seed/fal-seedance-2.0-family.md for the URLs):
 *   [P] a fal.ai page: model page, playground, /api, llms.txt or fal.ai/docs.
 *   [J] fal's generated client types, github fal-ai/fal-js libs/client/src/types/endpoints.ts,
 *       commit 381105e (2026-08-02), types Seedance2{T2V,I2V,R2V}{,Fast,Mini}Input.
 *   [U] not confirmed on any fal page: our assumption, named as such.
 */

export type Kind = 'text-to-video' | 'image-to-video' | 'reference-to-video';
export type TierId = 'fast' | 'standard' | 'mini';
export type Resolution = '480p' | '720p' | '1080p' | '4k';

export const KINDS: readonly Kind[] = ['text-to-video', 'image-to-video', 'reference-to-video'];

interface TierFacts {
	id: TierId;
	label: string;
	/** The path segment after `bytedance/seedance-2.0/`: "" for standard [P][J], "fast/" [P][J], "mini/" [J]. */
	segment: string;
	/** [J] every kind; [P] fast pages list 480p/720p. Standard 1080p [P I2V page], 4k [J] only. */
	resolutions: readonly Resolution[];
	/** `bitrate_mode` is in the standard and fast types of every kind, in no mini type [J]. */
	hasBitrateMode: boolean;
	/** `codec` (auto, H264, H265; default auto) on every 2.0 tier and kind [OA][LL]. */
	hasCodec: boolean;
	/** Standard $0.014 [P std T2V/I2V/R2V], fast $0.0112 [P fast T2V/R2V llms.txt, playground], mini $0.007 [P mini T2V llms.txt; OA/REG all three kinds]. */
	usdPer1000Tokens: number;
	/** Where a resolution is billed at another rate than usdPer1000Tokens: standard 4k $0.008 [OA/REG]. */
	usdPer1000TokensAt?: Partial<Record<Resolution, number>>;
}

const TIER_FACTS: readonly TierFacts[] = [
	{ id: 'fast', label: 'Fast', segment: 'fast/', resolutions: ['480p', '720p'], hasBitrateMode: true, hasCodec: true, usdPer1000Tokens: 0.0112 },
	{
		id: 'standard',
		label: 'Standard',
		segment: '',
		resolutions: ['480p', '720p', '1080p', '4k'],
		hasBitrateMode: true,
		hasCodec: true,
		usdPer1000Tokens: 0.014,
		usdPer1000TokensAt: { '4k': 0.008 },
	},
	// Mini: ids from [J]; price from the mini text-to-video llms.txt [P], and the same $0.007 for all
	// three kinds in fal's model registry price text [OA/REG, secondary copy 2026-10-06].
	{ id: 'mini', label: 'Mini', segment: 'mini/', resolutions: ['480p', '720p'], hasBitrateMode: false, hasCodec: true, usdPer1000Tokens: 0.007 },
];

/** One endpoint: a kind in a tier. Every one of the nine exists at fal [J]. */
export interface Variant extends TierFacts {
	kind: Kind;
	endpoint: string;
}

export const OWNER_APP = 'bytedance/seedance-2.0';
export const DEFAULT_TIER: TierId = 'fast';

export const VARIANTS: readonly Variant[] = KINDS.flatMap((kind) =>
	TIER_FACTS.map((tier) => ({ ...tier, kind, endpoint: `${OWNER_APP}/${tier.segment}${kind}` })),
);

export function variantsOf(kind: Kind): Variant[] {
	return VARIANTS.filter((variant) => variant.kind === kind);
}

export function getVariant(kind: Kind, tierId: string): Variant {
	const variant = VARIANTS.find((candidate) => candidate.kind === kind && candidate.id === tierId);
	if (!variant) {
		throw new Error(`Unknown model tier "${tierId}". Choose one of: ${variantsOf(kind).map((t) => t.label).join(', ')}`);
	}
	return variant;
}

export function findVariantByEndpoint(endpoint: string): Variant | undefined {
	return VARIANTS.find((variant) => variant.endpoint === endpoint);
}

/** Output size per resolution at 16:9; other aspect ratios keep roughly the same pixel count [U]. */
export const RESOLUTION_PIXELS: Record<Resolution, { width: number; height: number }> = {
	'480p': { width: 854, height: 480 },
	'720p': { width: 1280, height: 720 },
	'1080p': { width: 1920, height: 1080 },
	'4k': { width: 3840, height: 2160 },
};

/** Sent as strings; "auto" lets the model pick 4–15 s [P][J]. */
export const DURATIONS = ['auto', '4', '5', '6', '7', '8', '9', '10', '11', '12', '13', '14', '15'] as const;
/** "auto": text/reference let the model decide, image-to-video follows the image [P][J]. */
export const ASPECT_RATIOS = ['auto', '21:9', '16:9', '4:3', '1:1', '3:4', '9:16'] as const;
export const BITRATE_MODES = ['standard', 'high'] as const;
/** The output video's codec; "auto" is fal's default [OA][LL]. */
export const CODECS = ['auto', 'H264', 'H265'] as const;

export type Duration = (typeof DURATIONS)[number];
export type AspectRatio = (typeof ASPECT_RATIOS)[number];
export type BitrateMode = (typeof BITRATE_MODES)[number];
export type Codec = (typeof CODECS)[number];

/** fal's defaults [P][J]; a field left at its default is still sent, as the node always did. */
export const DEFAULTS = {
	resolution: '720p' as Resolution,
	duration: 'auto' as Duration,
	aspectRatio: 'auto' as AspectRatio,
	generateAudio: true,
	bitrateMode: 'standard' as BitrateMode,
	codec: 'auto' as Codec,
} as const;

/**
 * `seed`: on the older fal pages [P] but in no Seedance 2.0 input type of [J] 2026-08-02 (nor in
 * any mini type, and mini is newer than those pages). We could not confirm fal still takes it, so only
 * image-to-video keeps its existing optional Seed field (sent only when set, so workflows that set
 * it keep working); text- and reference-to-video do not offer it. fal still returns `seed` [J].
 */
export const SEED_KINDS: readonly Kind[] = ['image-to-video'];

/** Every field of every request body, keyed by fal's name, with the node's label for it. */
export const FAL_FIELD_LABELS: Record<string, string> = {
	prompt: 'Prompt',
	image_url: 'Start Image',
	end_image_url: 'End Image',
	image_urls: 'Reference Images',
	video_urls: 'Reference Videos',
	audio_urls: 'Reference Audio',
	resolution: 'Resolution',
	duration: 'Duration',
	aspect_ratio: 'Aspect Ratio',
	generate_audio: 'Generate Audio',
	seed: 'Seed',
	end_user_id: 'End User ID',
	bitrate_mode: 'Bitrate Mode',
	codec: 'Codec',
	draft: 'Draft (480p Preview)',
	draft_id: 'Draft ID',
};

/** The fields every kind shares. */
export interface CommonInput {
	prompt: string;
	resolution: Resolution;
	duration: Duration;
	aspect_ratio: AspectRatio;
	generate_audio: boolean;
	end_user_id?: string;
	bitrate_mode?: BitrateMode;
	/** Sent only when the user sets it, so saved workflows keep their bodies. */
	codec?: Codec;
	seed?: number;
}

export type TextToVideoInput = CommonInput;

export interface ImageToVideoInput extends CommonInput {
	image_url: string;
	end_image_url?: string;
}

export interface ReferenceToVideoInput extends CommonInput {
	image_urls?: string[];
	video_urls?: string[];
	audio_urls?: string[];
}

export type FamilyInput = TextToVideoInput | ImageToVideoInput | ReferenceToVideoInput;

/** What fal returns for a finished generation, the same for all nine endpoints [P][J]. */
export interface SeedanceOutput {
	video: { url: string; content_type?: string; file_name?: string; file_size?: number };
	seed?: number;
	/** Seedance 2.5 with `draft: true` only: the draft that draft/complete renders at 1080p [OA][LL]. */
	draft_id?: string;
}

const MEGABYTE = 1024 * 1024;

export type MediaKind = 'image' | 'video' | 'audio';

export interface MediaLimit {
	/** fal's list field and the prompt tag that names its entries (`@Image1`…) [P][J]. */
	falField: 'image_urls' | 'video_urls' | 'audio_urls';
	label: string;
	tag: string;
	maxCount: number;
	formats: readonly string[];
	maxBytesEach?: number;
	maxBytesTotal?: number;
	minSecondsTotal?: number;
	maxSecondsTotal?: number;
}

/**
 * Reference-to-video media limits, the same text in all three tiers [J] and on the standard and
 * fast R2V pages [P]. Videos should also be between about 640×640 and 834×1112 pixels [P][J]; that
 * is left to fal (reading frame sizes needs more of the file than the duration does).
 */
export const REFERENCE_LIMITS: Record<MediaKind, MediaLimit> = {
	image: { falField: 'image_urls', label: 'Reference Images', tag: 'Image', maxCount: 9, formats: ['jpeg', 'png', 'webp'], maxBytesEach: 30 * MEGABYTE },
	video: {
		falField: 'video_urls',
		label: 'Reference Videos',
		tag: 'Video',
		maxCount: 3,
		formats: ['mp4', 'mov'],
		maxBytesTotal: 50 * MEGABYTE,
		minSecondsTotal: 2,
		maxSecondsTotal: 15,
	},
	audio: {
		falField: 'audio_urls',
		label: 'Reference Audio',
		tag: 'Audio',
		maxCount: 3,
		formats: ['mp3', 'wav'],
		maxBytesEach: 15 * MEGABYTE,
		maxSecondsTotal: 15,
	},
};

/** Across all three lists [P][J]. */
export const MAX_REFERENCE_FILES = 12;

/**
 * Image-to-video's start and end frames: JPEG/PNG/WebP up to 30 MB [P][J]. The playground also takes
 * GIF and AVIF [P], but the schema names only these three, and the node checks image bytes against
 * them (nodes/shared/media/imageType.ts).
 */
export const FAL_MAX_IMAGE_BYTES = 30 * MEGABYTE;
export const ACCEPTED_IMAGE_TYPES = ['jpg', 'jpeg', 'png', 'webp'] as const;
