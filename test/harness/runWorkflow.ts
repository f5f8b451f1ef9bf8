/**
 * Runs a node the way n8n runs it: n8n-core's real `WorkflowExecute` executes a two-node workflow
 * (harness trigger → node under test) with real execute contexts, real `helpers.httpRequest`
 * (axios through @n8n/backend-network), and the real `BinaryDataService` in filesystem mode.
 * See README.md beside this file.
 */
import { ExecutionLifecycleHooks, ExternalSecretsProxy, WorkflowExecute } from 'n8n-core';
import type {
	ExecutionStatus,
	ICredentialDataDecryptedObject,
	ICredentialType,
	IConnections,
	INode,
	INodeCredentials,
	INodeExecutionData,
	INodeParameters,
	INodeType,
	IRun,
	IRunData,
	IVersionedNodeType,
	IWorkflowBase,
	IWorkflowExecuteAdditionalData,
	WorkflowExecuteMode,
} from 'n8n-workflow';
import {
	createRunExecutionData,
	jsonStringify,
	NodeConnectionTypes,
	UnexpectedError,
	Workflow,
} from 'n8n-workflow';

import { FalApi } from '../../credentials/FalApi.credentials';
import { HarnessCredentialsHelper, HarnessCredentialTypes } from './credentials';
import { initEngine } from './engine';
import type { TriggerItem } from './nodeTypes';
import {
	createTriggerNodeType,
	HarnessNodeTypes,
	latestVersion,
	TRIGGER_NODE_TYPE,
} from './nodeTypes';

export type { TriggerItem } from './nodeTypes';
export { initEngine } from './engine';

export const DEFAULT_NODE_TYPE_NAME = 'n8n-nodes-seedance.seedanceImageToVideo';
export const TRIGGER_NODE_NAME = 'Trigger';
export const WORKFLOW_ID = 'harness-workflow';
/** What n8n puts in `$execution.resumeUrl` before `/<executionId>?signature=<resumeToken>`. */
export const WEBHOOK_WAITING_BASE_URL = 'http://127.0.0.1:5678/webhook-waiting';
export const INSTANCE_BASE_URL = 'http://127.0.0.1:5678';

export interface RunOptions {
	/** The node under test, e.g. `new SeedanceImageToVideo()`. */
	nodeType: INodeType | IVersionedNodeType;
	/** Type name in the workflow; default `n8n-nodes-seedance.seedanceImageToVideo`. */
	nodeTypeName?: string;
	/** Default: the node type's `defaults.name`. */
	nodeName?: string;
	/** Default: the highest version the node type declares. */
	typeVersion?: number;
	parameters: INodeParameters;
	/** What the trigger emits; binaries are stored through the real BinaryDataService. */
	items: TriggerItem[];
	/** By credential type name, e.g. `{ falApi: { apiKey: 'test-key', apiHost: fake.url } }`. */
	credentials?: Record<string, ICredentialDataDecryptedObject>;
	/** Credential types besides FalApi. */
	extraCredentialTypes?: ICredentialType[];
	/** The node's Settings → On Error = "Continue" (`onError: 'continueRegularOutput'`). */
	continueOnFail?: boolean;
	/** Presses Stop after this many ms: the engine aborts `getExecutionCancelSignal()`. */
	cancelAfterMs?: number;
	/** Presses Stop when this settles (e.g. once fal received a submit): no timing guesswork. */
	cancelWhen?: Promise<unknown>;
	/** More node types by type name, for extra nodes a test wires in itself. */
	extraNodeTypes?: Record<string, INodeType | IVersionedNodeType>;
	/** `manual` (the Execute Workflow button, default) or e.g. `trigger`, `webhook`. */
	mode?: WorkflowExecuteMode;
	/** Default: a fresh numeric id per run. */
	executionId?: string;
	/** Default: a fixed token, so `$execution.resumeUrl` is predictable. */
	resumeToken?: string;
}

export interface RunResult {
	status: ExecutionStatus;
	/**
	 * The run's error (`resultData.error`): the node's error when it failed without Continue On Fail
	 * (a NodeApiError keeps message, description, httpCode…). After Stop, whatever the node threw
	 * on abort, if it threw; don't match its text (see README, "Quirks").
	 */
	error?: { message: string; description?: string; [key: string]: unknown };
	/** The node under test's output on its first output (`main[0]`) in its last run. */
	items: INodeExecutionData[];
	runData: IRunData;
	/** The engine's whole result, as n8n would save it (from the `workflowExecuteAfter` hook). */
	run: IRun;
	nodeName: string;
	executionId: string;
	/** Node names in the order the engine finished them. */
	nodeExecutionOrder: string[];
	/** `$execution.resumeUrl` as the node sees it. */
	resumeUrl: string;
	readBinary(item: INodeExecutionData, property?: string): Promise<Buffer>;
	/** Where the filesystem mode stored it, or undefined if it is held in memory (base64). */
	binaryFilePath(item: INodeExecutionData, property?: string): string | undefined;
	/** The full run serialised (what n8n would save), to assert a secret appears nowhere. */
	executionJson: string;
	waitTill?: Date;
}

