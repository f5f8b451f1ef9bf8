/**
 * The choices a node offers as a workflow node and as an AI Agent's tool. n8n offers a `usableAsTool`
 * node a second time, its type name plus "Tool" (n8n's tool-generation convertNodeToAiTool), and
 * decides with `@tool` which fields that type shows. As a tool, Mode leaves out Submit and Wait for
 * Webhook (the agent needs its answer within the run) and the image and reference sources leave out
 * binary data (an agent passes a tool text only). n8n's own NodeHelpers decide what shows and is saved.
 */
import { NodeHelpers, type INode, type INodeParameters, type INodePropertyOptions, type INodeType, type INodeTypeDescription } from 'n8n-workflow';

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

/** The description n8n generates for the tool: the same, named with "Tool" appended. */
function asTool(description: INodeTypeDescription): INodeTypeDescription {
	return { ...description, name: `${description.name}Tool` };
}

/** The values the editor offers for field `name` with these values: those of every displayed field of that name. */
function offered(name: string, description: INodeTypeDescription, typeVersion: number, values: INodeParameters): string[] {
	const node = { typeVersion, parameters: values } as unknown as INode;
	const parameters = NodeHelpers.getNodeParameters(description.properties, values, true, false, node, description) ?? {};
	return description.properties
		.filter((property) => property.name === name && NodeHelpers.displayParameter(parameters, property, node, description))
		.flatMap((property) => (property.options as INodePropertyOptions[]).map((option) => String(option.value)));
}

describe.each(nodes)('Seedance %s as a workflow node and as an AI Agent tool', (_label, nodeType) => {
	const { description } = nodeType;

	test.each(NODE_VERSIONS)('version %i: the workflow node offers all three modes, the tool no Submit and Wait for Webhook', (typeVersion) => {
		for (const operation of ['generate', 'completeDraft']) {
			expect(offered('mode', description, typeVersion, { operation })).toEqual(['waitForCompletion', 'waitForWebhook', 'submitOnly']);
			expect(offered('mode', asTool(description), typeVersion, { operation })).toEqual(['waitForCompletion', 'submitOnly']);
		}
	});

	test('no Mode on the operations that make no video, in either type', () => {
		for (const operation of ['estimateCost', 'getStatus', 'getResult', 'cancel']) {
			expect(offered('mode', description, 2, { operation })).toEqual([]);
			expect(offered('mode', asTool(description), 2, { operation })).toEqual([]);
		}
	});

	test('what is saved does not change: the default is left out, a chosen mode is kept', () => {
		expect(savedParameters(description, 2, { operation: 'generate', mode: 'waitForCompletion' })).not.toHaveProperty('mode');
		expect(savedParameters(description, 2, { operation: 'generate', mode: 'waitForWebhook' })).toMatchObject({ mode: 'waitForWebhook' });
		expect(savedParameters(asTool(description), 2, { operation: 'generate', mode: 'submitOnly' })).toMatchObject({ mode: 'submitOnly' });
		expect(savedParameters(asTool(description), 2, { operation: 'generate', mode: 'waitForCompletion' })).not.toHaveProperty('mode');
	});
});

/** Each node's image or reference source fields, and what they offer in a workflow. */
const sources: Array<[string, INodeType, string, string[]]> = [
	['Image-to-Video', new SeedanceImageToVideo(), 'imageSource', ['url', 'binary']],
	['Image-to-Video', new SeedanceImageToVideo(), 'endImageSource', ['none', 'url', 'binary']],
	...['referenceImageSource', 'referenceVideoSource', 'referenceAudioSource'].map(
		(name) => ['Reference-to-Video', new SeedanceReferenceToVideo(), name, ['none', 'url', 'binary', 'allBinaries']] as [string, INodeType, string, string[]],
	),
];

describe.each(sources)('Seedance %s: %s', (_label, nodeType, name, inWorkflow) => {
	test.each(NODE_VERSIONS)('version %i offers binary data in a workflow, and only URLs (or none) as a tool', (typeVersion) => {
		const values = { operation: 'generate', model: '2.5' };
		expect(offered(name, nodeType.description, typeVersion, values)).toEqual(inWorkflow);
		expect(offered(name, asTool(nodeType.description), typeVersion, values)).toEqual(inWorkflow.filter((value) => value === 'none' || value === 'url'));
	});
});
