/**
 * A real n8n (2.x or the 1.x LTS line: scripts/n8n-versions.json) for end-to-end tests: a copy of the template user folder that globalSetup.js
 * prepared (our packed package installed as a community package, database migrated), driven through
 * n8n's own CLI (`import:credentials`, `import:workflow`, `execute --rawOutput`) or `n8n start`.
 */
import type { ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const local = require('../../scripts/lib/n8n-local');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { spawnOwned, signalGroup } = require('../../scripts/lib/owned-processes');

export const NODE_TYPE: string = local.NODE_TYPE;
export const CREDENTIAL_TYPE_NAME: string = local.CREDENTIAL_TYPE;
export const DEMO_OWNER: { email: string; password: string } = local.DEMO_OWNER;
export const EXAMPLES_DIR = path.join(local.ROOT as string, 'examples');

/** The version of the n8n these tests run in (globalSetup.js provisioned it), e.g. "1.123.81". */
export function n8nVersion(): string {
	return requireEnv('SEEDANCE_E2E_N8N_VERSION');
}

/** 1 on the 1.x LTS line, 2 on 2.x. */
export function n8nMajor(): number {
	return Number(n8nVersion().split('.')[0]);
}

export interface BinaryRef {
	mimeType: string;
	fileName?: string;
	fileExtension?: string;
	fileSize?: string;
	id?: string;
	data?: string;
}

export interface OutputItem {
	json: Record<string, unknown>;
	binary?: Record<string, BinaryRef>;
	pairedItem?: { item: number } | Array<{ item: number }>;
}

export interface Execution {
	status?: string;
	finished?: boolean;
	data: {
		resultData: {
			runData: Record<string, Array<{ executionStatus?: string; data?: { main: OutputItem[][] }; error?: { message: string } }>>;
			error?: { message: string; description?: string; node?: { name: string } };
			lastNodeExecuted?: string;
		};
	};
}

export interface WorkflowJson {
	id: string;
	name: string;
	nodes: Array<Record<string, unknown> & { name: string; type: string; parameters: Record<string, unknown> }>;
	connections: Record<string, unknown>;
	[key: string]: unknown;
}

interface Context {
	nodeBin: string;
	n8nBin: string;
	env: NodeJS.ProcessEnv;
}

function requireEnv(name: string): string {
	const value = process.env[name];
	if (!value) throw new Error(`${name} is not set: run the e2e tests with \`npm run e2e\` (test/e2e/jest.config.js)`);
	return value;
}

export class N8nInstance {
	private server?: ChildProcess;

	private constructor(
		readonly userFolder: string,
		private readonly ctx: Context,
	) {}

	/** A fresh n8n user folder, copied from the template (package installed, database migrated). */
	static create(label: string, extraEnv: Record<string, string> = {}): N8nInstance {
		const workDir = requireEnv('SEEDANCE_E2E_WORK_DIR');
		const userFolder = fs.mkdtempSync(path.join(workDir, `${label}-`));
		fs.cpSync(requireEnv('SEEDANCE_E2E_TEMPLATE'), userFolder, { recursive: true });
		const n8nBin = requireEnv('SEEDANCE_E2E_N8N_BIN');
		const env = local.n8nEnv({ userFolder, n8nBin, hermetic: true, extra: extraEnv });
		return new N8nInstance(userFolder, { nodeBin: requireEnv('SEEDANCE_E2E_NODE_BIN'), n8nBin, env });
	}

	async importCredentials(credentials: Array<{ id: string; name: string; apiKey: string; apiHost: string }>): Promise<void> {
		await this.importOtherCredentials(credentials.map((credential) => local.falCredential(credential)));
	}

	/** Credentials of other types, as n8n's `import:credentials` takes them (e.g. an `openAiApi` one). */
	async importOtherCredentials(credentials: Array<{ id: string; name: string; type: string; data: Record<string, unknown> }>): Promise<void> {
		await local.n8nCommand(this.ctx, ['import:credentials', '--input', local.writeTempJson('credentials', credentials)]);
	}

	async importWorkflows(workflows: WorkflowJson[]): Promise<void> {
		await local.n8nCommand(this.ctx, ['import:workflow', '--input', local.writeTempJson('workflows', workflows)]);
	}

	/** `n8n execute --id <id> --rawOutput`: the execution, and everything n8n printed. */
	async execute(workflowId: string): Promise<{ execution: Execution; output: string }> {
		return (await local.executeWorkflow(this.ctx, workflowId)) as { execution: Execution; output: string };
	}

	/** Where n8n's filesystem binary-data mode keeps the bytes of a binary reference. */
	binaryFilePath(binary: BinaryRef): string {
		if (!binary.id) throw new Error(`binary ${binary.fileName ?? ''} is stored inline, not on disk`);
		const [mode, relativePath] = binary.id.split(':', 2);
		if (mode !== 'filesystem-v2' && mode !== 'filesystem') throw new Error(`unexpected binary mode ${mode}`);
		// n8n 1.x keeps it under ~/.n8n/binaryData (n8n 3.0's change list: "becomes ~/.n8n/storage").
		return path.join(this.userFolder, '.n8n', n8nMajor() < 2 ? 'binaryData' : 'storage', relativePath);
	}

	/** `n8n start` on a free port; resolves with its base URL once /healthz answers. */
	async start(): Promise<string> {
		const port: number = await local.freePort();
		const env = { ...this.ctx.env, N8N_PORT: String(port), N8N_RUNNERS_BROKER_PORT: String(await local.freePort()) };
		// Owned: stopped by the watchdog if the test run (or the bench) dies before dispose().
		const server: ChildProcess = spawnOwned(this.ctx.nodeBin, [this.ctx.n8nBin, 'start'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
		this.server = server;
		let log = '';
		server.stdout?.on('data', (chunk) => (log += chunk));
		server.stderr?.on('data', (chunk) => (log += chunk));
		const baseUrl = `http://127.0.0.1:${port}`;
		try {
			await local.waitForN8nReady(baseUrl, this.ctx.n8nBin, { timeoutMs: 120000, isAlive: () => server.exitCode === null });
		} catch (error) {
			throw new Error(`${(error as Error).message}\n${log.slice(-3000)}`);
		}
		return baseUrl;
	}

	/** Stops `n8n start` (if running); the user folder stays, so start() brings the same n8n back. */
	async stop(): Promise<void> {
		const server = this.server;
		if (server && server.exitCode === null) {
			const exited = new Promise((resolve) => server.once('exit', resolve));
			signalGroup(server, 'SIGTERM');
			const forceKill = setTimeout(() => signalGroup(server, 'SIGKILL'), 15000);
			await exited;
			clearTimeout(forceKill);
		}
	}

	/** Stops `n8n start` (if running) and deletes the user folder. */
	async dispose(): Promise<void> {
		await this.stop();
		if (!process.env.SEEDANCE_E2E_KEEP) fs.rmSync(this.userFolder, { recursive: true, force: true });
	}
}

/** The output items of a node's first run, or throws naming the nodes that did run. */
export function outputOf(execution: Execution, nodeName: string): OutputItem[] {
	const runs = execution.data.resultData.runData[nodeName];
	if (!runs) throw new Error(`node "${nodeName}" did not run; ran: ${Object.keys(execution.data.resultData.runData).join(', ')}`);
	return runs[0].data?.main[0] ?? [];
}

export function readExample(fileName: string): WorkflowJson {
	return JSON.parse(fs.readFileSync(path.join(EXAMPLES_DIR, fileName), 'utf8')) as WorkflowJson;
}

/**
 * Logs in as the demo owner (env-managed on 2.x, set up through the REST API on 1.x); returns
 * headers that authenticate later requests.
 */
export async function login(baseUrl: string): Promise<Record<string, string>> {
	await local.setUpOwner(baseUrl, requireEnv('SEEDANCE_E2E_N8N_BIN'));
	// n8n binds the session cookie to a browser id sent as a header (auth.service.js validateBrowserId).
	const browserId = 'seedance-e2e';
	const response = await fetch(`${baseUrl}/rest/login`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', 'browser-id': browserId },
		body: JSON.stringify({ emailOrLdapLoginId: DEMO_OWNER.email, password: DEMO_OWNER.password }),
	});
	if (!response.ok) throw new Error(`login failed: ${response.status} ${await response.text()}`);
	const cookie = (response.headers.get('set-cookie') ?? '').split(';')[0];
	return { cookie, 'browser-id': browserId };
}
