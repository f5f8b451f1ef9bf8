/** Every node's fields start at the schema's defaults (the scanner makes some of them literals in the description). */
import type { INodeProperties, INodeType } from 'n8n-workflow';

import { DEFAULTS } from '../../nodes/shared/schema';
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
];

describe.each(nodes)('Seedance %s', (_label, node) => {
	test.each(defaults)('the %s field defaults to the schema default', (name, value) => {
		const found = fields(node.description.properties, name);
		expect(found.length).toBeGreaterThan(0);
		for (const field of found) expect(field.default).toBe(value);
	});
});
