'use strict';
/**
 * A fake OpenAI-compatible chat model on 127.0.0.1 for n8n's "OpenAI Chat Model" node (its
 * credential's Base URL points here), so an AI Agent runs offline with a script the test chooses:
 * while the conversation has no tool result, it calls the first offered tool (or `toolName`) with
 * the test's arguments; once a tool result is in the messages, it answers with a text that quotes
 * that result. Every request is recorded, so a test sees what the model was offered and told.
 * Answers `POST …/chat/completions` (JSON, or SSE when the request has `stream: true`) and
 * `GET …/models`. Test-only; Node built-ins.
 */
const http = require('node:http');

/** The final answer quotes the tool's result after this prefix (the test finds it in the agent output). */
const FINAL_PREFIX = 'The tool answered: ';

function completion(model, message, finishReason) {
	return {
		id: `chatcmpl-fake-${Date.now()}`,
		object: 'chat.completion',
		created: Math.floor(Date.now() / 1000),
		model,
		choices: [{ index: 0, message, logprobs: null, finish_reason: finishReason }],
		usage: { prompt_tokens: 10, completion_tokens: 10, total_tokens: 20 },
	};
}

/** The same answer as OpenAI streams it: a role chunk, the content or tool call, the finish. */
function streamChunks(body) {
	const { id, created, model, choices } = body;
	const { message, finish_reason } = choices[0];
	const chunk = (delta, finish = null) => ({ id, object: 'chat.completion.chunk', created, model, choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }] });
	const deltas = [{ role: 'assistant', content: message.content ?? '' }];
	if (message.tool_calls) deltas.push({ tool_calls: message.tool_calls.map((call, index) => ({ index, ...call })) });
	return [...deltas.map((delta) => chunk(delta)), chunk({}, finish_reason), { ...chunk({}), choices: [], usage: body.usage }];
}

function lastToolResult(messages) {
	const results = (messages ?? []).filter((message) => message.role === 'tool');
	if (results.length === 0) return undefined;
	const { content } = results[results.length - 1];
	return typeof content === 'string' ? content : JSON.stringify(content);
}

function answer(body, script) {
	const toolResult = lastToolResult(body.messages);
	const model = body.model ?? 'gpt-fake';
	if (toolResult !== undefined) return completion(model, { role: 'assistant', content: `${FINAL_PREFIX}${toolResult}`, refusal: null }, 'stop');
	const tools = body.tools ?? [];
	const tool = script.toolName ? tools.find((entry) => entry.function?.name === script.toolName) : tools[0];
	if (!tool) return completion(model, { role: 'assistant', content: 'No tool was offered.', refusal: null }, 'stop');
	const call = { id: `call_fake_${Date.now()}`, type: 'function', function: { name: tool.function.name, arguments: JSON.stringify(script.toolArguments ?? {}) } };
	return completion(model, { role: 'assistant', content: null, tool_calls: [call], refusal: null }, 'tool_calls');
}

/**
 * @param {{ apiKey?: string }} [options] `apiKey`: the Bearer token required (default 'sk-fake').
 * @returns {Promise<{ url: string, requests: Array<{ method: string, path: string, body: any }>,
 *   chatRequests(): any[], setScript(script: { toolName?: string, toolArguments?: object }): void,
 *   reset(): void, close(): Promise<void> }>}
 */
async function startFakeOpenAi({ apiKey = 'sk-fake' } = {}) {
	const requests = [];
	let script = {};
	const server = http.createServer((req, res) => {
		let raw = '';
		req.on('data', (chunk) => (raw += chunk));
		req.on('end', () => {
			let body;
			try {
				body = raw ? JSON.parse(raw) : undefined;
			} catch {
				body = raw;
			}
			const path = (req.url ?? '').split('?')[0];
			requests.push({ method: req.method, path, body });
			const json = (status, value) => {
				res.writeHead(status, { 'content-type': 'application/json' });
				res.end(JSON.stringify(value));
			};
			if (req.headers.authorization !== `Bearer ${apiKey}`) return json(401, { error: { message: 'Incorrect API key provided', type: 'invalid_request_error' } });
			if (req.method === 'GET' && path.endsWith('/models')) {
				return json(200, { object: 'list', data: [{ id: 'gpt-fake', object: 'model', created: 0, owned_by: 'fake' }] });
			}
			if (req.method === 'POST' && path.endsWith('/chat/completions')) {
				const reply = answer(body, script);
				if (!body?.stream) return json(200, reply);
				res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
				for (const chunk of streamChunks(reply)) res.write(`data: ${JSON.stringify(chunk)}\n\n`);
				return res.end('data: [DONE]\n\n');
			}
			return json(404, { error: { message: `Unknown route ${req.method} ${path}`, type: 'invalid_request_error' } });
		});
	});
	await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address();
	return {
		url: `http://127.0.0.1:${port}/v1`,
		requests,
		chatRequests: () => requests.filter((request) => request.path.endsWith('/chat/completions')).map((request) => request.body),
		setScript(next) {
			script = next;
		},
		reset() {
			requests.length = 0;
		},
		close: () =>
			new Promise((resolve) => {
				server.closeAllConnections?.();
				server.close(() => resolve());
			}),
	};
}

module.exports = { startFakeOpenAi, FINAL_PREFIX };