const DEFAULT_RESUME_TOKEN = 'harness-resume-token';
const DEFAULT_BINARY_PROPERTY = 'data';

/**
 * The two-node workflow a run executes (harness trigger → node under test), as n8n-workflow's
 * `Workflow` and as the `IWorkflowBase` n8n would save; tests that replay n8n's own routes (a
 * waiting execution's resume) rebuild it with the same options.
 */
export function buildHarnessWorkflow(
	options: Pick<RunOptions, 'nodeType' | 'nodeTypeName' | 'nodeName' | 'typeVersion' | 'parameters' | 'items' | 'credentials' | 'continueOnFail' | 'extraNodeTypes'>,
): { workflow: Workflow; workflowData: IWorkflowBase; nodeUnderTest: INode } {
	const nodeTypeName = options.nodeTypeName ?? DEFAULT_NODE_TYPE_NAME;
	const nodeTypes = new HarnessNodeTypes({
		...options.extraNodeTypes,
		[TRIGGER_NODE_TYPE]: createTriggerNodeType(options.items),
		[nodeTypeName]: options.nodeType,
	});
	const typeVersion = options.typeVersion ?? latestVersion(options.nodeType);
	const nodeUnderTest = buildNodeUnderTest(
		options,
		nodeTypeName,
		typeVersion,
		nodeTypes.getByNameAndVersion(nodeTypeName, typeVersion),
	);
	const triggerNode: INode = {
		id: 'harness-trigger',
		name: TRIGGER_NODE_NAME,
		type: TRIGGER_NODE_TYPE,
		typeVersion: 1,
		position: [0, 0],
		parameters: {},
	};
	const nodes = [triggerNode, nodeUnderTest];
	const connections: IConnections = {
		[TRIGGER_NODE_NAME]: {
			main: [[{ node: nodeUnderTest.name, type: NodeConnectionTypes.Main, index: 0 }]],
		},
	};
	const settings = { executionOrder: 'v1' as const };
	const workflow = new Workflow({
		id: WORKFLOW_ID,
		name: 'Harness workflow',
		nodes,
		connections,
		nodeTypes,
		settings,
		active: false,
	});

	const workflowData: IWorkflowBase = {
		id: WORKFLOW_ID,
		name: 'Harness workflow',
		active: false,
		activeVersionId: null,
		isArchived: false,
		createdAt: new Date(),
		updatedAt: new Date(),
		nodes,
		connections,
		settings,
	};
	return { workflow, workflowData, nodeUnderTest };
}

let lastExecutionId = 0;

