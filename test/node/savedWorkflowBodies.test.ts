/**
 * Saved workflows keep sending fal the same bodies. The fixture (fixtures/saved-workflow-bodies.json)
 * was recorded from the code before Seedance 2.5 and the Model field existed: the Seedance node of
 * every example in examples/, and nodes as the editor saves them (typeVersion 1, only the parameters
 * that differ from their defaults). Each must still reach the same endpoint with a byte-identical body.
 * The Complete Draft cases were added later, recorded from the code before its Model was hidden.
 * Re-record (only when a change to the bodies is intended and announced): SEEDANCE_RECORD_BODIES=1.
 */
import { readFileSync, writeFileSync } from 'fs';
import path from 'path';
import type { INodeParameters } from 'n8n-workflow';

import type { Kind } from '../../nodes/shared/schema';
import { startFakeFal, type FakeFal } from '../fake-fal';
import type { TriggerItem } from '../harness/runWorkflow';
import { API_KEY, runFamilyNode, TINY_PNG } from './seedance';

const FIXTURE = path.join(__dirname, 'fixtures', 'saved-workflow-bodies.json');
const RECORD = process.env.SEEDANCE_RECORD_BODIES === '1';
const WAV = readFileSync(path.join(__dirname, '../media/fixtures/tone-2s.wav'));

const KIND_OF_TYPE: Record<string, Kind> = {
	'n8n-nodes-seedance.seedanceTextToVideo': 'text-to-video',
	'n8n-nodes-seedance.seedanceImageToVideo': 'image-to-video',
	'n8n-nodes-seedance.seedanceReferenceToVideo': 'reference-to-video',
};

interface SavedCase {
	kind: Kind;
	typeVersion: number;
	parameters: INodeParameters;
	items: TriggerItem[];
	/** Drafts the fake must know before the run (Complete Draft), by their fixed ids. */
	drafts?: string[];
}

interface RecordedBody {
	path: string;
	/** The submit body exactly as sent, with the fake's upload URLs replaced by <upload> (their tokens are random). */
	body: string;
}

function exampleNode(file: string): { kind: Kind; typeVersion: number; parameters: INodeParameters } {
	const workflow = JSON.parse(readFileSync(path.join(__dirname, '../../examples', file), 'utf8'));
	const node = workflow.nodes.find((candidate: { type: string }) => KIND_OF_TYPE[candidate.type]);
	return { kind: KIND_OF_TYPE[node.type], typeVersion: node.typeVersion, parameters: node.parameters };
}

const png = (name: string) => ({ data: TINY_PNG, mimeType: 'image/png', fileName: `${name}.png` });

/** What the example's upstream nodes hand the Seedance node (their Set/Code/Form values). */
const EXAMPLE_ITEMS: Record<string, TriggerItem[]> = {
	'image-url-to-video.json': [
		{ json: { imageUrl: 'https://upload.wikimedia.org/wikipedia/commons/3/3a/Cat03.jpg', prompt: 'The cat slowly turns its head towards the camera and blinks, soft afternoon light, gentle camera push-in' } },
	],
	'batch-images-to-videos.json': [
		{ json: { name: 'cat', imageUrl: 'https://upload.wikimedia.org/wikipedia/commons/3/3a/Cat03.jpg', prompt: 'The cat yawns and stretches' } },
		{ json: { name: 'dice', imageUrl: 'https://upload.wikimedia.org/wikipedia/commons/4/47/PNG_transparency_demonstration_1.png', prompt: 'The dice tumble and roll across the table' } },
	],
	'form-upload-to-video.json': [{ json: { Prompt: 'The camera slowly zooms in while leaves drift past' }, binary: { Image: png('upload') } }],
	'text-to-video-social-post.json': [{ json: { topic: 'latte-art', prompt: 'Vertical social video: a barista pours latte art in slow motion' } }],
	'product-clip-from-references.json': [
		{ json: { product: 'water bottle' }, binary: { product: png('product'), logo: png('logo'), jingle: { data: WAV, mimeType: 'audio/wav', fileName: 'jingle.wav' } } },
	],
};

