'use strict';
/**
 * The floor of the queue bench (bench/scenarios/queue.js): what n8n itself needs to park an
 * execution and resume it from fal's callback, without our node. Webhook trigger → HTTP Request
 * that submits the same job to the fake fal with `fal_webhook` = the execution's resume URL →
 * n8n's Wait node ("On Webhook Call", POST) → NoOp. fal's signed callback resumes the Wait node
 * directly: no signature check, no status or result request, no download. Submit and Wait for
 * Webhook is judged against it (target ≤ 1.2 × the floor's wall time).
 */
require('./ts-register');
const { webhookTriggerNode } = require('../../test/e2e/waitForWebhookWorkflow.ts');

const ENDPOINT = 'bytedance/seedance-2.0/fast/image-to-video';

function floorWorkflow({ id, name, webhookPath, falUrl, apiKey, imageUrl }) {
	return {
		id,
		name,
		active: false,
		settings: { executionOrder: 'v1' },
		nodes: [
			webhookTriggerNode(id, webhookPath),
			{
				id: `${id}-2`,
				name: 'Submit to fal',
				type: 'n8n-nodes-base.httpRequest',
				typeVersion: 4.2,
				position: [220, 0],
				parameters: {
					method: 'POST',
					url: `${falUrl}/${ENDPOINT}`,
					sendQuery: true,
					queryParameters: { parameters: [{ name: 'fal_webhook', value: '={{ $execution.resumeUrl }}' }] },
					sendHeaders: true,
					headerParameters: { parameters: [{ name: 'Authorization', value: `Key ${apiKey}` }] },
					sendBody: true,
					specifyBody: 'json',
					jsonBody: `={{ JSON.stringify({ prompt: $json.body.prompts[0].prompt, image_url: ${JSON.stringify(imageUrl)} }) }}`,
					options: {},
				},
			},
			{
				id: `${id}-3`,
				name: 'Wait for fal',
				type: 'n8n-nodes-base.wait',
				typeVersion: 1.1,
				position: [440, 0],
				webhookId: `${id}-wait`,
				parameters: { resume: 'webhook', httpMethod: 'POST', options: {} },
			},
			{ id: `${id}-4`, name: 'Done', type: 'n8n-nodes-base.noOp', typeVersion: 1, position: [660, 0], parameters: {} },
		],
		connections: {
			Webhook: { main: [[{ node: 'Submit to fal', type: 'main', index: 0 }]] },
			'Submit to fal': { main: [[{ node: 'Wait for fal', type: 'main', index: 0 }]] },
			'Wait for fal': { main: [[{ node: 'Done', type: 'main', index: 0 }]] },
		},
	};
}

module.exports = { floorWorkflow };
