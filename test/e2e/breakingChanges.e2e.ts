/**
 * n8n 2.41's report of what breaks in n8n 3.0 (its v3 rules, dist/modules/breaking-changes/rules/v3/,
 * the report the editor's Settings show: POST /rest/breaking-changes/report/refresh?version=v3), run
 * on the examples and on a workflow with every node of this package and every operation and mode.
 * Nothing it reports comes from this package: no workflow issue names one of its nodes, and of the
 * instance-wide findings only "unverified packages" can concern it (README, "n8n 3.0").
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import { N8nInstance, login, n8nMajor, readExample, type WorkflowJson } from './n8nInstance';
import { RestClient } from './restClient';

const PACKAGE = 'n8n-nodes-seedance';
const CREDENTIAL = { id: 'falBreakingChanges', name: 'Fal (fake)' };
const NODES = ['seedanceTextToVideo', 'seedanceImageToVideo', 'seedanceReferenceToVideo'];
const EXAMPLES = fs.readdirSync(path.join(__dirname, '..', '..', 'examples')).filter((file) => file.endsWith('.json'));

interface RuleResult {
	ruleId: string;
	ruleTitle?: string;
	nbAffectedWorkflows: number;
}
interface InstanceResult {
	ruleId: string;
	instanceIssues: Array<{ title: string; description: string }>;
}
interface Report {
	report: { workflowResults: RuleResult[]; instanceResults: InstanceResult[] };
}
interface RuleDetail {
	affectedWorkflows: Array<{ id: string; name: string; issues: Array<{ title: string; nodeName?: string; nodeId?: string }> }>;
}

/** One node per operation (and per mode of Generate Video) of each Seedance node, and the trigger. */
function everyNodeAndOperation(): WorkflowJson {
	const operations = [
		{ operation: 'generate', mode: 'waitForCompletion' },
		{ operation: 'generate', mode: 'waitForWebhook' },
		{ operation: 'generate', mode: 'submitOnly' },
		{ operation: 'estimateCost' },
		{ operation: 'getStatus' },
		{ operation: 'getResult' },
		{ operation: 'cancel' },
		{ operation: 'completeDraft' },
	];
	const nodes: WorkflowJson['nodes'] = NODES.flatMap((type, row) =>
		operations.map((parameters, column) => ({
			id: `${type}-${column}`,
			name: `${type} ${parameters.operation} ${parameters.mode ?? ''}`.trim(),
			type: `${PACKAGE}.${type}`,
			typeVersion: 1,
			position: [column * 220, row * 200],
			credentials: { falApi: CREDENTIAL },
			parameters: { ...parameters, prompt: 'A cat blinks', requestId: '00000000-0000-0000-0000-000000000000' },
		})),
	);
	nodes.push({
		id: 'trigger',
		name: 'Seedance Trigger',
		type: `${PACKAGE}.seedanceTrigger`,
		typeVersion: 1,
		position: [0, 800],
		webhookId: 'breaking-changes-trigger',
		credentials: { falApi: CREDENTIAL },
		parameters: {},
	});
	return { id: 'e2eEveryNodeAndOperation', name: 'Every Seedance node and operation', active: false, settings: { executionOrder: 'v1' }, nodes, connections: {} };
}

const describeOn2x = n8nMajor() >= 2 ? describe : describe.skip;

describeOn2x("n8n 2.41's n8n 3.0 breaking-change report", () => {
	let n8n: N8nInstance;
	let rest: RestClient;
	const workflows = [everyNodeAndOperation(), ...EXAMPLES.map((file) => readExample(file))];

	beforeAll(async () => {
		n8n = N8nInstance.create('breaking-changes');
		const credentialIds = new Map<string, string>([[CREDENTIAL.id, CREDENTIAL.name]]);
		for (const workflow of workflows) {
			for (const node of workflow.nodes) {
				const falApi = (node.credentials as { falApi?: { id: string; name: string } } | undefined)?.falApi;
				if (falApi) credentialIds.set(falApi.id, falApi.name);
			}
		}
		await n8n.importCredentials([...credentialIds].map(([id, name]) => ({ id, name, apiKey: 'unused', apiHost: 'http://127.0.0.1:9' })));
		await n8n.importWorkflows(workflows);
		const baseUrl = await n8n.start();
		rest = new RestClient(baseUrl, await login(baseUrl));
	});

	afterAll(async () => {
		await n8n?.dispose();
	});

	it('names no node of this package in any workflow, and concerns it instance-wide only as an unverified package', async () => {
		const { report } = await rest.request<Report>('POST', '/rest/breaking-changes/report/refresh?version=v3');
		expect(report.workflowResults.length + report.instanceResults.length).toBeGreaterThan(0);

		const ourNodeNames = new Set(workflows.flatMap((workflow) => workflow.nodes.filter((node) => node.type.startsWith(`${PACKAGE}.`)).map((node) => node.name)));
		const ourNodeIds = new Set(workflows.flatMap((workflow) => workflow.nodes.filter((node) => node.type.startsWith(`${PACKAGE}.`)).map((node) => String(node.id))));
		const findings: string[] = [];
		for (const rule of report.workflowResults.filter((result) => result.nbAffectedWorkflows > 0)) {
			const detail = await rest.get<RuleDetail>(`/rest/breaking-changes/report/${rule.ruleId}`);
			for (const workflow of detail.affectedWorkflows) {
				for (const issue of workflow.issues) {
					findings.push(`${rule.ruleId}: ${workflow.name}: ${issue.nodeName ?? '(workflow)'}: ${issue.title}`);
					expect({ rule: rule.ruleId, node: issue.nodeName, ours: ourNodeNames.has(issue.nodeName ?? '') || ourNodeIds.has(issue.nodeId ?? '') }).toMatchObject({ ours: false });
				}
			}
		}
		for (const result of report.instanceResults) {
			for (const issue of result.instanceIssues) {
				findings.push(`${result.ruleId} (instance): ${issue.title}`);
				if (`${issue.title} ${issue.description}`.toLowerCase().includes('seedance')) expect(result.ruleId).toMatch(/^unverified-packages/);
			}
		}
		process.stderr.write(`[e2e] n8n 3.0 breaking-change report (v3 rules), ${findings.length} findings:\n${findings.map((line) => `  ${line}`).join('\n')}\n`);
	});
});
