/**
 * The Seedance family on fal: versions (2.0, 2.5) × kinds (text-, image-, reference-to-video) × tiers
 * (2.0: fast, standard, mini; 2.5: one). The facts and their sources are in versions.ts; this module
 * derives the endpoints ("variants") and lookups that node fields, validation, request bodies, cost
 * estimates, the README's tables and the fake fal's checks use.
 */
import type { AspectRatio, BitrateMode, Codec, DraftFacts, Duration, Kind, KindFacts, MediaKind, MediaLimit, ReferenceRules, Resolution, Task, TierFacts, TierId, VersionFacts, VersionId } from './types';
import { SEEDANCE_2_0, VERSION_FACTS } from './versions';

export * from './types';
export { SEEDANCE_2_0, SEEDANCE_2_5 } from './versions';

export const KINDS: readonly Kind[] = ['text-to-video', 'image-to-video', 'reference-to-video'];

/** Newest first. */
export const VERSIONS: readonly VersionFacts[] = VERSION_FACTS;

/** One endpoint: a kind in a tier of a version, with everything fal says about it. */
export interface Variant extends TierFacts, KindFacts {
	version: VersionId;
	versionLabel: string;
	ownerApp: string;
	kind: Kind;
	endpoint: string;
	durations: VersionFacts['durations'];
	draft: DraftFacts | undefined;
}

/** Seedance 2.0's owner/app, what the nodes used before versions (saved request IDs refer to it). */
export const OWNER_APP = SEEDANCE_2_0.ownerApp;
/** Seedance 2.0's default tier. */
export const DEFAULT_TIER: TierId = SEEDANCE_2_0.defaultTier;

export const VARIANTS: readonly Variant[] = VERSIONS.flatMap((version) =>
	KINDS.flatMap((kind) =>
		version.tiers.map((tier) => ({
			...tier,
			...version.kinds[kind],
			version: version.id,
			versionLabel: version.label,
			ownerApp: version.ownerApp,
			kind,
			endpoint: `${version.ownerApp}/${tier.segment}${kind}`,
			durations: version.durations,
			draft: version.draft,
		})),
	),
);

export function getVersion(id: string): VersionFacts {
	const version = VERSIONS.find((candidate) => candidate.id === id);
	if (!version) throw new Error(`Unknown model "${id}". Choose one of: ${VERSIONS.map((v) => v.label).join(', ')}`);
	return version;
}

/** The tiers of a kind in one version (default Seedance 2.0, the only version before 2.5). */
export function variantsOf(kind: Kind, version: VersionId = SEEDANCE_2_0.id): Variant[] {
	return VARIANTS.filter((variant) => variant.kind === kind && variant.version === version);
}

export function getVariant(kind: Kind, tierId: string, version: VersionId = SEEDANCE_2_0.id): Variant {
	const variant = VARIANTS.find((candidate) => candidate.kind === kind && candidate.id === tierId && candidate.version === version);
	if (!variant) {
		throw new Error(`Unknown model tier "${tierId}". Choose one of: ${variantsOf(kind, version).map((t) => t.label).join(', ')}`);
	}
	return variant;
}

/** The model as users see it: "Seedance 2.5" where the version has one tier, "Seedance 2.0 Fast" where it has several. */
export function modelName(variant: Pick<Variant, 'version' | 'label'>): string {
	const version = getVersion(variant.version);
	return version.tiers.length > 1 ? `${version.label} ${variant.label}` : version.label;
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

/** Seedance 2.0's durations, "auto" and "4"…"15"; each variant has its version's (`variant.durations`). */
export const DURATIONS = SEEDANCE_2_0.durations;
/** fal's defaults [P][J]; a field left at its default is still sent, as the node always did. */
export const DEFAULTS = {
	resolution: '720p' as Resolution,
	duration: 'auto' as Duration,
	aspectRatio: 'auto' as AspectRatio,
	generateAudio: true,
	bitrateMode: 'standard' as BitrateMode,
	codec: 'auto' as Codec,
	task: 'reference' as Task,
	draft: false,
} as const;

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
	task: 'Task',
	draft: 'Draft (480p Preview)',
	draft_id: 'Draft ID',
};

/** The fields every kind shares. */
export interface CommonInput {
	/** Optional only where the variant says so (2.5 image-to-video): then left out when empty. */
	prompt?: string;
	resolution: Resolution;
	duration: Duration;
	/** Left out where the variant has no aspect-ratio field (2.5 image-to-video). */
	aspect_ratio?: AspectRatio;
	generate_audio: boolean;
	end_user_id?: string;
	bitrate_mode?: BitrateMode;
	/** Sent only when the user sets it, so saved workflows keep their bodies. */
	codec?: Codec;
	seed?: number;
	/** Seedance 2.5: a cheap preview that returns a `draft_id` (versions.ts `draft`). */
	draft?: boolean;
}

export type TextToVideoInput = CommonInput;

export interface ImageToVideoInput extends CommonInput {
	image_url: string;
	end_image_url?: string;
}

export interface ReferenceToVideoInput extends CommonInput {
	task?: Task;
	image_urls?: string[];
	video_urls?: string[];
	audio_urls?: string[];
}

export type FamilyInput = TextToVideoInput | ImageToVideoInput | ReferenceToVideoInput;

/** What fal returns for a finished generation: the same for every 2.0 endpoint [P][J]; 2.5 adds `draft_id` for a draft [LL]. */
export interface SeedanceOutput {
	video: { url: string; content_type?: string; file_name?: string; file_size?: number };
	seed?: number;
	/** Seedance 2.5 with `draft: true` only: the draft that draft/complete renders at 1080p [OA][LL]. */
	draft_id?: string;
}

const MEGABYTE = 1024 * 1024;

/** Seedance 2.0's reference-to-video limits (each variant has its version's: `variant.references`). */
export const REFERENCE_RULES_2_0 = SEEDANCE_2_0.kinds['reference-to-video'].references as ReferenceRules;
export const REFERENCE_LIMITS: Record<MediaKind, MediaLimit> = REFERENCE_RULES_2_0.limits;
export const MAX_REFERENCE_FILES = REFERENCE_RULES_2_0.maxFiles;

/**
 * Image-to-video's start and end frames: JPEG/PNG/WebP up to 30 MB [P][J]. The playground also takes
 * GIF and AVIF [P], but the schema names only these three, and the node checks image bytes against
 * them (nodes/shared/media/imageType.ts). On 2.5 too: GIF and AVIF are reported [LL] but no fal page
 * for a 2.5 endpoint is in the store (searched 2026-12-02), so they stay refused [U].
 */
export const FAL_MAX_IMAGE_BYTES = 30 * MEGABYTE;
export const ACCEPTED_IMAGE_TYPES = ['jpg', 'jpeg', 'png', 'webp'] as const;
