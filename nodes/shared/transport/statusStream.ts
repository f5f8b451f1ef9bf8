/**
 * fal's status stream: `GET …/requests/{id}/status/stream` answers server-sent events, one
 * `data: <status JSON>` per change, comments as keep-alives, and closes after COMPLETED
 * (fal-protocol.md §1). Read from n8n's streamed response, parsed here without a library.
 */
import type { StreamBody } from './request';

/**
 * Splits an event stream into the `data` of each event (WHATWG "server-sent events" parsing:
 * CR, LF or CRLF line ends, `data:` lines joined by "\n", comments and other fields ignored).
 * Feed it text as it arrives; it returns the events completed by that text.
 */
export class ServerSentEventParser {
	private pending = '';
	private data: string[] = [];
	private sawData = false;

	feed(text: string): string[] {
		this.pending += text;
		const events: string[] = [];
		for (;;) {
			const match = /\r\n|\r|\n/.exec(this.pending);
			// A lone CR at the end may be the first half of CRLF: wait for more text.
			if (!match || (match[0] === '\r' && match.index === this.pending.length - 1)) break;
			const line = this.pending.slice(0, match.index);
			this.pending = this.pending.slice(match.index + match[0].length);
			const event = this.line(line);
			if (event !== undefined) events.push(event);
		}
		return events;
	}

	private line(line: string): string | undefined {
		if (line === '') {
			if (!this.sawData) return undefined;
			const event = this.data.join('\n');
			this.data = [];
			this.sawData = false;
			return event;
		}
		if (line.startsWith(':')) return undefined;
		const colon = line.indexOf(':');
		const field = colon === -1 ? line : line.slice(0, colon);
		if (field !== 'data') return undefined;
		const value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '');
		this.data.push(value);
		this.sawData = true;
		return undefined;
	}
}

/**
 * Reads status updates from the stream until fal closes it or `signal` aborts (the stream is then
 * destroyed), calling `onUpdate` for each; resolves with the last update, as fal-js's `done()` does.
 * Rejects when the connection breaks before fal closed the stream.
 */
export async function readStatusEvents<T>(body: StreamBody, onUpdate: (update: T) => void, signal?: AbortSignal): Promise<T | undefined> {
	const parser = new ServerSentEventParser();
	const decoder = new TextDecoder('utf-8');
	let last: T | undefined;
	const stop = () => body.destroy?.();
	if (signal?.aborted) {
		stop();
		return last;
	}
	signal?.addEventListener('abort', stop, { once: true });
	const read = async () => {
		for await (const chunk of body) {
			const text = typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
			for (const data of parser.feed(text)) {
				last = JSON.parse(data) as T;
				onUpdate(last);
			}
		}
	};
	const failure = await read().then(
		() => undefined,
		(error: unknown) => error ?? new Error('the status stream failed'),
	);
	signal?.removeEventListener('abort', stop);
	// Destroying the stream on abort breaks the read: that is the expected way out, not a failure.
	if (failure !== undefined && !signal?.aborted) throw failure;
	return last;
}