const CASES: Record<string, SavedCase> = {
	...Object.fromEntries(Object.entries(EXAMPLE_ITEMS).map(([file, items]) => [`example ${file}`, { ...exampleNode(file), items }])),
	// As the editor saves a node dragged in and filled in: only what differs from the defaults.
	'editor: Image-to-Video, prompt and URL only': {
		kind: 'image-to-video',
		typeVersion: 1,
		parameters: { prompt: 'The cat blinks', imageUrl: 'https://images.example.com/cat.jpg' },
		items: [{ json: {} }],
	},
	'editor: Image-to-Video, every field set': {
		kind: 'image-to-video',
		typeVersion: 1,
		parameters: {
			tier: 'standard',
			prompt: 'The cat blinks',
			imageUrl: 'https://images.example.com/cat.jpg',
			endImageSource: 'url',
			endImageUrl: 'https://images.example.com/cat-end.png',
			resolution: '1080p',
			duration: '12',
			aspectRatio: '16:9',
			generateAudio: false,
			additionalFields: { bitrateMode: 'high', endUserId: 'shop-7', seed: 42 },
		},
		items: [{ json: {} }],
	},
	'editor: Image-to-Video, binary start image, mini': {
		kind: 'image-to-video',
		typeVersion: 1,
		parameters: { tier: 'mini', prompt: 'The cat blinks', imageSource: 'binary', resolution: '480p', additionalFields: { seed: 0 } },
		items: [{ json: {}, binary: { data: png('cat') } }],
	},
	'editor: Text-to-Video, prompt only': { kind: 'text-to-video', typeVersion: 1, parameters: { prompt: 'A red kite over the sea' }, items: [{ json: {} }] },
	'editor: Text-to-Video, standard 4k': {
		kind: 'text-to-video',
		typeVersion: 1,
		parameters: { tier: 'standard', prompt: 'A red kite over the sea', resolution: '4k', duration: '15', aspectRatio: '21:9', additionalFields: { endUserId: 'u-1' } },
		items: [{ json: {} }],
	},
	'editor: Reference-to-Video, image and video URLs': {
		kind: 'reference-to-video',
		typeVersion: 1,
		parameters: {
			tier: 'mini',
			prompt: 'The bottle from @Image1 moves like @Video1',
			referenceImageSource: 'url',
			referenceImageUrls: 'https://x.example.com/bottle.png',
			referenceVideoSource: 'url',
			referenceVideoUrls: 'https://x.example.com/motion.mp4',
			duration: '5',
		},
		items: [{ json: {} }],
	},
	// Complete Draft, as saved before its Model and Model Tier were hidden: whatever Model a node
	// holds, it sends only the draft ID to Seedance 2.5's draft/complete.
	'editor: Complete Draft, version 1 node (Model left at Seedance 2.0)': {
		kind: 'text-to-video',
		typeVersion: 1,
		parameters: { operation: 'completeDraft', draftId: '={{ $json.draftId }}' },
		items: [{ json: { draftId: 'draft-saved-v1' } }],
		drafts: ['draft-saved-v1'],
	},
	'editor: Complete Draft, version 2 node saved with Model Seedance 2.0 Mini': {
		kind: 'image-to-video',
		typeVersion: 2,
		parameters: { operation: 'completeDraft', model: '2.0', tier: 'mini', draftId: '={{ $json.draftId }}', options: { returnUrlOnly: true } },
		items: [{ json: { draftId: 'draft-saved-v2' } }],
		drafts: ['draft-saved-v2'],
	},
};

let fake: FakeFal;
beforeAll(async () => {
	fake = await startFakeFal({ apiKey: API_KEY, queueMs: 5, jobMs: 10 });
});
afterAll(async () => await fake.close());

const recorded: Record<string, RecordedBody[]> = RECORD ? {} : JSON.parse(readFileSync(FIXTURE, 'utf8'));
afterAll(() => {
	if (RECORD) writeFileSync(FIXTURE, `${JSON.stringify(recorded, null, '\t')}\n`);
});

async function bodiesOf(savedCase: SavedCase): Promise<RecordedBody[]> {
	for (const draftId of savedCase.drafts ?? []) fake.drafts.create({ draftId, ownerKey: API_KEY });
	const before = fake.requests('submit').length;
	const result = await runFamilyNode(fake, savedCase.kind, savedCase.parameters, { typeVersion: savedCase.typeVersion, items: savedCase.items });
	expect(result.error?.message).toBeUndefined();
	const uploads = new RegExp(`${fake.url.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/files/uploads/[0-9a-f]+/`, 'g');
	return fake
		.requests('submit')
		.slice(before)
		.map((entry) => ({ path: entry.path, body: JSON.stringify(entry.body).replace(uploads, '<upload>/') }))
		// A batch submits several items at once, in no fixed order.
		.sort((a, b) => (a.body < b.body ? -1 : a.body > b.body ? 1 : 0));
}

test.each(Object.keys(CASES))('%s sends the bodies it sent before', async (name) => {
	const bodies = await bodiesOf(CASES[name]);
	if (RECORD) recorded[name] = bodies;
	else expect(bodies).toEqual(recorded[name]);
});

test('the fixture covers every example and every case', () => {
	if (RECORD) return;
	expect(Object.keys(recorded).sort()).toEqual(Object.keys(CASES).sort());
});
