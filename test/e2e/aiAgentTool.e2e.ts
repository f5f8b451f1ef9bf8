/**
 * The Seedance nodes as tools of n8n's AI Agent, in a real n8n (`n8n execute`): Manual Trigger →
 * AI Agent (v3), whose chat model is n8n's "OpenAI Chat Model" on a fake OpenAI-compatible server
 * (test/fake-openai: it calls our tool with the test's arguments, then answers with the tool's
 * result) and whose tool is e.g. `n8n-nodes-seedance.seedanceImageToVideoTool`, the type n8n
 * generates for a `usableAsTool` node, its fields filled by `$fromAI()`. The tool's calls go to the
 * fake fal. SEEDANCE_E2E_VERBOSE=1 prints what the model was sent.
 */
import type { FakeFal, FakeOpenAi } from './fakeServers';
import { N8nInstance, type Execution, type WorkflowJson } from './n8nInstance';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { startFakeFal } = require('../fake-fal');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { startFakeOpenAi, FINAL_PREFIX } = require('../fake-openai');

const FAL_KEY = 'agent-e2e-fal-key';
const OPENAI_KEY = 'sk-agent-e2e-fake';
const FAL_CREDENTIAL = { id: 'agentE2eFal1', name: 'Fal (fake)' };
const OPENAI_CREDENTIAL = { id: 'agentE2eOpenAi1', name: 'OpenAI (fake)' };
const TOOL_NODE = 'Animate Image';
/** n8n names the tool after its node (nodeNameToToolName: spaces become underscores). */
const TOOL_NAME = 'Animate_Image';
const TOOL_DESCRIPTION = 'Animates an image (given by its URL) into a short MP4 video and returns the video URL';
const IMAGE_URL = 'https://images.example.com/cat.png';

