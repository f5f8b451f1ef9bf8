import { readStatusEvents, ServerSentEventParser } from '../../nodes/shared/transport/statusStream';

describe("reading fal's status stream", () => {
	test('each data event is returned once complete, whatever the chunking and line ends', () => {
		const parser = new ServerSentEventParser();
		expect(parser.feed('data: {"status":"IN_')).toEqual([]);
		expect(parser.feed('QUEUE"}\n')).toEqual([]);
		expect(parser.feed('\n')).toEqual(['{"status":"IN_QUEUE"}']);
		expect(parser.feed('data: a\r')).toEqual([]);
		expect(parser.feed('\ndata: b\r\n\r\n')).toEqual(['a\nb']);
		expect(parser.feed('data:c\r\rdata: d\n\n')).toEqual(['c', 'd']);
	});

	test("keep-alive comments and other fields are ignored; an empty event is not an event", () => {
		const parser = new ServerSentEventParser();
		expect(parser.feed(': keep-alive\n\nevent: status\nid: 3\nretry: 10\n\ndata: x\n\n')).toEqual(['x']);
	});

	test('updates arrive in order and the last one is the answer, as with fal-js', async () => {
		async function* body() {
			yield Buffer.from('data: {"status":"IN_QUEUE","queue_position":0}\n\n: ping\n\n');
			yield Buffer.from('data: {"status":"IN_PROGRESS"}\n\ndata: {"status":"COMP');
			yield Buffer.from('LETED","metrics":{"inference_time":1.5}}\n\n');
		}
		const seen: string[] = [];
		const last = await readStatusEvents<{ status: string }>(body(), (update) => seen.push(update.status));
		expect(seen).toEqual(['IN_QUEUE', 'IN_PROGRESS', 'COMPLETED']);
		expect(last).toEqual({ status: 'COMPLETED', metrics: { inference_time: 1.5 } });
	});

	test('a multi-byte character split between chunks is decoded whole', async () => {
		const bytes = Buffer.from('data: {"message":"café"}\n\n');
		const cut = bytes.indexOf(0xc3) + 1;
		async function* body() {
			yield bytes.subarray(0, cut);
			yield bytes.subarray(cut);
		}
		expect(await readStatusEvents(body(), () => undefined)).toEqual({ message: 'café' });
	});

	test('a connection that breaks mid-stream is an error; stopping it is not', async () => {
		async function* broken() {
			yield Buffer.from('data: {"status":"IN_PROGRESS"}\n\n');
			throw new Error('aborted');
		}
		await expect(readStatusEvents(broken(), () => undefined)).rejects.toThrow('aborted');

		const stop = new AbortController();
		let destroyed = false;
		const endless = {
			async *[Symbol.asyncIterator]() {
				yield Buffer.from('data: {"status":"IN_PROGRESS"}\n\n');
				stop.abort();
				if (destroyed) throw new Error('destroyed');
			},
			destroy: () => {
				destroyed = true;
			},
		};
		expect(await readStatusEvents(endless, () => undefined, stop.signal)).toEqual({ status: 'IN_PROGRESS' });
		expect(destroyed).toBe(true);
	});
});
