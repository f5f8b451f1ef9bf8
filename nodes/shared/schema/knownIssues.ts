/**
 * How the real fal behaves where its pages say nothing, as users reported it (secondary sources,
 * dated; /work/shared/seed/fal-seedance-2.5-and-platform.md §3, collected 2026-12-02). The node
 * warns and words errors from these facts; it never refuses on them, since fal may have fixed them.
 */
import type { Duration, Resolution, TierId } from './family';

export interface LongJobRisk {
	tier: TierId;
	/** Longest duration (s) per resolution reported to finish normally; longer ones may hang, then fail. */
	maxSecondsByResolution: Partial<Record<Resolution, number>>;
	source: string;
}

/**
 * Seedance 2.0 Fast: above 12 s at 480p or 10 s at 720p, fal answered 422, and such a job could sit
 * IN_PROGRESS for 30 minutes or more first (report dated 2026-07-04).
 */
export const FAST_TIER_LONG_JOB_RISK: LongJobRisk = {
	tier: 'fast',
	maxSecondsByResolution: { '480p': 12, '720p': 10 },
	source: 'users of the real fal, 2026-07-04 (seed notes: fal-seedance-2.5-and-platform.md §3)',
};

/** The durations a risk covers at a resolution ('auto' may pick one of them too, but is not warned about). */
export function riskyDurations(risk: LongJobRisk, resolution: Resolution, durations: readonly Duration[]): Duration[] {
	const max = risk.maxSecondsByResolution[resolution];
	if (max === undefined) return [];
	return durations.filter((duration) => duration !== 'auto' && Number(duration) > max);
}

/**
 * fal's deterministic 422 for recognisable (also AI-generated photoreal) faces in image or video
 * inputs: "The images or videos provided may contain likenesses of real people". Retrying never helps.
 */
export const REAL_PEOPLE_REFUSAL = {
	status: 422,
	/** What fal's message contains, matched case-insensitively. */
	messagePattern: /likenesses? of real people/i,
	/** How the node words it. */
	summary: "fal refuses inputs that show real people's faces; retrying will not help",
	source: 'users of the real fal (seed notes: fal-seedance-2.5-and-platform.md §3)',
} as const;
