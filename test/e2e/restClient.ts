/**
 * A logged-in client of a running `n8n start`'s REST API (the one the editor uses), for the e2e
 * tests that drive n8n through HTTP: publish a workflow, list its executions, read one execution's
 * run data, download a binary from n8n's binary store.
 */
import { createRequire } from 'node:module';

import { n8nMajor, type BinaryRef, type Execution } from './n8nInstance';

export interface ExecutionSummary {
	id: string;
	workflowId: string;
	mode: string;
	status: string;
	finished: boolean;
}

/** n8n stores execution data flatted-serialised; its own copy of `flatted` reads it. */
function parseFlatted(text: string): unknown {
	const n8nBin = process.env.SEEDANCE_E2E_N8N_BIN;
	if (!n8nBin) throw new Error('SEEDANCE_E2E_N8N_BIN is not set: run with test/e2e/jest.config.js');
	const flatted = createRequire(n8nBin)('flatted') as { parse(text: string): unknown };
	return flatted.parse(text);
}

export class RestClient {
	constructor(
		readonly baseUrl: string,
		private readonly headers: Record<string, string>,
	) {}

	async request<T>(method: string, path: string, body?: unknown): Promise<T> {
		const response = await fetch(`${this.baseUrl}${path}`, {
			method,
			headers: { ...this.headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		const text = await response.text();
		if (!response.ok) throw new Error(`${method} ${path}: HTTP ${response.status} ${text.slice(0, 500)}`);
		// The REST API wraps every answer in { data }.
		return (JSON.parse(text) as { data: T }).data;
	}

	get<T>(path: string): Promise<T> {
		return this.request<T>('GET', path);
	}

	/**
	 * Publishes (activates) the workflow's current version, as the editor's Publish button (n8n 1.x:
	 * the Active switch) does
	 * (POST /rest/workflows/:id/activate), and waits until its triggers are live. n8n 2.41 answers
	 * the POST before registering the production webhooks: an outbox consumer does that moments
	 * later (a request in between gets 404 "webhook is not registered"), reported by
	 * GET /rest/workflows/:id/publication-status.
	 */
	async publishWorkflow(workflowId: string, timeoutMs = 30000): Promise<void> {
		const { versionId } = await this.get<{ versionId: string }>(`/rest/workflows/${workflowId}`);
		const activated = await this.request<{ active?: boolean }>('POST', `/rest/workflows/${workflowId}/activate`, { versionId });
		// n8n 1.x registers the webhooks before it answers, and has no publication status.
		if (n8nMajor() < 2) {
			if (activated.active !== true) throw new Error(`activating workflow ${workflowId}: ${JSON.stringify(activated).slice(0, 500)}`);
			return;
		}
		const deadline = Date.now() + timeoutMs;
		for (;;) {
			const publication = await this.get<{ status: string; liveVersionId: string | null; triggers: unknown[] }>(
				`/rest/workflows/${workflowId}/publication-status`,
			);
			if (publication.status === 'published' && publication.liveVersionId === versionId) return;
			if (publication.status === 'failed' || publication.status === 'partial' || Date.now() > deadline) {
				throw new Error(`publishing workflow ${workflowId}: ${JSON.stringify(publication)}`);
			}
			await new Promise((resolve) => setTimeout(resolve, 100));
		}
	}

	/** The workflow's executions, newest first. */
	async executions(workflowId: string): Promise<ExecutionSummary[]> {
		const filter = encodeURIComponent(JSON.stringify({ workflowId }));
		const { results } = await this.get<{ results: ExecutionSummary[] }>(`/rest/executions?filter=${filter}&limit=100`);
		return results;
	}

	async executionCount(workflowId: string): Promise<number> {
		return (await this.executions(workflowId)).length;
	}

	/** Waits until the workflow has `count` finished executions; returns them, newest first. */
	async waitForExecutions(workflowId: string, count: number, timeoutMs = 30000): Promise<ExecutionSummary[]> {
		const deadline = Date.now() + timeoutMs;
		for (;;) {
			const executions = await this.executions(workflowId);
			const done = executions.filter((execution) => !['new', 'running', 'waiting'].includes(execution.status));
			if (done.length >= count) return done;
			if (Date.now() > deadline) {
				throw new Error(`workflow ${workflowId}: ${done.length} of ${count} executions finished within ${timeoutMs / 1000} s (${JSON.stringify(executions)})`);
			}
			await new Promise((resolve) => setTimeout(resolve, 250));
		}
	}

	/** The execution's data (run data of every node), as `n8n execute --rawOutput` prints it. */
	async executionData(executionId: string): Promise<Execution['data']> {
		const execution = await this.get<{ data: string }>(`/rest/executions/${executionId}`);
		return parseFlatted(execution.data) as Execution['data'];
	}

	/** The bytes of a binary reference, served by n8n's binary-data endpoint. */
	async binaryBytes(binary: BinaryRef): Promise<Buffer> {
		if (!binary.id) return Buffer.from(binary.data ?? '', 'base64');
		const response = await fetch(`${this.baseUrl}/rest/binary-data?id=${encodeURIComponent(binary.id)}&action=download`, {
			headers: this.headers,
		});
		if (!response.ok) throw new Error(`binary ${binary.id}: HTTP ${response.status}`);
		return Buffer.from(await response.arrayBuffer());
	}
}
