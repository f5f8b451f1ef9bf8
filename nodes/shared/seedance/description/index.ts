import type { INodeProperties } from 'n8n-workflow';

import {
	COMPLETED_DRAFT_RESOLUTION,
	DRAFT_COMPLETE_ENDPOINT,
	DRAFT_LIFETIME_DAYS,
	DRAFT_RESOLUTION,
	SEEDANCE_2_0,
	SEEDANCE_2_5,
	VERSIONS,
	usdPerSecond,
	variantsOf,
	type Kind,
	type VersionFacts,
	type VersionId,
} from '../../schema';
import { generateFields, generateOptions } from './generateFields';
import { describeTier, KIND_TEXT } from './kinds';
import { requestFields } from './requestFields';

/** The version whose drafts Complete Draft renders (the one that makes drafts: Seedance 2.5). */
const DRAFTING_VERSION = VERSIONS.find((version) => version.draft) ?? SEEDANCE_2_5;

/**
 * Complete Draft always runs on the drafting version's draft/complete endpoint, so the Model and
 * Model Tier fields are hidden for it (they would not change what is sent), and a notice says why.
 */
const notOnCompleteDraft = { operation: ['completeDraft'] };

function operationField(kind: Kind): INodeProperties {
	const text = KIND_TEXT[kind];
	return {
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		default: 'generate',
		options: [
			{ name: 'Generate Video', value: 'generate', action: text.generateAction, description: text.generateDescription },
			{
				name: 'Estimate Cost',
				value: 'estimateCost',
				action: 'Estimate the cost of videos',
				description: "What Generate Video would cost for each item and in all, at fal's current prices. Nothing is generated.",
			},
			{ name: 'Get Status', value: 'getStatus', action: 'Get the status of a request', description: 'Queue position, state and logs of a submitted request' },
			{ name: 'Get Result', value: 'getResult', action: 'Get the result of a request', description: 'The video of a finished request' },
			{ name: 'Cancel', value: 'cancel', action: 'Cancel a request', description: 'Stop a queued or running request' },
			{
				name: 'Complete Draft',
				value: 'completeDraft',
				action: 'Complete a draft at 1080p',
				description: `Render a ${DRAFTING_VERSION.label} draft (a ${DRAFT_RESOLUTION} preview) at ${COMPLETED_DRAFT_RESOLUTION}, on ${DRAFTING_VERSION.label} whatever the Model`,
			},
		],
	};
}

/**
 * The Model a new node starts on, by node version (n8n stores only parameters that differ from their
 * defaults, so version 1 keeps Seedance 2.0: saved workflows send what they always sent).
 */
export const MODEL_DEFAULT_BY_NODE_VERSION: Record<number, VersionId> = { 1: SEEDANCE_2_0.id, 2: SEEDANCE_2_5.id };
export const NODE_VERSIONS = [1, 2];
// Literals for n8n's scanner, which reads a default written as an expression as missing (fieldDefaults.test.ts checks them).
const MODEL_DEFAULT_V1 = '2.0';
const MODEL_DEFAULT_V2 = '2.5';

function modelFields(kind: Kind): INodeProperties[] {
	const field = (defaultModel: string, nodeVersions: number[]): INodeProperties => ({
		displayName: 'Model',
		name: 'model',
		type: 'options',
		default: defaultModel,
		description: 'Which Seedance. Get Status / Get Result / Cancel use the model the request was made with.',
		options: VERSIONS.map((version) => {
			const cheapest = Math.min(...variantsOf(kind, version.id).map((variant) => usdPerSecond(variant, '720p')));
			return { name: version.label, value: version.id, description: `${version.choose} · from $${cheapest.toFixed(4)} per second at 720p` };
		}),
		displayOptions: { show: { '@version': nodeVersions }, hide: notOnCompleteDraft },
	});
	return [field(MODEL_DEFAULT_V1, [1]), field(MODEL_DEFAULT_V2, [2])];
}

/** Model Tier, for each version that has more than one tier (2.0: Fast, Standard, Mini). */
function tierFields(kind: Kind): INodeProperties[] {
	return VERSIONS.filter((version) => version.tiers.length > 1).map((version) => {
		const { defaultTier } = version; // an identifier: the scanner reads a member expression as no default
		return tierField(kind, version, defaultTier);
	});
}

function tierField(kind: Kind, version: VersionFacts, defaultTier: string): INodeProperties {
	return {
		displayName: 'Model Tier',
		name: 'tier',
		type: 'options',
		default: defaultTier,
		description: `${version.tiers.map((tier) => tier.label).join(', ')} differ in speed, price, resolutions and bitrate (see each option). Get Status / Get Result / Cancel use the tier the request was made with.`,
		options: variantsOf(kind, version.id).map((tier) => ({ name: tier.label, value: tier.id, description: `${describeTier(tier)} · ${tier.endpoint}` })),
		displayOptions: { show: { model: [version.id] }, hide: notOnCompleteDraft },
	};
}

/** In place of Model and Model Tier on Complete Draft: which model it runs on, and why there is no choice. */
const completeDraftModelNotice: INodeProperties = {
	displayName: `Complete Draft runs on ${DRAFTING_VERSION.label}: drafts come from ${DRAFTING_VERSION.label}'s Generate Video with "Draft (${DRAFT_RESOLUTION} Preview)" on, and fal renders them at ${COMPLETED_DRAFT_RESOLUTION} on ${DRAFT_COMPLETE_ENDPOINT} (within ${DRAFT_LIFETIME_DAYS} days, with the same fal account). There is no model to choose.`,
	name: 'completeDraftNotice',
	type: 'notice',
	default: '',
	displayOptions: { show: { operation: ['completeDraft'] } },
};

/**
 * Under the node's name on the canvas: the model of a Generate Video node, and the drafting model for
 * Complete Draft (which has no Model field and runs on it whatever Model the node holds).
 */
export const NODE_SUBTITLE = `={{ $parameter["operation"] === "generate" ? "Generate Video · Seedance " + $parameter["model"] + ($parameter["tier"] ? " " + $parameter["tier"] : "") : $parameter["operation"] === "completeDraft" ? "Complete Draft · ${DRAFTING_VERSION.label}" : $parameter["operation"] }}`;

/** The parameters of one node of the family: the same operations and modes, its kind's fields. */
export function buildProperties(kind: Kind): INodeProperties[] {
	return [operationField(kind), ...modelFields(kind), ...tierFields(kind), completeDraftModelNotice, ...generateFields(kind), ...requestFields, generateOptions];
}
