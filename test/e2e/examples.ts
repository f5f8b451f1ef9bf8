/**
 * The example workflows (examples/*.json) in a real n8n: the fal credential they name, and one
 * published in `n8n start` with that credential pointed at the fake fal.
 */
import { login, type N8nInstance, type WorkflowJson } from './n8nInstance';
import { RestClient } from './restClient';

/** The fal credential the example's Seedance nodes use. */
export function exampleCredential(workflow: WorkflowJson): { id: string; name: string } {
	const falApi = workflow.nodes.map((node) => (node.credentials as { falApi?: { id: string; name: string } } | undefined)?.falApi).find(Boolean);
	if (!falApi) throw new Error(`The example "${workflow.name}" has no node with a fal credential`);
	return falApi;
}

/**
 * Imports the example with its credential on `fal` (the fake's host and key), starts `n8n`,
 * publishes the example and returns a logged-in REST client. The caller creates and disposes
 * `n8n`, so a start that fails half-way still stops the server.
 */
export async function publishExample(n8n: N8nInstance, workflow: WorkflowJson, fal: { apiKey: string; apiHost: string }): Promise<RestClient> {
	await n8n.importCredentials([{ ...exampleCredential(workflow), ...fal }]);
	await n8n.importWorkflows([workflow]);
	const baseUrl = await n8n.start();
	const rest = new RestClient(baseUrl, await login(baseUrl));
	await rest.publishWorkflow(workflow.id);
	return rest;
}
