'use strict';
/**
 * The Seedance input schemas (2.0: text-, image- and reference-to-video in three tiers; 2.5: the same
 * kinds in one tier), as fal validates them, and the 422 bodies it answers. The values mirror
 * nodes/shared/schema/versions.ts; seedance-schema.test.ts keeps the two in step, fact by fact.
 * Why a copy and not `require('dist/nodes/shared/schema')`: the fake is plain Node (the jest suites,
 * `node test/fake-fal/cli.js`, the bench) and must run on a fresh clone without dist/, and a fake
 * reading a stale dist/ would agree with yesterday's schema while the tests read today's TypeScript.
 * A copy that a test compares fails loudly instead.
 * Error shapes are pydantic v2's, which is what fal's FastAPI apps send (fal-protocol.md §1).
 */

const OWNER_APP = 'bytedance/seedance-2.0';

const KINDS = ['text-to-video', 'image-to-video', 'reference-to-video'];
const SEGMENTS = { fast: 'fast/', standard: '', mini: 'mini/' };

const DURATIONS_2_0 = ['auto', '4', '5', '6', '7', '8', '9', '10', '11', '12', '13', '14', '15'];
const DURATIONS_2_5 = ['auto', ...Array.from({ length: 27 }, (_, index) => String(index + 4))];
const ASPECT_RATIOS = ['auto', '21:9', '16:9', '4:3', '1:1', '3:4', '9:16'];
const BITRATE_MODES = ['standard', 'high'];
const CODECS = ['auto', 'H264', 'H265'];
const TASKS = ['reference', 'editing', 'extension'];

/** Reference-to-video's lists: counts per list and in all, "audio needs an image or a video". */
const REFERENCES_2_0 = { lists: { image_urls: 9, video_urls: 3, audio_urls: 3 }, maxFiles: 12, audioNeedsImageOrVideo: true };
const REFERENCES_2_5 = { lists: { image_urls: 30, video_urls: 10, audio_urls: 10 }, maxFiles: 50, audioNeedsImageOrVideo: false };

function endpointsOf(ownerApp, segment) {
	return Object.fromEntries(KINDS.map((kind) => [kind, `${ownerApp}/${segment}${kind}`]));
}

/**
 * Per version and tier (the values mirror nodes/shared/schema/versions.ts, kept in step by
 * seedance-schema.test.ts). `endpoint` is the tier's image-to-video one, `endpoints` has every kind.
 */
const VERSIONS = {
	'2.0': {
		ownerApp: OWNER_APP,
		durations: DURATIONS_2_0,
		references: REFERENCES_2_0,
		draft: false,
		/** Kinds whose prompt may be left out, kinds without aspect_ratio, kinds that take seed, kinds that take task. */
		promptOptional: [],
		noAspectRatio: [],
		seedKinds: ['image-to-video'],
		taskKinds: [],
		tiers: {
			fast: { resolutions: ['480p', '720p'], hasBitrateMode: true, hasCodec: true },
			standard: { resolutions: ['480p', '720p', '1080p', '4k'], hasBitrateMode: true, hasCodec: true },
			mini: { resolutions: ['480p', '720p'], hasBitrateMode: false, hasCodec: true },
		},
	},
	'2.5': {
		ownerApp: 'bytedance/seedance-2.5',
		durations: DURATIONS_2_5,
		references: REFERENCES_2_5,
		draft: true,
		promptOptional: ['image-to-video'],
		noAspectRatio: ['image-to-video'],
		seedKinds: [],
		taskKinds: ['reference-to-video'],
		tiers: { standard: { resolutions: ['480p', '720p', '1080p'], hasBitrateMode: false, hasCodec: false } },
	},
};
for (const version of Object.values(VERSIONS)) {
	for (const [id, tier] of Object.entries(version.tiers)) {
		tier.endpoints = endpointsOf(version.ownerApp, SEGMENTS[id]);
		tier.endpoint = tier.endpoints['image-to-video'];
	}
}

/** Seedance 2.0's tiers, as before versions. */
const TIERS = VERSIONS['2.0'].tiers;
const REFERENCE_LISTS = REFERENCES_2_0.lists;
const MAX_REFERENCE_FILES = REFERENCES_2_0.maxFiles;
const DURATIONS = DURATIONS_2_0;

/** Prompt markers that script a job without a `behaviour` function. */
const MARKER_CONTENT_POLICY = '[content-policy]';
const MARKER_NEVER_FINISH = '[never]';

/** fal's text for a flagged prompt (type `content_policy_violation`, docs model-apis/errors). */
const CONTENT_POLICY_MESSAGE =
	'The content could not be processed because it contained material flagged by a content checker.';
