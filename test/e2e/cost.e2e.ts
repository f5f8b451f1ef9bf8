/**
 * Cost in a real n8n 2.41 (`n8n execute`, the packed package) against the fake fal: a 200-item
 * batch over Max Cost per Execution is refused in every mode with no request to fal but the price
 * lookup, and Estimate Cost gives each item's cost and the total on all three nodes, at fal's price
 * or, when fal's price list fails, at the node's own.
 */
import { manualWorkflow, type SeedanceNode } from './executeWorkflow';
import { N8nInstance, NODE_TYPE, outputOf, type WorkflowJson } from './n8nInstance';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { startFakeFal } = require('../fake-fal');

interface FakeLog {
	url: string;
	log: Array<{ kind: string; method: string; path: string }>;
	fault(fault: Record<string, unknown>): void;
	close(): Promise<void>;
}

const SECRET_KEY = 'e2e-cost-key-7a1b2c3d:do-not-print-me';
const CREDENTIAL = { id: 'falCostCredential', name: 'Fal (fake, cost)' };
const BATCH_SIZE = 200;

/** BATCH_SIZE rows, as from a sheet, into the given Seedance nodes side by side. */
function workflow(id: string, seedanceNodes: SeedanceNode[], rows = BATCH_SIZE): WorkflowJson {
	const items = Array.from({ length: rows }, (_, index) => ({ json: { prompt: `Product shot ${index + 1}`, imageUrl: `https://images.example.com/product-${index + 1}.jpg` } }));
	return manualWorkflow(id, { credential: CREDENTIAL, items, seedance: seedanceNodes });
}

const imageToVideo = (parameters: Record<string, unknown>): SeedanceNode => ({
	parameters: { operation: 'generate', tier: 'fast', resolution: '720p', duration: 'auto', prompt: '={{ $json.prompt }}', imageSource: 'url', imageUrl: '={{ $json.imageUrl }}', ...parameters },
});

const MODES = ['waitForCompletion', 'waitForWebhook', 'submitOnly'] as const;
const guarded = MODES.map((mode) =>
	workflow(`e2eCostGuard_${mode}`, [imageToVideo({ mode, webhookUrl: mode === 'submitOnly' ? 'https://n8n.example.com/webhook/seedance' : undefined, options: { maxCostPerExecutionUsd: 100 } })]),
);
const estimates = workflow(
	'e2eCostEstimate',
	[
		{ name: 'Text', type: 'n8n-nodes-seedance.seedanceTextToVideo', parameters: { operation: 'estimateCost', tier: 'mini', resolution: '480p', duration: '5', prompt: '={{ $json.prompt }}' } },
		{ name: 'Image', type: NODE_TYPE, parameters: { operation: 'estimateCost', tier: 'fast', resolution: '720p', duration: 'auto', prompt: '={{ $json.prompt }}', imageSource: 'url', imageUrl: '={{ $json.imageUrl }}' } },
		{
			name: 'Reference',
			type: 'n8n-nodes-seedance.seedanceReferenceToVideo',
			parameters: { operation: 'estimateCost', tier: 'standard', resolution: '1080p', duration: '10', prompt: 'The product from @Image1', referenceImageSource: 'url', referenceImageUrls: '={{ $json.imageUrl }}' },
		},
	],
	3,
);

describe('Cost in a real n8n (n8n execute)', () => {
	let fake: FakeLog;
	let n8n: N8nInstance;

	beforeAll(async () => {
		fake = await startFakeFal({ apiKey: SECRET_KEY });
		n8n = N8nInstance.create('cost');
		await n8n.importCredentials([{ ...CREDENTIAL, apiKey: SECRET_KEY, apiHost: fake.url }]);
		await n8n.importWorkflows([...guarded, estimates]);
	});

	afterAll(async () => {
		await n8n?.dispose();
		await fake?.close();
	});

	it.each(MODES.map((mode, index) => [mode, guarded[index]] as const))(
		'%s: 200 rows with duration auto ($725.76 at most) over a $100 cap are refused; fal is asked only for the price',
		async (_mode, guardedWorkflow) => {
			fake.log.length = 0;
			const { execution, output } = await n8n.execute(guardedWorkflow.id);

			expect(execution.status).toBe('error');
			const error = execution.data.resultData.error;
			expect(error?.node?.name).toBe('Seedance');
			// 200 × up to 15 s at 720p on Fast: 200 × 324,000 tokens × $0.0112/1k.
			expect(error?.message).toBe('The estimated cost $725.76 is over Max Cost per Execution ($100.00)');
			expect(error?.description).toContain('Nothing was uploaded or submitted to fal.');
			expect(error?.description).toContain('Item 199: $0.97–$3.63 (Seedance 2.0 Fast, 720p, duration auto)');
			expect(error?.description).toContain('Total: $725.76 at most ($193.54 at least); cap: $100.00.');
			expect(error?.description).toContain('Duration "auto" counted as up to 15 s');
			expect(fake.log.map((entry) => entry.kind)).toEqual(['pricing']);
			expect(output).not.toContain(SECRET_KEY);
		},
	);

	it("Estimate Cost on all three nodes: each item's estimate and the total, at fal's price; then at the node's own when fal fails", async () => {
		fake.log.length = 0;
		const { execution } = await n8n.execute(estimates.id);

		expect(execution.status).toBe('success');
		const text = outputOf(execution, 'Text');
		const image = outputOf(execution, 'Image');
		const reference = outputOf(execution, 'Reference');
		for (const items of [text, image, reference]) expect(items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		// Mini 480p 5 s: 48,037.5 tokens × $0.007/1k = $0.3363.
		expect(text[0].json).toMatchObject({ endpoint: 'bytedance/seedance-2.0/mini/text-to-video', estimatedCostUsd: 0.3363, batchTotal: { items: 3, maxUsd: 1.0089 } });
		expect(image[0].json.cost).toMatchObject({ minUsd: 0.9677, maxUsd: 3.6288, priceSource: 'fal' });
		expect(image[0].json.batchTotal).toMatchObject({ items: 3, minUsd: 2.9031, maxUsd: 10.8864 });
		// Standard 1080p 10 s: 486,000 tokens × $0.014/1k = $6.804.
		expect(reference[2].json).toMatchObject({ endpoint: 'bytedance/seedance-2.0/reference-to-video', estimatedCostUsd: 6.804 });
		expect(new Set(fake.log.map((entry) => entry.kind))).toEqual(new Set(['pricing']));

		fake.fault({ on: 'pricing', status: 503, times: 3 });
		const fallback = await n8n.execute(estimates.id);
		expect(outputOf(fallback.execution, 'Image')[0].json.cost).toMatchObject({ priceSource: 'schema', priceNote: "fal's price list could not be read (HTTP 503)", maxUsd: 3.6288 });
	});
});
