/** Every node's fields start at the schema's defaults (the scanner makes some of them literals in the description). */
import type { INodeProperties, INodeType } from 'n8n-workflow';

import { DEFAULTS, VERSIONS } from '../../nodes/shared/schema';
import { MODEL_DEFAULT_BY_NODE_VERSION, NODE_VERSIONS } from '../../nodes/shared/seedance/description';
import { SeedanceImageToVideo } from '../../nodes/SeedanceImageToVideo/SeedanceImageToVideo.node';
import { SeedanceReferenceToVideo } from '../../nodes/SeedanceReferenceToVideo/SeedanceReferenceToVideo.node';
import { SeedanceTextToVideo } from '../../nodes/SeedanceTextToVideo/SeedanceTextToVideo.node';

function fields(properties: INodeProperties[], name: string): INodeProperties[] {
	return properties.flatMap((property) => [
		...(property.name === name ? [property] : []),
		...(property.type === 'collection' ? fields((property.options ?? []) as INodeProperties[], name) : []),
	]);
}

const nodes: Array<[string, INodeType]> = [
	['Image-to-Video', new SeedanceImageToVideo()],
	['Text-to-Video', new SeedanceTextToVideo()],
	['Reference-to-Video', new SeedanceReferenceToVideo()],
];
const defaults: Array<[string, unknown]> = [
	['resolution', DEFAULTS.resolution],
	['duration', DEFAULTS.duration],
	['aspectRatio', DEFAULTS.aspectRatio],
	['generateAudio', DEFAULTS.generateAudio],
	['bitrateMode', DEFAULTS.bitrateMode],
	['codec', DEFAULTS.codec],
];

describe.each(nodes)('Seedance %s', (_label, node) => {
	test.each(defaults)('the %s field defaults to the schema default', (name, value) => {
		const found = fields(node.description.properties, name);
		expect(found.length).toBeGreaterThan(0);
		for (const field of found) expect(field.default).toBe(value);
	});
});

describe.each(nodes)('Seedance %s versions', (_label, node) => {
	test('version 1 starts on Seedance 2.0 (saved workflows keep their bodies), version 2 on 2.5', () => {
		expect(node.description.version).toEqual(NODE_VERSIONS);
		expect(node.description.defaultVersion).toBe(Math.max(...NODE_VERSIONS));
		const models = fields(node.description.properties, 'model');
		expect(models.map((field) => [field.displayOptions?.show?.['@version'], field.default])).toEqual(
			NODE_VERSIONS.map((version) => [[version], MODEL_DEFAULT_BY_NODE_VERSION[version]]),
		);
		for (const field of models) expect(field.options?.map((option) => ('value' in option ? option.value : undefined))).toEqual(VERSIONS.map((version) => version.id));
	});

	test('the tier field of each version with tiers defaults to its default tier', () => {
		const tiers = fields(node.description.properties, 'tier');
		expect(tiers.map((field) => [field.displayOptions?.show?.model, field.default])).toEqual(
			VERSIONS.filter((version) => version.tiers.length > 1).map((version) => [[version.id], version.defaultTier]),
		);
	});
});