const FILE_DOWNLOAD_MESSAGE = 'Failed to download the file. Please check if the URL is accessible.';

/** The version, tier and kind of an endpoint id, or undefined when fal would answer 404. */
function variantForEndpoint(endpoint) {
	for (const [version, { tiers }] of Object.entries(VERSIONS)) {
		for (const [tier, { endpoints }] of Object.entries(tiers)) {
			const kind = KINDS.find((candidate) => endpoints[candidate] === endpoint);
			if (kind) return { version, tier, kind };
		}
	}
	return undefined;
}

/** The tier an endpoint id belongs to, or undefined when fal would answer 404. */
function tierForEndpoint(endpoint) {
	return variantForEndpoint(endpoint)?.tier;
}

/** pydantic's wording for a Literal: "Input should be 'a', 'b' or 'c'". */
function literalExpectation(values) {
	const quoted = values.map((value) => `'${value}'`);
	if (quoted.length === 1) return quoted[0];
	return `${quoted.slice(0, -1).join(', ')} or ${quoted[quoted.length - 1]}`;
}

function fieldError(field, msg, type, extra) {
	return { loc: ['body', field], msg, type, ...extra };
}

function checkLiteral(input, field, allowed, errors) {
	if (!(field in input)) return;
	const value = input[field];
	if (allowed.includes(value)) return;
	const expected = literalExpectation(allowed);
	errors.push(fieldError(field, `Input should be ${expected}`, 'literal_error', { input: value, ctx: { expected } }));
}

function checkRequiredString(input, field, errors) {
	if (!(field in input) || input[field] === null) {
		errors.push(fieldError(field, 'Field required', 'missing', { input }));
		return false;
	}
	if (typeof input[field] !== 'string') {
		errors.push(fieldError(field, 'Input should be a valid string', 'string_type', { input: input[field] }));
		return false;
	}
	return true;
}

/**
 * Checks that a file URL is one fal could fetch: http(s) or a data URI, and, when it points at this
 * fake's own upload storage, that the upload really happened.
 */
function checkFileUrl(input, field, isKnownUpload, errors) {
	const value = input[field];
	const fetchable = /^https?:\/\//i.test(value) || /^data:[^,]*,/i.test(value);
	if (fetchable && isKnownUpload(value) !== false) return;
	errors.push(fieldError(field, FILE_DOWNLOAD_MESSAGE, 'file_download_error', { input: value }));
}

function forbidExtra(input, field, errors) {
	if (field in input) errors.push(fieldError(field, 'Extra inputs are not permitted', 'extra_forbidden', { input: input[field] }));
}

function checkImageInputs(input, isKnownUpload, errors) {
	if (checkRequiredString(input, 'image_url', errors)) checkFileUrl(input, 'image_url', isKnownUpload, errors);
	if ('end_image_url' in input && input.end_image_url !== null) {
		if (typeof input.end_image_url !== 'string') {
			errors.push(fieldError('end_image_url', 'Input should be a valid string', 'string_type', { input: input.end_image_url }));
		} else {
			checkFileUrl(input, 'end_image_url', isKnownUpload, errors);
		}
	}
}