/** Manual Trigger → AI Agent (OpenAI Chat Model on the fake; our tool with `toolParameters`). */
function agentWorkflow(id: string, toolParameters: Record<string, unknown>, toolSettings: Record<string, unknown> = {}): WorkflowJson {
	return {
		id,
		name: id,
		active: false,
		settings: { executionOrder: 'v1' },
		nodes: [
			{ id: 'a1', name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
			{
				id: 'a2',
				name: 'Agent',
				type: '@n8n/n8n-nodes-langchain.agent',
				typeVersion: 3,
				position: [200, 0],
				parameters: { promptType: 'define', text: 'Animate the cat picture I gave you into a 5 second video.', options: {} },
			},
			{
				id: 'a3',
				name: 'Chat Model',
				type: '@n8n/n8n-nodes-langchain.lmChatOpenAi',
				typeVersion: 1.2,
				position: [100, 200],
				parameters: { model: { __rl: true, mode: 'id', value: 'gpt-fake' }, options: {} },
				credentials: { openAiApi: OPENAI_CREDENTIAL },
			},
			{
				id: 'a4',
				name: TOOL_NODE,
				type: 'n8n-nodes-seedance.seedanceImageToVideoTool',
				typeVersion: 2,
				position: [300, 200],
				parameters: { descriptionType: 'manual', toolDescription: TOOL_DESCRIPTION, ...toolParameters },
				credentials: { falApi: FAL_CREDENTIAL },
				...toolSettings,
			},
		],
		connections: {
			Start: { main: [[{ node: 'Agent', type: 'main', index: 0 }]] },
			'Chat Model': { ai_languageModel: [[{ node: 'Agent', type: 'ai_languageModel', index: 0 }]] },
			[TOOL_NODE]: { ai_tool: [[{ node: 'Agent', type: 'ai_tool', index: 0 }]] },
		},
	};
}

const FROM_AI = {
	operation: 'generate',
	prompt: "={{ $fromAI('prompt', 'What should happen in the video', 'string') }}",
	imageSource: 'url',
	imageUrl: "={{ $fromAI('image_url', 'The public URL of the image to animate', 'string') }}",
	duration: "={{ $fromAI('duration', 'Length of the video in seconds, 4 to 15', 'string') }}",
};

type RunData = Record<string, Array<{ data?: Record<string, Array<Array<{ json: Record<string, unknown> }>>>; error?: { message: string } }>>;

function runDataOf(execution: Execution): RunData {
	return execution.data.resultData.runData as unknown as RunData;
}

/** The tool's result as the model got it: the content of the conversation's tool message. */
function toolMessageOf(chats: ReturnType<FakeOpenAi['chatRequests']>, execution: Execution): string {
	const tool = chats.flatMap((chat) => chat.messages).find((message) => message.role === 'tool');
	if (!tool) {
		const ran = Object.keys(execution.data.resultData.runData).join(', ');
		throw new Error(`the model never got a tool result (execution ${execution.status}; ran ${ran}); it got: ${JSON.stringify(chats.map((chat) => chat.messages)).slice(0, 2000)}`);
	}
	return typeof tool.content === 'string' ? tool.content : JSON.stringify(tool.content);
}

function agentAnswerOf(execution: Execution): string {
	const runs = runDataOf(execution).Agent;
	return String(runs?.[runs.length - 1]?.data?.main?.[0]?.[0]?.json.output ?? '');
}

describe('The Seedance nodes as tools of the AI Agent (n8n execute)', () => {
	let fal: FakeFal;
	let openAi: FakeOpenAi;
	let n8n: N8nInstance;
	const happy = agentWorkflow('agentToolHappy1', FROM_AI);
	const waitForWebhook = agentWorkflow('agentToolWaitHook1', { ...FROM_AI, mode: 'waitForWebhook' });
	const binarySource = agentWorkflow('agentToolBinary1', { ...FROM_AI, imageSource: 'binary' });
	const textTool = agentWorkflow(
		'agentToolText1',
		// Tool Description left on "Set Automatically": the model is offered the node's own description.
		{ operation: 'generate', prompt: FROM_AI.prompt, duration: FROM_AI.duration, descriptionType: 'auto' },
		{ type: 'n8n-nodes-seedance.seedanceTextToVideoTool' },
	);
	const referenceTool = agentWorkflow(
		'agentToolReference1',
		{
			operation: 'generate',
			prompt: FROM_AI.prompt,
			referenceImageSource: 'url',
			referenceImageUrls: "={{ $fromAI('image_urls', 'Public URLs of the reference images, comma-separated; the prompt names them @Image1, @Image2', 'string') }}",
		},
		{ type: 'n8n-nodes-seedance.seedanceReferenceToVideoTool' },
	);

	const submitOnlyTool = agentWorkflow('agentToolSubmit1', { ...FROM_AI, mode: 'submitOnly' });
	const getResultTool = agentWorkflow('agentToolResult1', {
		operation: 'getResult',
		requestId: "={{ $fromAI('request_id', 'The request ID the video was submitted under', 'string') }}",
	});
	const estimateTool = agentWorkflow('agentToolEstimate1', { ...FROM_AI, operation: 'estimateCost' });

	beforeAll(async () => {
		fal = await startFakeFal({ apiKey: FAL_KEY, jobMs: 300, queueMs: 50 });
		openAi = await startFakeOpenAi({ apiKey: OPENAI_KEY });
		n8n = N8nInstance.create('agent');
		await n8n.importCredentials([{ ...FAL_CREDENTIAL, apiKey: FAL_KEY, apiHost: fal.url }]);
		await n8n.importOtherCredentials([{ ...OPENAI_CREDENTIAL, type: 'openAiApi', data: { apiKey: OPENAI_KEY, url: openAi.url } }]);
		await n8n.importWorkflows([happy, waitForWebhook, binarySource, textTool, referenceTool, submitOnlyTool, getResultTool, estimateTool]);
	});

	afterAll(async () => {
		await n8n?.dispose();
		await openAi?.close();
		await fal?.close();
	});

	async function runAgent(workflowId: string, toolArguments: Record<string, unknown>): Promise<{ execution: Execution; toolMessage: string; chats: ReturnType<FakeOpenAi['chatRequests']> }> {
		openAi.reset(); // what the model was sent in this run only
		openAi.setScript({ toolName: TOOL_NAME, toolArguments });
		const { execution, output } = await n8n.execute(workflowId);
		expect(output).not.toContain(FAL_KEY);
		expect(output).not.toContain(OPENAI_KEY);
		const chats = openAi.chatRequests();
		if (process.env.SEEDANCE_E2E_VERBOSE) console.log(`[${workflowId}] ${execution.status}: ${JSON.stringify(chats)}`);
		const toolMessage = toolMessageOf(chats, execution);
		return { execution, toolMessage, chats };
	}

	it('the model is offered the tool with its description and the $fromAI fields as its JSON schema', async () => {
		const { chats } = await runAgent(happy.id, { prompt: 'The cat blinks slowly', image_url: IMAGE_URL, duration: '5' });

		expect(chats[0].tools).toEqual([
			{
				type: 'function',
				function: expect.objectContaining({
					name: TOOL_NAME,
					description: TOOL_DESCRIPTION,
					parameters: expect.objectContaining({
						type: 'object',
						properties: {
							prompt: { type: 'string', description: 'What should happen in the video' },
							image_url: { type: 'string', description: 'The public URL of the image to animate' },
							duration: { type: 'string', description: 'Length of the video in seconds, 4 to 15' },
						},
						required: expect.arrayContaining(['prompt', 'image_url', 'duration']),
					}),
				}),
			},
		]);
	});

	it("the tool call reaches fal with the agent's prompt, image URL and duration; the agent answers with the video URL", async () => {
		const submitsBefore = fal.requests('submit').length;
		const downloadsBefore = fal.requests('download').length;
		const { execution, toolMessage } = await runAgent(happy.id, { prompt: 'The cat blinks slowly', image_url: IMAGE_URL, duration: '6' });

		expect(execution.status).toBe('success');
		const submits = fal.requests('submit').slice(submitsBefore);
		expect(submits).toHaveLength(1);
		expect(submits[0].path).toBe('/bytedance/seedance-2.5/image-to-video');
		expect(submits[0].body).toMatchObject({ prompt: 'The cat blinks slowly', image_url: IMAGE_URL, duration: '6' });

		// What the model got: the generation's JSON (small), not the video.
		expect(toolMessage.length).toBeLessThan(4000);
		const [result] = JSON.parse(toolMessage) as Array<Record<string, any>>;
		expect(result).toMatchObject({
			requestId: expect.any(String),
			endpoint: 'bytedance/seedance-2.5/image-to-video',
			status: 'COMPLETED',
			video: { url: expect.stringMatching(new RegExp(`^${fal.url}/files/.+\\.mp4$`)), contentType: 'video/mp4' },
			parameters: expect.objectContaining({ duration: '6', image_url: IMAGE_URL }),
			estimatedCostUsd: expect.any(Number),
		});
		expect(agentAnswerOf(execution)).toContain(FINAL_PREFIX);
		expect(agentAnswerOf(execution)).toContain(result.video.url);
		// The agent gets no binary data from a tool, so the tool does not download the video.
		expect(fal.requests('download').length).toBe(downloadsBefore);
		const toolRuns = runDataOf(execution)[TOOL_NODE];
		expect(toolRuns.every((run) => (run.data?.ai_tool?.[0] ?? []).every((item) => !(item as { binary?: unknown }).binary))).toBe(true);
	});

	it('a fal rejection (422 content policy) reaches the agent as a readable tool error', async () => {
		const { execution, toolMessage } = await runAgent(happy.id, { prompt: 'Forbidden [content-policy] scene', image_url: IMAGE_URL, duration: '5' });

		expect(execution.status).toBe('success');
		const [answer] = JSON.parse(toolMessage) as Array<{ error: string; description?: string }>;
		expect(answer.error).toMatch(/^fal's content policy rejected Prompt/);
		expect(agentAnswerOf(execution)).toMatch(/content polic/i);
	});

	it('Submit and Wait for Webhook cannot wait inside a tool call: the agent is told so, naming the field', async () => {
		const submitsBefore = fal.requests('submit').length;
		const { execution, toolMessage } = await runAgent(waitForWebhook.id, { prompt: 'The cat blinks slowly', image_url: IMAGE_URL, duration: '5' });

		// Without the refusal, n8n 2.41.1 submitted the job and left the execution waiting, the agent unanswered.
		expect(execution.status).toBe('success');
		expect(toolMessage).toContain('Mode: \\"Submit and Wait for Webhook\\" cannot run as an AI Agent tool');
		expect(toolMessage).toContain('Set Mode to \\"Wait for Completion\\"');
		expect(agentAnswerOf(execution)).toContain('cannot run as an AI Agent tool');
		expect(fal.requests('submit').length).toBe(submitsBefore);
	});

	it('an image from a binary property cannot come from an agent: the agent is told so, naming the field', async () => {
		const submitsBefore = fal.requests('submit').length;
		const { execution, toolMessage } = await runAgent(binarySource.id, { prompt: 'The cat blinks slowly', image_url: IMAGE_URL, duration: '5' });

		expect(execution.status).toBe('success');
		expect(toolMessage).toContain('Start Image Source: an AI Agent passes a tool only text, never files');
		expect(toolMessage).toContain('Set the source to URL');
		expect(agentAnswerOf(execution)).toContain('Start Image Source');
		expect(fal.requests('submit').length).toBe(submitsBefore);
	});

	it('Submit Only answers the request ID at once; a Get Result tool then answers the video URL for it', async () => {
		const submitsBefore = fal.requests('submit').length;
		const submitted = await runAgent(submitOnlyTool.id, { prompt: 'The cat blinks slowly', image_url: IMAGE_URL, duration: '5' });

		expect(submitted.execution.status).toBe('success');
		expect(fal.requests('submit').length).toBe(submitsBefore + 1);
		const [receipt] = JSON.parse(submitted.toolMessage) as Array<Record<string, any>>;
		expect(receipt).toMatchObject({ requestId: expect.any(String), endpoint: 'bytedance/seedance-2.5/image-to-video' });
		expect(receipt.video).toBeUndefined();
		expect(agentAnswerOf(submitted.execution)).toContain(receipt.requestId);

		const downloadsBefore = fal.requests('download').length;
		const fetched = await runAgent(getResultTool.id, { request_id: receipt.requestId });
		expect(fetched.execution.status).toBe('success');
		const [result] = JSON.parse(fetched.toolMessage) as Array<Record<string, any>>;
		expect(result).toMatchObject({ requestId: receipt.requestId, status: 'COMPLETED' });
		expect(result.video.url).toMatch(new RegExp(`^${fal.url}/files/.+\\.mp4$`));
		expect(agentAnswerOf(fetched.execution)).toContain(result.video.url);
		expect(fal.requests('download').length).toBe(downloadsBefore);
		expect(fal.requests('submit').length).toBe(submitsBefore + 1);
	});

	it('Estimate Cost answers the price without submitting anything', async () => {
		const submitsBefore = fal.requests('submit').length;
		const { execution, toolMessage } = await runAgent(estimateTool.id, { prompt: 'The cat blinks slowly', image_url: IMAGE_URL, duration: '10' });

		expect(execution.status).toBe('success');
		const [estimate] = JSON.parse(toolMessage) as Array<Record<string, any>>;
		expect(estimate.estimatedCostUsd).toBeGreaterThan(0);
		expect(agentAnswerOf(execution)).toContain(String(estimate.estimatedCostUsd));
		expect(fal.requests('submit').length).toBe(submitsBefore);
	});

	it.each([
		['Text-to-Video', () => textTool, { prompt: 'A lighthouse at dusk', duration: '4' }, '/bytedance/seedance-2.5/text-to-video', "Turn a prompt into an MP4 with ByteDance's Seedance 2.5 or 2.0 on fal.ai"],
		['Reference-to-Video', () => referenceTool, { prompt: 'The bottle from @Image1 on a beach', image_urls: IMAGE_URL }, '/bytedance/seedance-2.5/reference-to-video', TOOL_DESCRIPTION],
	])('Seedance %s works as a tool the same way: one submit, the video URL in the answer', async (_name, workflow, toolArguments, endpointPath, description) => {
		const submitsBefore = fal.requests('submit').length;
		const downloadsBefore = fal.requests('download').length;
		const { execution, toolMessage, chats } = await runAgent(workflow().id, toolArguments);

		expect(execution.status).toBe('success');
		expect(chats[0].tools?.[0].function.description).toBe(description);
		expect(Object.keys((chats[0].tools?.[0].function.parameters.properties as object) ?? {}).sort()).toEqual(Object.keys(toolArguments).sort());
		const submits = fal.requests('submit').slice(submitsBefore);
		expect(submits.map((submit) => submit.path)).toEqual([endpointPath]);
		expect(submits[0].body).toMatchObject({ prompt: toolArguments.prompt });
		const [result] = JSON.parse(toolMessage) as Array<Record<string, any>>;
		expect(result.video.url).toMatch(new RegExp(`^${fal.url}/files/.+\\.mp4$`));
		expect(agentAnswerOf(execution)).toContain(result.video.url);
		expect(fal.requests('download').length).toBe(downloadsBefore);
	});
});
