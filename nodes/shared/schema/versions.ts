/**
 * Seedance on fal, version by version: every fact the nodes, the cost estimate, the README and the
 * fake fal's checks use, each with its source. shared/seed/ has the URLs and the copies we read.
 *
 *   [P]  a fal.ai page: model page, playground, /api, llms.txt or fal.ai/docs (read in stored copies).
 *   [J]  fal's generated client types, github fal-ai/fal-js libs/client/src/types/endpoints.ts,
 *        commit 381105e (2026-08-02, still its newest): Seedance 2.0 only, no 2.5, no codec.
 *   [OA] fal's queue OpenAPI (fal.ai/api/openapi/queue/openapi.json?endpoint_id=…) and fal's model
 *        registry price text, as quoted by a dated third-party facts ledger (read 2026-10-05/06).
 *        Secondary: no fal page with these facts was in the store.
 *   [LL] fal's llms.txt pages, as quoted by a third-party provider document (checked 2026-10-04). Secondary.
 *   [S]  other secondary sources, named where used.
 *   [U]  not confirmed anywhere: our assumption, named as such.
 */
import type { KindFacts, MediaLimit, ReferenceRules, TierFacts, VersionFacts } from './types';
import { ASPECT_RATIOS, DURATION_VALUES } from './types';

const MEGABYTE = 1024 * 1024;

const REFERENCE_IMAGES_2_0: MediaLimit = { falField: 'image_urls', label: 'Reference Images', tag: 'Image', maxCount: 9, formats: ['jpeg', 'png', 'webp'], maxBytesEach: 30 * MEGABYTE };

/**
 * 2.0 reference-to-video, the same text in all three tiers [J] and on the standard and fast R2V pages
 * [P]. Videos should also be between about 640×640 and 834×1112 pixels [P][J]; that is left to fal.
 */
const REFERENCES_2_0: ReferenceRules = {
	limits: {
		image: REFERENCE_IMAGES_2_0,
		video: { falField: 'video_urls', label: 'Reference Videos', tag: 'Video', maxCount: 3, formats: ['mp4', 'mov'], maxBytesTotal: 50 * MEGABYTE, minSecondsTotal: 2, maxSecondsTotal: 15 },
		audio: { falField: 'audio_urls', label: 'Reference Audio', tag: 'Audio', maxCount: 3, formats: ['mp3', 'wav'], maxBytesEach: 15 * MEGABYTE, maxSecondsTotal: 15 },
	},
	maxFiles: 12, // [P][J]
	audioNeedsImageOrVideo: true, // [P][J]
	tasksNeedingVideo: [],
};

/**
 * 2.5 reference-to-video [OA][LL]: up to 30 images (≤ 30 MB each), 10 videos, 10 audio ("up to 50
 * references"); videos 1.8–30.2 s each and together, ≤ 200 MB (read as per video: the sources do not
 * say "in all" [U]), 300–6000 px a side and 24–60 fps (left to fal). Audio formats and sizes are not
 * stated for 2.5: MP3/WAV as on 2.0 [U], no size check. Audio alone is accepted on 2.5, and editing /
 * extension work on a reference video [S: docs.comfy.org ByteDance2ReferenceNodeV2, BytePlus's API].
 */
const REFERENCES_2_5: ReferenceRules = {
	limits: {
		image: { ...REFERENCE_IMAGES_2_0, maxCount: 30 },
		video: { falField: 'video_urls', label: 'Reference Videos', tag: 'Video', maxCount: 10, formats: ['mp4', 'mov'], maxBytesEach: 200 * MEGABYTE, minSecondsEach: 1.8, maxSecondsEach: 30.2, maxSecondsTotal: 30.2 },
		audio: { falField: 'audio_urls', label: 'Reference Audio', tag: 'Audio', maxCount: 10, formats: ['mp3', 'wav'] },
	},
	maxFiles: 50,
	audioNeedsImageOrVideo: false,
	tasksNeedingVideo: ['editing', 'extension'],
};

/** Text-to-video: the prompt and the shared fields only [P][J]. */
const TEXT_2_0: KindFacts = { promptRequired: true, aspectRatios: ASPECT_RATIOS, hasSeed: false };

/**
 * `seed`: on the older fal pages [P], in no Seedance 2.0 input type of [J] nor in fal's queue OpenAPI
 * [OA]; fal still returns `seed`. Image-to-video keeps its optional Seed field (sent only when set), so
 * saved workflows that set it keep their bodies; the other kinds and 2.5 do not offer it.
 */
const IMAGE_2_0: KindFacts = { promptRequired: true, aspectRatios: ASPECT_RATIOS, hasSeed: true };

