/**
 * The workflow that runs "Submit and Wait for Webhook" in a real `n8n start`, shared by the e2e test
 * and the bench: Webhook trigger (POST `{prompts: [...]}`) → one item per prompt → Seedance
 * (waitForWebhook) → NoOp. And the call that starts one execution of it.
 */
import { NODE_TYPE, type WorkflowJson } from './n8nInstance';

export const SEEDANCE_NODE = 'Seedance';

export interface WaitForWebhookWorkflowOptions {
	id: string;
	name: string;
	webhookPath: string;
	credential: { id: string; name: string };
	imageUrl: string;
	/** Where the node reads fal's webhook keys: the fake's JWKS (Options → Webhook Keys URL). */
	jwksUrl: string;
	/** More Options of the Seedance node (e.g. concurrency). */
	options?: Record<string, string | number | boolean>;
	/** Another node of the family and its media parameters; default Image-to-Video with `imageUrl`. */
	node?: { type: string; parameters: Record<string, unknown> };
}

/** The production Webhook trigger that starts one execution per POST of `{prompts: [...]}`. */
export function webhookTriggerNode(workflowId: string, webhookPath: string): WorkflowJson['nodes'][number] {
	return {
		id: `${workflowId}-1`,
		name: 'Webhook',
		type: 'n8n-nodes-base.webhook',
		typeVersion: 2,
		position: [0, 0],
		webhookId: `${workflowId}-webhook`,
		parameters: { httpMethod: 'POST', path: webhookPath, responseMode: 'onReceived', options: {} },
	};
}

export function waitForWebhookWorkflow({ id, name, webhookPath, credential, imageUrl, jwksUrl, options = {}, node }: WaitForWebhookWorkflowOptions): WorkflowJson {
	return {
		id,
		name,
		active: false,
		settings: { executionOrder: 'v1' },
		nodes: [
			webhookTriggerNode(id, webhookPath),
			{ id: `${id}-2`, name: 'One item per prompt', type: 'n8n-nodes-base.splitOut', typeVersion: 1, position: [220, 0], parameters: { fieldToSplitOut: 'body.prompts', options: {} } },
			{
				id: `${id}-3`,
				name: SEEDANCE_NODE,
				type: node?.type ?? NODE_TYPE,
				typeVersion: 1,
				position: [440, 0],
				credentials: { falApi: credential },
				parameters: {
					operation: 'generate',
					mode: 'waitForWebhook',
					tier: 'fast',
					prompt: '={{ $json.prompt }}',
					...(node?.parameters ?? { imageSource: 'url', imageUrl }),
					options: { jwksUrl, ...options },
				},
			},
			{ id: `${id}-4`, name: 'Videos', type: 'n8n-nodes-base.noOp', typeVersion: 1, position: [660, 0], parameters: {} },
		],
		connections: {
			Webhook: { main: [[{ node: 'One item per prompt', type: 'main', index: 0 }]] },
			'One item per prompt': { main: [[{ node: SEEDANCE_NODE, type: 'main', index: 0 }]] },
			[SEEDANCE_NODE]: { main: [[{ node: 'Videos', type: 'main', index: 0 }]] },
		},
	};
}

/**
 * POSTs the prompts to the workflow's production webhook. Publishing registers that webhook a
 * moment after the REST call returns, so a 404 is retried for a while.
 */
export async function postPrompts(baseUrl: string, webhookPath: string, prompts: string[]): Promise<Response> {
	const deadline = Date.now() + 15000;
	for (;;) {
		const response = await fetch(`${baseUrl}/webhook/${webhookPath}`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ prompts: prompts.map((prompt) => ({ prompt })) }),
		});
		if (response.status !== 404 || Date.now() > deadline) return response;
		await new Promise((resolve) => setTimeout(resolve, 250));
	}
}
