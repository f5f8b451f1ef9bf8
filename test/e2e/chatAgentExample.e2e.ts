/**
 * The chat example (examples/chat-agent-makes-videos.json) in a real `n8n start`, as its user runs it:
 * the workflow is published and a message is POSTed to the Chat Trigger's public URL, as n8n's chat
 * page sends it. The AI Agent's OpenAI Chat Model runs on a fake OpenAI-compatible server
 * (test/fake-openai, which calls the tool the test names), its two Seedance tools on the fake fal;
 * the chat answer carries the video URL.
 */
import { publishExample } from './examples';
import type { FakeFal, FakeOpenAi } from './fakeServers';
import { N8nInstance, readExample } from './n8nInstance';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { startFakeFal } = require('../fake-fal');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { startFakeOpenAi, FINAL_PREFIX } = require('../fake-openai');

const FAL_KEY = 'chat-example-fal-key';
const OPENAI_KEY = 'sk-chat-example-fake';
const IMAGE_URL = 'https://images.example.com/fox.png';

describe('The chat example: an AI Agent with the Seedance tools, behind a published Chat Trigger (n8n start)', () => {
	const example = readExample('chat-agent-makes-videos.json');
	const chatWebhookId = String(example.nodes.find((node) => node.type === '@n8n/n8n-nodes-langchain.chatTrigger')?.webhookId);
	const openAiCredential = example.nodes.map((node) => (node.credentials as { openAiApi?: { id: string; name: string } } | undefined)?.openAiApi).find(Boolean);
	let fal: FakeFal;
	let openAi: FakeOpenAi;
	let n8n: N8nInstance;
	let baseUrl: string;

	beforeAll(async () => {
		fal = await startFakeFal({ apiKey: FAL_KEY, jobMs: 300, queueMs: 50 });
		openAi = await startFakeOpenAi({ apiKey: OPENAI_KEY });
		n8n = N8nInstance.create('chat-example');
		if (!openAiCredential) throw new Error('the chat example names no OpenAI credential');
		await n8n.importOtherCredentials([{ ...openAiCredential, type: 'openAiApi', data: { apiKey: OPENAI_KEY, url: openAi.url } }]);
		baseUrl = (await publishExample(n8n, example, { apiKey: FAL_KEY, apiHost: fal.url })).baseUrl;
	});

	afterAll(async () => {
		await n8n?.dispose();
		await openAi?.close();
		await fal?.close();
	});

	/** Sends one chat message to the public chat URL, as n8n's chat page does; resolves with the answer. */
	async function chat(chatInput: string, toolName: string, toolArguments: Record<string, unknown>): Promise<string> {
		openAi.reset();
		openAi.setScript({ toolName, toolArguments });
		const response = await fetch(`${baseUrl}/webhook/${chatWebhookId}/chat`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ action: 'sendMessage', sessionId: 'chat-example-session', chatInput }),
		});
		const text = await response.text();
		expect(response.status).toBe(200);
		return (JSON.parse(text) as { output: string }).output;
	}

	it('a scene described in the chat becomes one Seedance text-to-video job, and the answer gives its video URL', async () => {
		const submitsBefore = fal.requests('submit').length;
		const downloadsBefore = fal.requests('download').length;
		const answer = await chat('Make me a vertical video of a fox running through snow', 'Video_from_a_prompt', {
			prompt: 'A red fox runs through deep snow, low tracking shot, crunching footsteps',
			duration: '5',
			aspect_ratio: '9:16',
		});

		const [first] = openAi.chatRequests();
		expect(first.tools?.map((tool) => tool.function.name).sort()).toEqual(['Video_from_a_prompt', 'Video_from_an_image']);
		expect(JSON.stringify(first.messages)).toContain('Make me a vertical video of a fox running through snow');
		const submits = fal.requests('submit').slice(submitsBefore);
		expect(submits.map((submit) => submit.path)).toEqual(['/bytedance/seedance-2.5/text-to-video']);
		expect(submits[0].body).toMatchObject({ prompt: 'A red fox runs through deep snow, low tracking shot, crunching footsteps', duration: '5', aspect_ratio: '9:16' });
		expect(answer).toContain(FINAL_PREFIX);
		expect(answer).toMatch(new RegExp(`${fal.url}/files/[^"\\s]+\\.mp4`));
		expect(answer).toMatch(/estimatedCostUsd/);
		expect(fal.requests('download').length).toBe(downloadsBefore);
	});

	it('an image URL in the chat is animated by the image-to-video tool', async () => {
		const submitsBefore = fal.requests('submit').length;
		const answer = await chat(`Animate this: ${IMAGE_URL}`, 'Video_from_an_image', { prompt: 'The fox turns its head and blinks', image_url: IMAGE_URL, duration: '4' });

		const submits = fal.requests('submit').slice(submitsBefore);
		expect(submits.map((submit) => submit.path)).toEqual(['/bytedance/seedance-2.5/image-to-video']);
		expect(submits[0].body).toMatchObject({ image_url: IMAGE_URL, duration: '4' });
		expect(answer).toMatch(new RegExp(`${fal.url}/files/[^"\\s]+\\.mp4`));
	});
});
