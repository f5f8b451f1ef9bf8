/**
 * The workflow the `n8n execute` suites run: Manual Trigger → Code (one item per prompt) → a
 * Seedance node, with the given node settings.
 */
import { NODE_TYPE, type WorkflowJson } from './n8nInstance';

export const IMAGE_URLS = [
	'https://upload.wikimedia.org/wikipedia/commons/3/3a/Cat03.jpg',
	'https://upload.wikimedia.org/wikipedia/commons/a/a7/Camponotus_flavomarginatus_ant.jpg',
];

export function seedanceWorkflow(
	id: string,
	prompts: string[],
	credential: { id: string; name: string },
	seedance: Record<string, unknown> = {},
): WorkflowJson {
	const items = prompts.map((prompt, index) => ({ json: { prompt, imageUrl: IMAGE_URLS[index % IMAGE_URLS.length] } }));
	return {
		id,
		name: id,
		active: false,
		settings: { executionOrder: 'v1' },
		nodes: [
			{ id: 'n1', name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
			{ id: 'n2', name: 'Images', type: 'n8n-nodes-base.code', typeVersion: 2, position: [200, 0], parameters: { jsCode: `return ${JSON.stringify(items)};` } },
			{
				id: 'n3',
				name: 'Seedance',
				type: NODE_TYPE,
				typeVersion: 1,
				position: [400, 0],
				credentials: { falApi: credential },
				parameters: { operation: 'generate', prompt: '={{ $json.prompt }}', imageSource: 'url', imageUrl: '={{ $json.imageUrl }}', duration: '5', options: { concurrency: 2 } },
				...seedance,
			},
		],
		connections: {
			Start: { main: [[{ node: 'Images', type: 'main', index: 0 }]] },
			Images: { main: [[{ node: 'Seedance', type: 'main', index: 0 }]] },
		},
	};
}

/**
 * Manual Trigger → Code (the items) → a Seedance node of `type` making Seedance 2.5 drafts
 * ("Drafts (480p)", version 2, Draft on, with the kind's `draftParameters`) → the same node type
 * completing each draft at 1080p ("Complete at 1080p", Draft ID from the draft's output, with
 * `completeParameters`, e.g. its mode).
 */
export function draftThenCompleteWorkflow(
	id: string,
	type: string,
	credential: { id: string; name: string },
	items: Array<Record<string, unknown>>,
	draftParameters: Record<string, unknown>,
	completeParameters: Record<string, unknown> = {},
): WorkflowJson {
	const seedance = (nodeId: string, name: string, x: number, parameters: Record<string, unknown>) => ({
		id: nodeId,
		name,
		type,
		typeVersion: 2,
		position: [x, 0],
		credentials: { falApi: credential },
		parameters,
	});
	return {
		id,
		name: id,
		active: false,
		settings: { executionOrder: 'v1' },
		nodes: [
			{ id: 'n1', name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
			{ id: 'n2', name: 'Takes', type: 'n8n-nodes-base.code', typeVersion: 2, position: [200, 0], parameters: { jsCode: `return ${JSON.stringify(items.map((json) => ({ json })))};` } },
			seedance('n3', 'Drafts (480p)', 400, { operation: 'generate', draft: true, duration: '4', ...draftParameters }),
			seedance('n4', 'Complete at 1080p', 600, { operation: 'completeDraft', draftId: '={{ $json.draftId }}', ...completeParameters }),
		],
		connections: {
			Start: { main: [[{ node: 'Takes', type: 'main', index: 0 }]] },
			Takes: { main: [[{ node: 'Drafts (480p)', type: 'main', index: 0 }]] },
			'Drafts (480p)': { main: [[{ node: 'Complete at 1080p', type: 'main', index: 0 }]] },
		},
	};
}
