/** The shapes of the family schema's facts (the facts themselves: versions.ts; what derives from them: family.ts). */

export type Kind = 'text-to-video' | 'image-to-video' | 'reference-to-video';
export type VersionId = '2.0' | '2.5';
export type TierId = 'fast' | 'standard' | 'mini';
export type Resolution = '480p' | '720p' | '1080p' | '4k';
export type MediaKind = 'image' | 'video' | 'audio';

export const DURATION_VALUES = ['auto', '4', '5', '6', '7', '8', '9', '10', '11', '12', '13', '14', '15', '16', '17', '18', '19', '20', '21', '22', '23', '24', '25', '26', '27', '28', '29', '30'] as const;
export const ASPECT_RATIOS = ['auto', '21:9', '16:9', '4:3', '1:1', '3:4', '9:16'] as const;
export const BITRATE_MODES = ['standard', 'high'] as const;
export const CODECS = ['auto', 'H264', 'H265'] as const;
export const TASKS = ['reference', 'editing', 'extension'] as const;

export type Duration = (typeof DURATION_VALUES)[number];
export type AspectRatio = (typeof ASPECT_RATIOS)[number];
export type BitrateMode = (typeof BITRATE_MODES)[number];
export type Codec = (typeof CODECS)[number];
export type Task = (typeof TASKS)[number];

export interface MediaLimit {
	/** fal's list field and the prompt tag that names its entries (`@Image1`…). */
	falField: 'image_urls' | 'video_urls' | 'audio_urls';
	label: string;
	tag: string;
	maxCount: number;
	formats: readonly string[];
	maxBytesEach?: number;
	maxBytesTotal?: number;
	minSecondsEach?: number;
	maxSecondsEach?: number;
	minSecondsTotal?: number;
	maxSecondsTotal?: number;
}

/** Reference-to-video's rules for one version: per-list limits, the total, and the cross-field rules. */
export interface ReferenceRules {
	limits: Record<MediaKind, MediaLimit>;
	maxFiles: number;
	/** Audio alone is refused: at least one image or video must come with it. */
	audioNeedsImageOrVideo: boolean;
	/** `task` values that work on a reference video, so need at least one. */
	tasksNeedingVideo: readonly Task[];
}

/** What one kind takes in one version, beyond the fields every kind shares. */
export interface KindFacts {
	promptRequired: boolean;
	/** Undefined: the kind has no aspect-ratio field (fal fixes it). */
	aspectRatios?: readonly AspectRatio[];
	/** Image-to-video offers `seed` (sent only when set). */
	hasSeed: boolean;
	/** Reference-to-video's `task` values; undefined: no such field. */
	tasks?: readonly Task[];
	references?: ReferenceRules;
}

export interface TierFacts {
	id: TierId;
	label: string;
	/** The path segment after the version's owner/app: "" for the standard tier, "fast/", "mini/". */
	segment: string;
	resolutions: readonly Resolution[];
	hasBitrateMode: boolean;
	hasCodec: boolean;
	usdPer1000Tokens: number;
	/** Where a resolution is billed at another rate than usdPer1000Tokens. */
	usdPer1000TokensAt?: Partial<Record<Resolution, number>>;
	/** One-line trade-off shown under the tier (speed, price), for the node's hint and the README. */
	tradeOff: string;
}

export interface DraftFacts {
	resolution: Resolution;
	completeEndpoint: string;
	completeResolution: Resolution;
	validDays: number;
}

export interface VersionFacts {
	id: VersionId;
	label: string;
	/** fal's owner/app: the endpoints are `<ownerApp>/<tier segment><kind>`, the queue's paths `<ownerApp>/requests/…`. */
	ownerApp: string;
	tiers: readonly TierFacts[];
	defaultTier: TierId;
	durations: readonly Duration[];
	/**
	 * Undefined: no drafts. Else the generate endpoints take `draft: true` for a cheap preview at
	 * `resolution` that returns a `draft_id`, which `completeEndpoint` renders at `completeResolution`
	 * within `validDays`, for the same account only.
	 */
	draft: DraftFacts | undefined;
	kinds: Record<Kind, KindFacts>;
	/** One-line advice: when to choose this version (node hint, README). */
	choose: string;
}
