/** Runs the Seedance node in n8n-core's engine against a fake fal; shared by the node's tests. */
import { readFileSync } from 'fs';
import path from 'path';
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import type { Kind } from '../../nodes/shared/schema';
import { SeedanceImageToVideo } from '../../nodes/SeedanceImageToVideo/SeedanceImageToVideo.node';
import { SeedanceReferenceToVideo } from '../../nodes/SeedanceReferenceToVideo/SeedanceReferenceToVideo.node';
import { SeedanceTextToVideo } from '../../nodes/SeedanceTextToVideo/SeedanceTextToVideo.node';
import type { FakeFal } from '../fake-fal';
import { runWorkflow, type RunOptions, type RunResult, type TriggerItem } from '../harness/runWorkflow';

export const API_KEY = 'test-key-0123456789abcdef:secret-part-9876543210';
export const SAMPLE_VIDEO = readFileSync(path.join(__dirname, '../fake-fal/fixtures/sample.mp4'));
/** A valid 1×1 PNG. */
export const TINY_PNG = Buffer.from(
	'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
	'base64',
);
export const IMAGE_URL = 'https://images.example.com/cat.jpg';

/** The 3 s sample with its movie header saying `seconds` (the checks read only the header). */
export function videoOfSeconds(seconds: number): Buffer {
	const bytes = Buffer.from(SAMPLE_VIDEO);
	const mvhd = bytes.indexOf('mvhd');
	const timescale = bytes.readUInt32BE(mvhd + 4 + 4 + 8);
	bytes.writeUInt32BE(Math.round(timescale * seconds), mvhd + 4 + 4 + 12);
	return bytes;
}

/** The path and body of the last generation request the fake fal received. */
export function lastSubmit(fake: FakeFal): { path: string; input: Record<string, unknown> } {
	const [entry] = fake.requests('submit').slice(-1);
	return { path: entry.path, input: entry.body as Record<string, unknown> };
}

export function generateParameters(overrides: INodeParameters = {}): INodeParameters {
	return {
		operation: 'generate',
		mode: 'waitForCompletion',
		tier: 'fast',
		prompt: 'The cat slowly turns its head and blinks',
		imageSource: 'url',
		imageUrl: IMAGE_URL,
		...overrides,
	};
}

export function pngItem(json: IDataObject = {}, property = 'data'): TriggerItem {
	return { json, binary: { [property]: { data: TINY_PNG, mimeType: 'image/png', fileName: 'cat.png' } } };
}

export async function runSeedance(
	fake: FakeFal,
	parameters: INodeParameters,
	options: Partial<Omit<RunOptions, 'nodeType' | 'parameters'>> = {},
): Promise<RunResult> {
	return await runWorkflow({
		nodeType: new SeedanceImageToVideo(),
		// Version 1 (Seedance 2.0 by default), what these tests were written for; 2.5's tests set typeVersion 2 or model.
		typeVersion: 1,
		parameters,
		items: [{ json: {} }],
		credentials: { falApi: { apiKey: API_KEY, apiHost: fake.url } },
		...options,
	} as RunOptions);
}

const FAMILY = {
	'text-to-video': { create: () => new SeedanceTextToVideo(), typeName: 'n8n-nodes-seedance.seedanceTextToVideo' },
	'image-to-video': { create: () => new SeedanceImageToVideo(), typeName: 'n8n-nodes-seedance.seedanceImageToVideo' },
	'reference-to-video': { create: () => new SeedanceReferenceToVideo(), typeName: 'n8n-nodes-seedance.seedanceReferenceToVideo' },
} as const;

/** Runs one node of the family: the same harness, protocol and fake as the Image-to-Video tests. */
export async function runFamilyNode(
	fake: FakeFal,
	kind: Kind,
	parameters: INodeParameters,
	options: Partial<Omit<RunOptions, 'nodeType' | 'parameters'>> = {},
): Promise<RunResult> {
	const node = FAMILY[kind];
	return await runSeedance(fake, parameters, { nodeTypeName: node.typeName, ...options, nodeType: node.create() } as Partial<Omit<RunOptions, 'nodeType' | 'parameters'>>);
}
