/**
 * Complete Draft in the editor: it always runs on Seedance 2.5's draft/complete, so the Model and
 * Model Tier fields are hidden for it on every node version (they would change nothing that is
 * sent) and a notice says which model renders the draft. n8n's own NodeHelpers decide what shows.
 */
import { NodeHelpers, Workflow, type INode, type INodeParameters, type INodeType, type INodeTypes } from 'n8n-workflow';

import { NODE_VERSIONS } from '../../nodes/shared/seedance/description';
import { SeedanceImageToVideo } from '../../nodes/SeedanceImageToVideo/SeedanceImageToVideo.node';
import { SeedanceReferenceToVideo } from '../../nodes/SeedanceReferenceToVideo/SeedanceReferenceToVideo.node';
import { SeedanceTextToVideo } from '../../nodes/SeedanceTextToVideo/SeedanceTextToVideo.node';
import { savedParameters } from './editorParameters';

const nodes: Array<[string, INodeType]> = [
	['Text-to-Video', new SeedanceTextToVideo()],
	['Image-to-Video', new SeedanceImageToVideo()],
	['Reference-to-Video', new SeedanceReferenceToVideo()],
];

/** The top-level fields the editor shows for these values, on this node version. */
function shownFields(nodeType: INodeType, typeVersion: number, values: INodeParameters): string[] {
	const { description } = nodeType;
	const node = { typeVersion, parameters: values } as unknown as INode;
	const parameters = NodeHelpers.getNodeParameters(description.properties, values, true, false, node, description) ?? {};
	return description.properties
		.filter((property) => property.name in parameters && NodeHelpers.displayParameter(parameters, property, node, description))
		.map((property) => property.name);
}

/** The subtitle n8n shows under the node on the canvas, its expression resolved by n8n's own Workflow. */
function subtitleOf(nodeType: INodeType, typeVersion: number, parameters: INodeParameters): unknown {
	const nodeTypes = { getByName: () => nodeType, getByNameAndVersion: () => nodeType, getKnownTypes: () => ({}) } as unknown as INodeTypes;
	const node: INode = { id: 'seedance', name: 'Seedance', type: `n8n-nodes-seedance.${nodeType.description.name}`, typeVersion, position: [0, 0], parameters };
	const workflow = new Workflow({ nodes: [node], connections: {}, active: false, nodeTypes });
	return workflow.expression.getSimpleParameterValue(node, String(nodeType.description.subtitle), 'manual', {});
}

describe.each(nodes)('Seedance %s: Complete Draft in the editor', (_label, nodeType) => {
	test.each(NODE_VERSIONS)('version %i hides Model and Model Tier, and shows the notice and the Draft ID', (typeVersion) => {
		for (const model of ['2.0', '2.5']) {
			const shown = shownFields(nodeType, typeVersion, { operation: 'completeDraft', model });
			expect(shown).not.toContain('model');
			expect(shown).not.toContain('tier');
			expect(shown).toEqual(expect.arrayContaining(['completeDraftNotice', 'draftId', 'mode']));
		}
	});

	test.each(NODE_VERSIONS)('version %i still shows Model on Generate Video, Estimate Cost and the request lookups', (typeVersion) => {
		for (const operation of ['generate', 'estimateCost', 'getStatus', 'getResult', 'cancel']) {
			const shown = shownFields(nodeType, typeVersion, { operation, model: '2.0' });
			expect(shown).toEqual(expect.arrayContaining(['model', 'tier']));
			expect(shown).not.toContain('completeDraftNotice');
		}
	});

	test('the notice names the model and the endpoint that render the draft', () => {
		const notice = nodeType.description.properties.find((property) => property.name === 'completeDraftNotice');
		expect(notice?.type).toBe('notice');
		expect(notice?.displayName).toContain('Seedance 2.5');
		expect(notice?.displayName).toContain('1080p');
		expect(notice?.displayName).toContain('bytedance/seedance-2.5/draft/complete');
	});

	test('the canvas subtitle of a Complete Draft node names Seedance 2.5, not the Model it may still hold', () => {
		for (const typeVersion of NODE_VERSIONS) {
			expect(subtitleOf(nodeType, typeVersion, { operation: 'completeDraft', model: '2.0', tier: 'mini' })).toBe('Complete Draft · Seedance 2.5');
			expect(subtitleOf(nodeType, typeVersion, { operation: 'generate', model: '2.0', tier: 'mini' })).toBe('Generate Video · Seedance 2.0 mini');
		}
	});

	test('a Complete Draft node saved with a Model is saved again without it (nothing it sends depends on it)', () => {
		expect(savedParameters(nodeType.description, 2, { operation: 'completeDraft', model: '2.0', tier: 'mini', draftId: '={{ $json.draftId }}' })).toEqual({
			operation: 'completeDraft',
			draftId: '={{ $json.draftId }}',
		});
	});
});
