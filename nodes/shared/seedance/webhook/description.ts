import type { IWebhookDescription } from 'n8n-workflow';

/**
 * The resume webhook of "Submit and Wait for Webhook". n8n's waiting-webhook route matches a
 * waiting node's webhook by method, an empty path and `restartWebhook: true`
 * (n8n/dist/webhooks/waiting-webhooks.js), as for the Wait node and Slack's send-and-wait. It is
 * served only while an execution waits on this node, so it needs no create/delete lifecycle.
 */
export const waitForWebhookWebhooks: IWebhookDescription[] = [
	{
		name: 'default',
		httpMethod: 'POST',
		responseMode: 'onReceived',
		path: '',
		restartWebhook: true,
	},
];