export async function runWorkflow(options: RunOptions): Promise<RunResult> {
	const { binaryDataService } = await initEngine();

	const mode = options.mode ?? 'manual';
	const executionId = options.executionId ?? String(++lastExecutionId);
	const resumeToken = options.resumeToken ?? DEFAULT_RESUME_TOKEN;

	const { workflow, workflowData, nodeUnderTest } = buildHarnessWorkflow(options);
	const triggerNode = workflow.getNode(TRIGGER_NODE_NAME) as INode;
	const hooks = new ExecutionLifecycleHooks(mode, executionId, workflowData);
	const nodeExecutionOrder: string[] = [];
	hooks.addHandler('nodeExecuteAfter', (nodeName) => {
		nodeExecutionOrder.push(nodeName);
	});
	// n8n saves an execution from this hook. On Stop it fires at once from the cancel handler with
	// status 'canceled', and is not fired again when the engine's promise settles (whose value then
	// says 'error' if the node threw the abort). So the first call is what the user sees.
	let savedRun: IRun | undefined;
	hooks.addHandler('workflowExecuteAfter', (fullRunData) => {
		savedRun ??= { ...fullRunData };
	});

	const credentialsHelper = new HarnessCredentialsHelper(
		new HarnessCredentialTypes([new FalApi(), ...(options.extraCredentialTypes ?? [])]),
		options.credentials ?? {},
	);
	const additionalData = buildAdditionalData({ credentialsHelper, hooks, executionId });

	const runExecutionData = createRunExecutionData({
		executionData: {
			nodeExecutionStack: [{ node: triggerNode, data: { main: [[{ json: {} }]] }, source: null }],
		},
		resumeToken,
	});

	const workflowExecute = new WorkflowExecute(additionalData, mode, runExecutionData);
	const execution = workflowExecute.processRunExecutionData(workflow);
	// The Stop button: n8n's ActiveExecutions.stopExecution() calls cancel() on this PCancelable.
	// WorkflowExecute's onCancel handler marks the run canceled and aborts its AbortController,
	// whose signal every execute context returns from getExecutionCancelSignal(). The promise
	// still settles (shouldReject = false) once the running node returns or throws.
	const cancelTimer =
		options.cancelAfterMs === undefined
			? undefined
			: setTimeout(() => execution.cancel(), options.cancelAfterMs);
	void options.cancelWhen?.then(() => execution.cancel());
	let returnedRun: IRun;
	try {
		returnedRun = await execution;
	} finally {
		clearTimeout(cancelTimer);
	}
	const run = savedRun ?? returnedRun;

	const runData = run.data.resultData.runData;
	const lastRun = runData[nodeUnderTest.name]?.at(-1);
	const binaryOf = (item: INodeExecutionData, property = DEFAULT_BINARY_PROPERTY) => {
		const binary = item.binary?.[property];
		if (!binary) {
			throw new UnexpectedError(`The item has no binary property "${property}"`);
		}
		return binary;
	};

	return {
		status: run.status,
		error: run.data.resultData.error as RunResult['error'],
		items: lastRun?.data?.main[0] ?? [],
		runData,
		run,
		nodeName: nodeUnderTest.name,
		executionId,
		nodeExecutionOrder,
		resumeUrl: `${WEBHOOK_WAITING_BASE_URL}/${executionId}?signature=${resumeToken}`,
		readBinary: async (item, property) => await binaryDataService.getAsBuffer(binaryOf(item, property)),
		binaryFilePath: (item, property) => {
			const { id } = binaryOf(item, property);
			return id ? binaryDataService.getPath(id) : undefined;
		},
		executionJson: jsonStringify(run, { replaceCircularRefs: true }),
		waitTill: run.waitTill ?? undefined,
	};
}

function buildNodeUnderTest(
	options: RunOptions,
	type: string,
	typeVersion: number,
	{ description }: INodeType,
): INode {
	const credentials: INodeCredentials = {};
	for (const credentialType of Object.keys(options.credentials ?? {})) {
		credentials[credentialType] = { id: `harness-${credentialType}`, name: `${credentialType} account` };
	}
	return {
		id: 'harness-node-under-test',
		name: options.nodeName ?? description.defaults.name ?? description.displayName,
		type,
		typeVersion,
		position: [200, 0],
		parameters: options.parameters,
		credentials,
		...(options.continueOnFail ? { onError: 'continueRegularOutput' as const } : {}),
	};
}

/**
 * What n8n's CLI builds in `WorkflowExecuteAdditionalData.getBase()` (packages/cli, not on npm),
 * reduced to what a single node run uses; sub-workflows and task runners are refused loudly.
 */
export function buildAdditionalData({
	credentialsHelper,
	hooks,
	executionId,
}: {
	credentialsHelper: HarnessCredentialsHelper;
	hooks: ExecutionLifecycleHooks;
	executionId: string;
}): IWorkflowExecuteAdditionalData {
	const notInHarness = (what: string) => async () => {
		throw new UnexpectedError(`${what} is not available in the test harness`);
	};
	return {
		credentialsHelper,
		hooks,
		executionId,
		workflowId: WORKFLOW_ID,
		executeWorkflow: notInHarness('Executing a sub-workflow'),
		startRunnerTask: notInHarness('The task runner'),
		getRunExecutionData: async () => undefined,
		getRuntimeCredential: async () => undefined,
		logAiEvent: () => {},
		currentNodeExecutionIndex: 0,
		variables: {},
		externalSecretsProxy: new ExternalSecretsProxy(),
		instanceBaseUrl: INSTANCE_BASE_URL,
		restApiUrl: `${INSTANCE_BASE_URL}/rest`,
		webhookBaseUrl: `${INSTANCE_BASE_URL}/webhook`,
		webhookWaitingBaseUrl: WEBHOOK_WAITING_BASE_URL,
		webhookTestBaseUrl: `${INSTANCE_BASE_URL}/webhook-test`,
		formBaseUrl: `${INSTANCE_BASE_URL}/form`,
		formWaitingBaseUrl: `${INSTANCE_BASE_URL}/form-waiting`,
		formTestBaseUrl: `${INSTANCE_BASE_URL}/form-test`,
		mcpBaseUrl: `${INSTANCE_BASE_URL}/mcp`,
		mcpTestBaseUrl: `${INSTANCE_BASE_URL}/mcp-test`,
	};
}