const TIERS_2_0: readonly TierFacts[] = [
	{
		id: 'fast',
		label: 'Fast',
		segment: 'fast/', // [P][J]
		resolutions: ['480p', '720p'], // [P][J][OA]
		hasBitrateMode: true, // [J][OA]
		hasCodec: true, // [OA][LL]
		usdPer1000Tokens: 0.0112, // [P fast T2V/R2V llms.txt, playground][OA]
		tradeOff: 'Quicker and cheaper than Standard',
	},
	{
		id: 'standard',
		label: 'Standard',
		segment: '', // [P][J]
		resolutions: ['480p', '720p', '1080p', '4k'], // 1080p [P I2V page][J][OA]; 4k [J][OA]
		hasBitrateMode: true, // [J][OA]
		hasCodec: true, // [OA][LL]
		usdPer1000Tokens: 0.014, // [P std T2V/I2V/R2V][OA]
		usdPer1000TokensAt: { '4k': 0.008 }, // [OA registry price text]; no fal page states a 4k price
		tradeOff: 'Slowest and dearest; the only 2.0 tier with 1080p and 4K',
	},
	{
		id: 'mini',
		label: 'Mini',
		segment: 'mini/', // [J]; no fal page for a mini endpoint was in the store
		resolutions: ['480p', '720p'], // [J][OA]
		hasBitrateMode: false, // [J][OA]
		hasCodec: true, // [OA][LL]
		usdPer1000Tokens: 0.007, // [P mini T2V llms.txt]; all three kinds [OA registry price text]
		tradeOff: 'Cheapest (fal publishes no speed for it)',
	},
];

export const SEEDANCE_2_0: VersionFacts = {
	id: '2.0',
	label: 'Seedance 2.0',
	ownerApp: 'bytedance/seedance-2.0', // [P][J]; the prefixed fal-ai/bytedance/… answers 404 [OA]
	tiers: TIERS_2_0,
	defaultTier: 'fast',
	durations: DURATION_VALUES.slice(0, 13), // "auto", "4"…"15", sent as strings [P][J][OA]
	draft: undefined,
	kinds: {
		'text-to-video': TEXT_2_0,
		'image-to-video': IMAGE_2_0,
		'reference-to-video': { promptRequired: true, aspectRatios: ASPECT_RATIOS, hasSeed: false, references: REFERENCES_2_0 },
	},
	choose: 'Three tiers: Fast (the default), Standard (1080p, 4K) and Mini (cheapest); clips up to 15 s',
};

/*
 * Not offered: fal's US-hosted copies (`bytedance/seedance-2.0/us/…`, `bytedance/seedance-2.5/us/…`),
 * so no Region option [U]. Searched 2026-12-02 (search docs/pages/code, find_string "seedance-2.5/us/",
 * "seedance-2.0/us/", "fal.ai/models/bytedance/seedance-2.5/us"): no fal page for a /us/ endpoint is in
 * the store, only third-party code and notes that call them (dated 2026-09/10) and price them about 20 %
 * above the global ones. fal's own article (fal.ai/learn/tools/best-way-to-access-seedance-2-5-api)
 * says 2.5 runs "through US-hosted endpoints" but, in the stored excerpt, names no /us/ id or price.
 * One third-party client sends drafts to the global endpoints only (drafts on /us/: [U]).
 */
export const SEEDANCE_2_5: VersionFacts = {
	id: '2.5',
	label: 'Seedance 2.5',
	ownerApp: 'bytedance/seedance-2.5', // [OA][LL]
	tiers: [
		{
			id: 'standard',
			label: 'Standard',
			segment: '', // …/fast/… and …/mini/… answer 404: 2.5 has one tier [OA][LL]
			resolutions: ['480p', '720p', '1080p'], // [OA]; 4k not in fal's schema as read 2026-10-06 [U]
			hasBitrateMode: false, // absent from 2.5's schema [S: OpenAPI read 2026-08-04, quoted in a third-party API reference]; [U]
			hasCodec: false, // listed for 2.0 only [OA]; [U]
			usdPer1000Tokens: 0.0214, // 480p, 720p [OA][LL]
			usdPer1000TokensAt: { '1080p': 0.0234 }, // [OA][LL]
			tradeOff: 'The newest model: clips up to 30 s, larger reference sets, a cheap 480p draft',
		},
	],
	defaultTier: 'standard',
	durations: DURATION_VALUES, // "auto", "4"…"30" [OA]
	// `draft: true` on the generate endpoints: a 480p preview with a `draft_id` [OA][LL];
	// draft/complete renders it at 1080p within 7 days, same account [LL][S: stored-index note 70765819112].
	draft: { resolution: '480p', completeEndpoint: 'bytedance/seedance-2.5/draft/complete', completeResolution: '1080p', validDays: 7 },
	kinds: {
		// The 2.5 schema repeats 2.0's shared fields [S: OpenAPI read 2026-08-04]; aspect ratios as 2.0 [U].
		'text-to-video': { promptRequired: true, aspectRatios: ASPECT_RATIOS, hasSeed: false },
		// aspect_ratio is the constant "auto" (so no field); prompt optional; end_image_url optional [OA][LL].
		'image-to-video': { promptRequired: false, hasSeed: false },
		// task: reference, editing or extension [OA][LL]; the prompt stays required as on 2.0 [U].
		'reference-to-video': { promptRequired: true, aspectRatios: ASPECT_RATIOS, hasSeed: false, tasks: ['reference', 'editing', 'extension'], references: REFERENCES_2_5 },
	},
	choose: 'One tier; clips up to 30 s, up to 30 images, 10 videos and 10 audio as references, and Draft',
};

/** Newest first: the order of the Model field. */
export const VERSION_FACTS: readonly VersionFacts[] = [SEEDANCE_2_5, SEEDANCE_2_0];
