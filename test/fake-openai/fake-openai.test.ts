/**
 * The fake OpenAI-compatible chat model (test/fake-openai) the AI Agent e2e tests talk to: a tool
 * call first, then an answer quoting the tool's result, as JSON or (when asked) as OpenAI's SSE
 * stream. n8n 2.41.1 and 1.123.81 sent `stream: false`; the stream is for an n8n that asks for it.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { startFakeOpenAi, FINAL_PREFIX } = require('.');

const TOOLS = [{ type: 'function', function: { name: 'Animate_Image', description: 'Animates', parameters: { type: 'object', properties: {} } } }];

describe('fake OpenAI chat model', () => {
	let fake: { url: string; chatRequests(): unknown[]; setScript(script: object): void; close(): Promise<void> };
	beforeAll(async () => (fake = await startFakeOpenAi({ apiKey: 'sk-unit' })));
	afterAll(async () => await fake.close());

	const chat = async (body: object, key = 'sk-unit') =>
		await fetch(`${fake.url}/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });

	it('calls the scripted tool with the scripted arguments, then quotes the tool result, and records both requests', async () => {
		fake.setScript({ toolName: 'Animate_Image', toolArguments: { prompt: 'A cat' } });
		const first = await (await chat({ model: 'm', tools: TOOLS, messages: [{ role: 'user', content: 'go' }] })).json();
		const call = first.choices[0].message.tool_calls[0];
		expect(first.choices[0].finish_reason).toBe('tool_calls');
		expect(call.function).toEqual({ name: 'Animate_Image', arguments: '{"prompt":"A cat"}' });

		const second = await (
			await chat({ model: 'm', tools: TOOLS, messages: [{ role: 'user', content: 'go' }, { role: 'assistant', tool_calls: [call] }, { role: 'tool', tool_call_id: call.id, content: '{"url":"v.mp4"}' }] })
		).json();
		expect(second.choices[0].message.content).toBe(`${FINAL_PREFIX}{"url":"v.mp4"}`);
		expect(fake.chatRequests()).toHaveLength(2);
	});

	it('streams the same answer as server-sent events when asked to', async () => {
		fake.setScript({ toolName: 'Animate_Image', toolArguments: { prompt: 'A cat' } });
		const response = await chat({ model: 'm', stream: true, tools: TOOLS, messages: [{ role: 'user', content: 'go' }] });
		expect(response.headers.get('content-type')).toBe('text/event-stream');
		const events = (await response.text()).split('\n\n').filter(Boolean);
		expect(events.at(-1)).toBe('data: [DONE]');
		const chunks = events.slice(0, -1).map((event) => JSON.parse(event.replace(/^data: /, '')));
		expect(chunks.flatMap((chunk) => chunk.choices.map((choice: { delta: { tool_calls?: Array<{ function: { name: string } }> } }) => choice.delta.tool_calls?.[0].function.name)).filter(Boolean)).toEqual(['Animate_Image']);
		expect(chunks.some((chunk) => chunk.choices[0]?.finish_reason === 'tool_calls')).toBe(true);
	});

	it('refuses a wrong API key with 401', async () => {
		expect((await chat({ messages: [] }, 'sk-wrong')).status).toBe(401);
	});
});
