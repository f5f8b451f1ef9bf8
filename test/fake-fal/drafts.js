'use strict';
/**
 * Seedance 2.5 drafts, as the fake plays them. A 2.5 generate request with `draft: true` renders a
 * 480p preview and returns a `draft_id` in its output; `POST bytedance/seedance-2.5/draft/complete`
 * with `{draft_id}` renders that draft at 1080p, within 7 days and by the same account only
 * (shared/seed/fal-seedance-2.5-and-platform.md §1, from fal's llms.txt pages as quoted).
 *
 * fal's own answers for an unknown, expired or other-account draft were not found in any stored
 * source. They are modelled on fal's 422 `detail` shape (fal-protocol.md §1): one entry on
 * `['body','draft_id']`, answered by `GET result` like every other validation error. Another
 * account's draft answers exactly like an unknown one: fal tells one account nothing about
 * another's requests (the fake's 404 for request ids follows the same rule).
 *
 * The clock is the fake's own (`fake.drafts.clock`), so a test can step past the 7 days.
 */
const crypto = require('crypto');

const DRAFT_APP = 'bytedance/seedance-2.5';
const DRAFT_COMPLETE_ENDPOINT = `${DRAFT_APP}/draft/complete`;
/** The generate endpoints that take `draft` (not the `/us/` copies: one report says they have no draft option). */
const DRAFT_GENERATE_PATTERN = /^bytedance\/seedance-2\.5\/(text|image|reference)-to-video$/;
const DRAFT_TTL_MS = 7 * 24 * 60 * 60 * 1000;
const DRAFT_RESOLUTION = '480p';
const COMPLETE_RESOLUTION = '1080p';
/** What draft/complete takes besides `draft_id`: one user's notes show `resolution: "1080p"` [U]. */
const COMPLETE_OPTIONAL_LITERALS = { resolution: [COMPLETE_RESOLUTION] };

const NOT_FOUND_MESSAGE = 'Draft not found. Use the draft_id returned by a Seedance 2.5 request made with draft: true on this account.';
const EXPIRED_MESSAGE = 'Draft has expired. A draft can be completed within 7 days of its creation.';

function draftIdError(type, msg, input, extra) {
	return { loc: ['body', 'draft_id'], msg, type, input, ...extra };
}

/** A clock that starts at the real time and that tests can move forward. */
function createClock() {
	let offsetMs = 0;
	return {
		now: () => Date.now() + offsetMs,
		/** Moves the fake's time forward by `ms` (drafts age; jobs and timers are not affected). */
		advance: (ms) => {
			offsetMs += ms;
		},
		advanceDays: (days) => {
			offsetMs += days * 24 * 60 * 60 * 1000;
		},
	};
}

/**
 * The drafts of one fake: `isComplete(endpoint)`, `rendersDraft(job)`, `validate(job)` (detail
 * entries for a draft/complete job, [] = fine) and `finishOutput(job, output)` (adds `draft_id`
 * to a draft's output, keeps a completed draft's seed).
 */
function createDraftStore(options = {}) {
	const ttlMs = options.draftTtlMs ?? DRAFT_TTL_MS;
	const clock = createClock();
	/** draftId → { draftId, ownerKey, requestId, endpoint, input, seed, createdAt, expiresAt, completions } */
	const drafts = new Map();

	function isComplete(endpoint) {
		return endpoint === DRAFT_COMPLETE_ENDPOINT;
	}

	function rendersDraft(job) {
		return DRAFT_GENERATE_PATTERN.test(job.endpoint) && job.input?.draft === true;
	}

	/** The resolution the job's video comes out at, when drafts decide it. */
	function renderedResolution(job) {
		if (isComplete(job.endpoint)) return COMPLETE_RESOLUTION;
		if (rendersDraft(job)) return DRAFT_RESOLUTION;
		return undefined;
	}

	/** Records a draft (also usable by tests to seed one without a generation, with a fixed `draftId` if they need one). */
	function create({ draftId = `draft-${crypto.randomUUID()}`, ownerKey, requestId, endpoint = `${DRAFT_APP}/text-to-video`, input = {}, seed, createdAt } = {}) {
		const created = createdAt ?? clock.now();
		const draft = {
			draftId,
			ownerKey,
			requestId,
			endpoint,
			input,
			seed: seed ?? crypto.randomInt(0, 2 ** 31),
			createdAt: created,
			expiresAt: created + ttlMs,
			completions: [],
		};
		drafts.set(draftId, draft);
		return draft;
	}

	function validate(job) {
		const input = job.input;
		if (input === null || typeof input !== 'object' || Array.isArray(input)) {
			return [{ loc: ['body'], msg: 'Input should be a valid dictionary', type: 'dict_type', input }];
		}
		const errors = [];
		for (const field of Object.keys(input)) {
			if (field === 'draft_id') continue;
			const allowed = COMPLETE_OPTIONAL_LITERALS[field];
			if (!allowed) errors.push({ loc: ['body', field], msg: 'Extra inputs are not permitted', type: 'extra_forbidden', input: input[field] });
			else if (!allowed.includes(input[field])) {
				const expected = allowed.map((value) => `'${value}'`).join(' or ');
				errors.push({ loc: ['body', field], msg: `Input should be ${expected}`, type: 'literal_error', input: input[field], ctx: { expected } });
			}
		}
		const id = input.draft_id;
		if (id === undefined || id === null) {
			errors.push({ loc: ['body', 'draft_id'], msg: 'Field required', type: 'missing', input });
			return errors;
		}
		if (typeof id !== 'string') {
			errors.push(draftIdError('string_type', 'Input should be a valid string', id));
			return errors;
		}
		const draft = drafts.get(id);
		// Another account's draft: the same answer as an unknown one.
		if (!draft || (draft.ownerKey !== undefined && draft.ownerKey !== job.ownerKey)) {
			errors.push(draftIdError('draft_not_found', NOT_FOUND_MESSAGE, id));
			return errors;
		}
		if (clock.now() > draft.expiresAt) {
			errors.push(draftIdError('draft_expired', EXPIRED_MESSAGE, id, { ctx: { created_at: new Date(draft.createdAt).toISOString(), expired_at: new Date(draft.expiresAt).toISOString() } }));
		}
		return errors;
	}

	/** The output of a finished job, with what drafts add: a new draft's id, a completed draft's seed. */
	function finishOutput(job, output) {
		if (rendersDraft(job)) {
			const draft = create({ ownerKey: job.ownerKey, requestId: job.requestId, endpoint: job.endpoint, input: job.input, seed: output.seed });
			return { ...output, draft_id: draft.draftId };
		}
		if (isComplete(job.endpoint)) {
			const draft = drafts.get(job.input.draft_id);
			if (draft) {
				draft.completions.push(job.requestId);
				return { ...output, seed: draft.seed };
			}
		}
		return output;
	}

	return { clock, drafts, ttlMs, isComplete, rendersDraft, renderedResolution, create, validate, finishOutput };
}

module.exports = {
	DRAFT_APP,
	DRAFT_COMPLETE_ENDPOINT,
	DRAFT_TTL_MS,
	DRAFT_RESOLUTION,
	COMPLETE_RESOLUTION,
	createDraftStore,
};
