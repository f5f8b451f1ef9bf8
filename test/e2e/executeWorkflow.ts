/**
 * The workflows the `n8n execute` suites run: Manual Trigger → Code (the items) → Seedance nodes.
 * `manualWorkflow` builds any of them; `seedanceWorkflow` and `draftThenCompleteWorkflow` are the
 * two shapes several suites share.
 */
import { NODE_TYPE, type OutputItem, type WorkflowJson } from './n8nInstance';

export const IMAGE_URLS = [
	'https://upload.wikimedia.org/wikipedia/commons/3/3a/Cat03.jpg',
	'https://upload.wikimedia.org/wikipedia/commons/a/a7/Camponotus_flavomarginatus_ant.jpg',
];

/**
 * A Seedance node of the workflow: named "Seedance", the Image-to-Video type at version 1, unless
 * it says otherwise. Other settings (e.g. `onError`) go on the node as they are.
 */
export interface SeedanceNode {
	name?: string;
	type?: string;
	typeVersion?: number;
	parameters: Record<string, unknown>;
	[setting: string]: unknown;
}

export interface ManualWorkflowOptions {
	credential: { id: string; name: string };
	/** What the Code node "Items" returns (JSON and binary); without items the trigger feeds the Seedance nodes. */
	items?: Array<Pick<OutputItem, 'json' | 'binary'>>;
	seedance: SeedanceNode[];
	/** Each Seedance node gets the output of the one before, instead of all getting the items side by side. */
	chain?: boolean;
}

/** Manual Trigger → Code ("Items") → the Seedance nodes, side by side or, with `chain`, one after another. */
export function manualWorkflow(id: string, { credential, items, seedance, chain = false }: ManualWorkflowOptions): WorkflowJson {
	const x = items ? 400 : 200;
	const seedanceNodes = seedance.map(({ name = 'Seedance', type = NODE_TYPE, typeVersion = 1, ...settings }, index) => ({
		id: `s${index + 1}`,
		name,
		type,
		typeVersion,
		position: chain ? [x + index * 200, 0] : [x, index * 200],
		credentials: { falApi: credential },
		...settings,
	}));
	const names = seedanceNodes.map((node) => node.name);
	const to = (...targets: string[]) => ({ main: [targets.map((node) => ({ node, type: 'main', index: 0 }))] });
	const fed = chain ? names.slice(0, 1) : names;
	const connections: WorkflowJson['connections'] = items ? { Start: to('Items'), Items: to(...fed) } : { Start: to(...fed) };
	if (chain) names.slice(1).forEach((name, index) => (connections[names[index]] = to(name)));
	return {
		id,
		name: id,
		active: false,
		settings: { executionOrder: 'v1' },
		nodes: [
			{ id: 'n1', name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
			...(items ? [{ id: 'n2', name: 'Items', type: 'n8n-nodes-base.code', typeVersion: 2, position: [200, 0], parameters: { jsCode: `return ${JSON.stringify(items)};` } }] : []),
			...seedanceNodes,
		],
		connections,
	};
}

/**
 * One item per prompt (each with one of IMAGE_URLS) → a Seedance node generating from both, two at
 * a time; `seedance` replaces any of the node's settings (e.g. `type`, `parameters`, `onError`).
 */
export function seedanceWorkflow(
	id: string,
	prompts: string[],
	credential: { id: string; name: string },
	seedance: Partial<SeedanceNode> = {},
): WorkflowJson {
	return manualWorkflow(id, {
		credential,
		items: prompts.map((prompt, index) => ({ json: { prompt, imageUrl: IMAGE_URLS[index % IMAGE_URLS.length] } })),
		seedance: [
			{
				parameters: { operation: 'generate', prompt: '={{ $json.prompt }}', imageSource: 'url', imageUrl: '={{ $json.imageUrl }}', duration: '5', options: { concurrency: 2 } },
				...seedance,
			},
		],
	});
}

/**
 * The items → a Seedance node of `type` making Seedance 2.5 drafts ("Drafts (480p)", version 2,
 * Draft on, with the kind's `draftParameters`) → the same node type completing each draft at 1080p
 * ("Complete at 1080p", Draft ID from the draft's output, with `completeParameters`, e.g. its mode).
 */
export function draftThenCompleteWorkflow(
	id: string,
	type: string,
	credential: { id: string; name: string },
	items: Array<Record<string, unknown>>,
	draftParameters: Record<string, unknown>,
	completeParameters: Record<string, unknown> = {},
): WorkflowJson {
	return manualWorkflow(id, {
		credential,
		items: items.map((json) => ({ json })),
		chain: true,
		seedance: [
			{ name: 'Drafts (480p)', type, typeVersion: 2, parameters: { operation: 'generate', draft: true, duration: '4', ...draftParameters } },
			{ name: 'Complete at 1080p', type, typeVersion: 2, parameters: { operation: 'completeDraft', draftId: '={{ $json.draftId }}', ...completeParameters } },
		],
	});
}