function checkReferenceLists(input, isKnownUpload, errors, references) {
	const counts = {};
	for (const [field, max] of Object.entries(references.lists)) {
		counts[field] = 0;
		if (!(field in input) || input[field] === null) continue;
		const list = input[field];
		if (!Array.isArray(list)) {
			errors.push(fieldError(field, 'Input should be a valid list', 'list_type', { input: list }));
			continue;
		}
		counts[field] = list.length;
		if (list.length > max) {
			errors.push(fieldError(field, `List should have at most ${max} items after validation, not ${list.length}`, 'too_long', { input: list, ctx: { field_type: 'List', max_length: max, actual_length: list.length } }));
		}
		list.forEach((url, index) => {
			const fetchable = typeof url === 'string' && (/^https?:\/\//i.test(url) || /^data:[^,]*,/i.test(url));
			if (!fetchable || isKnownUpload(url) === false) errors.push({ loc: ['body', field, index], msg: FILE_DOWNLOAD_MESSAGE, type: 'file_download_error', input: url });
		});
	}
	const total = counts.image_urls + counts.video_urls + counts.audio_urls;
	if (total > references.maxFiles) {
		errors.push({ loc: ['body'], msg: `Value error, Total number of files across all modalities must not exceed ${references.maxFiles}, got ${total}`, type: 'value_error', input });
	}
	if (references.audioNeedsImageOrVideo && counts.audio_urls > 0 && counts.image_urls + counts.video_urls === 0) {
		errors.push({ loc: ['body', 'audio_urls'], msg: 'Value error, If audio is provided, at least one reference image or video is required', type: 'value_error', input: input.audio_urls });
	}
}

/**
 * Validates an input for a version, tier and kind; returns pydantic-style `detail` entries ([] = valid).
 * `isKnownUpload(url)` returns false for a URL on the fake's storage that was never uploaded.
 */
function validateInput(input, tierId, isKnownUpload = () => undefined, kind = 'image-to-video', versionId = '2.0') {
	if (input === null || typeof input !== 'object' || Array.isArray(input)) {
		return [{ loc: ['body'], msg: 'Input should be a valid dictionary', type: 'dict_type', input }];
	}
	const version = VERSIONS[versionId];
	const tier = version.tiers[tierId];
	const errors = [];
	const promptOptional = version.promptOptional.includes(kind);
	if (promptOptional && (!('prompt' in input) || input.prompt === null)) {
		// fal's default prompt: nothing to check.
	} else if (checkRequiredString(input, 'prompt', errors) && input.prompt.trim() === '' && !promptOptional) {
		errors.push(
			fieldError('prompt', 'String should have at least 1 character', 'string_too_short', {
				input: input.prompt,
				ctx: { min_length: 1 },
			}),
		);
	}
	if (kind === 'image-to-video') checkImageInputs(input, isKnownUpload, errors);
	else for (const field of ['image_url', 'end_image_url']) forbidExtra(input, field, errors);
	if (kind === 'reference-to-video') checkReferenceLists(input, isKnownUpload, errors, version.references);
	else for (const field of Object.keys(REFERENCE_LISTS)) forbidExtra(input, field, errors);
	checkLiteral(input, 'resolution', tier.resolutions, errors);
	checkLiteral(input, 'duration', version.durations, errors);
	// 2.5 image-to-video: aspect_ratio is the constant "auto".
	checkLiteral(input, 'aspect_ratio', version.noAspectRatio.includes(kind) ? ['auto'] : ASPECT_RATIOS, errors);
	if (version.taskKinds.includes(kind)) checkLiteral(input, 'task', TASKS, errors);
	else forbidExtra(input, 'task', errors);
	if (!version.draft) forbidExtra(input, 'draft', errors);
	else if ('draft' in input && typeof input.draft !== 'boolean') {
		errors.push(fieldError('draft', 'Input should be a valid boolean', 'bool_type', { input: input.draft }));
	}
	if ('generate_audio' in input && typeof input.generate_audio !== 'boolean') {
		errors.push(fieldError('generate_audio', 'Input should be a valid boolean', 'bool_type', { input: input.generate_audio }));
	}
	// Strict on purpose: only 2.0 image-to-video offers Seed (nodes/shared/schema/versions.ts hasSeed).
	if (!version.seedKinds.includes(kind)) forbidExtra(input, 'seed', errors);
	else if ('seed' in input && input.seed !== null && !Number.isInteger(input.seed)) {
		errors.push(fieldError('seed', 'Input should be a valid integer', 'int_type', { input: input.seed }));
	}
	if ('end_user_id' in input && input.end_user_id !== null && typeof input.end_user_id !== 'string') {
		errors.push(fieldError('end_user_id', 'Input should be a valid string', 'string_type', { input: input.end_user_id }));
	}
	if (tier.hasBitrateMode) {
		checkLiteral(input, 'bitrate_mode', BITRATE_MODES, errors);
	} else if ('bitrate_mode' in input) {
		// Strict on purpose: mini has no bitrate mode, and a node that sends one has a bug worth seeing.
		errors.push(fieldError('bitrate_mode', 'Extra inputs are not permitted', 'extra_forbidden', { input: input.bitrate_mode }));
	}
	if (tier.hasCodec) checkLiteral(input, 'codec', CODECS, errors);
	else forbidExtra(input, 'codec', errors);
	return errors;
}

function contentPolicyError(prompt) {
	return fieldError('prompt', CONTENT_POLICY_MESSAGE, 'content_policy_violation', {
		url: 'https://docs.fal.ai/errors#content_policy_violation',
		input: prompt,
	});
}

module.exports = {
	OWNER_APP,
	KINDS,
	VERSIONS,
	TIERS,
	REFERENCE_LISTS,
	DURATIONS,
	DURATIONS_2_5,
	ASPECT_RATIOS,
	TASKS,
	BITRATE_MODES,
	CODECS,
	MARKER_CONTENT_POLICY,
	MARKER_NEVER_FINISH,
	tierForEndpoint,
	variantForEndpoint,
	validateInput,
	contentPolicyError,
};
