/**
 * What the node refuses on the n8n 1.x LTS line, and how it says so (README, "n8n versions"):
 * Submit and Wait for Webhook needs n8n 2.x, because n8n 1.x passes a waiting node's input items
 * on unchanged when its wait ends without a call, instead of failing it. The refusal comes before
 * anything is sent to fal, so nothing is billed. On 2.x the mode is tested in waitForWebhook.e2e.ts.
 */
import { seedanceWorkflow } from './executeWorkflow';
import { N8nInstance, n8nMajor } from './n8nInstance';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { startFakeFal } = require('../fake-fal');

const API_KEY = 'e2e-n8n1-key-do-not-print';
const CREDENTIAL = { id: 'falN8n1Credential', name: 'Fal (fake)' };

const describeOn1x = n8nMajor() < 2 ? describe : describe.skip;

describeOn1x('on n8n 1.x (n8n execute)', () => {
	let fake: Awaited<ReturnType<typeof startFakeFal>>;
	let n8n: N8nInstance;

	const waitForWebhook = seedanceWorkflow('e2eN8n1WaitForWebhook', ['A cat blinks', 'A dog wags its tail'], CREDENTIAL, {
		parameters: { operation: 'generate', mode: 'waitForWebhook', prompt: '={{ $json.prompt }}', imageSource: 'url', imageUrl: '={{ $json.imageUrl }}' },
	});
	const waitForWebhookContinue = seedanceWorkflow('e2eN8n1WaitForWebhookContinue', ['A cat blinks'], CREDENTIAL, {
		onError: 'continueRegularOutput',
		parameters: { operation: 'generate', mode: 'waitForWebhook', prompt: '={{ $json.prompt }}', imageSource: 'url', imageUrl: '={{ $json.imageUrl }}' },
	});

	beforeAll(async () => {
		fake = await startFakeFal({ apiKey: API_KEY, jobMs: 300, queueMs: 50 });
		n8n = N8nInstance.create('n8n1-limits', { WEBHOOK_URL: 'https://n8n.example.com/' });
		await n8n.importCredentials([{ ...CREDENTIAL, apiKey: API_KEY, apiHost: fake.url }]);
		await n8n.importWorkflows([waitForWebhook, waitForWebhookContinue]);
	});

	afterAll(async () => {
		await n8n?.dispose();
		await fake?.close();
	});

	it('Submit and Wait for Webhook fails with a message that names n8n 2.0 and the modes that work, and submits nothing', async () => {
		const { execution, output } = await n8n.execute(waitForWebhook.id);

		expect(execution.status).toBe('error');
		const error = execution.data.resultData.error;
		// Items run side by side: whichever is refused first names itself.
		expect(error?.message).toMatch(
			/^Mode: Submit and Wait for Webhook needs n8n 2\.0 or newer: this n8n \(1\.x\) would pass the items on unchanged if fal did not call back within the wait timeout \[item [01]\]$/,
		);
		expect(error?.description).toBe('Use Wait for Completion, or Submit Only with the Seedance Trigger (both work on n8n 1.x), or update n8n.');
		expect(fake.requests('submit')).toHaveLength(0);
		expect(output).not.toContain(API_KEY);
	});

	it('with Continue On Fail, every item carries that error and nothing waits', async () => {
		const { execution } = await n8n.execute(waitForWebhookContinue.id);

		expect(execution.status).toBe('success');
		const [item] = execution.data.resultData.runData.Seedance[0].data!.main[0];
		expect(item.json.error).toMatch(/^Mode: Submit and Wait for Webhook needs n8n 2\.0 or newer/);
		expect(fake.requests('submit')).toHaveLength(0);
	});
});
