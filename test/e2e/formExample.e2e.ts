/**
 * The form example (examples/form-upload-to-video.json) in a real `n8n start`, as a visitor uses it:
 * the workflow is published, a PNG and a prompt are POSTed as multipart to the form's production URL,
 * the Seedance node uploads the image to fal storage, animates it, and the form ending returns the MP4.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';

import { publishExample } from './examples';
import { N8nInstance, readExample } from './n8nInstance';
import type { RestClient } from './restClient';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { startFakeFal } = require('../fake-fal');

const API_KEY = 'form-e2e-key';
const SAMPLE_VIDEO = fs.readFileSync(path.join(__dirname, '..', 'fake-fal', 'fixtures', 'sample.mp4'));
const PROMPT = 'The camera slowly zooms in while leaves drift past';

/** A valid 8×8 RGB PNG (a colour gradient): signature, IHDR, IDAT, IEND. */
function tinyPng(): Buffer {
	const crcTable = Array.from({ length: 256 }, (_, n) => {
		let c = n;
		for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
		return c >>> 0;
	});
	const crc32 = (buffer: Buffer) => {
		let c = 0xffffffff;
		for (const byte of buffer) c = crcTable[(c ^ byte) & 0xff] ^ (c >>> 8);
		return (c ^ 0xffffffff) >>> 0;
	};
	const chunk = (type: string, data: Buffer) => {
		const length = Buffer.alloc(4);
		length.writeUInt32BE(data.length);
		const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
		const crc = Buffer.alloc(4);
		crc.writeUInt32BE(crc32(body));
		return Buffer.concat([length, body, crc]);
	};
	const size = 8;
	const header = Buffer.alloc(13);
	header.writeUInt32BE(size, 0);
	header.writeUInt32BE(size, 4);
	header.set([8, 2, 0, 0, 0], 8); // 8 bits, truecolour, deflate, no filter, no interlace
	const rows = Array.from({ length: size }, (_, y) =>
		Buffer.from([0, ...Array.from({ length: size }, (_, x) => [x * 32, y * 32, 128]).flat()]),
	);
	return Buffer.concat([
		Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
		chunk('IHDR', header),
		chunk('IDAT', zlib.deflateSync(Buffer.concat(rows))),
		chunk('IEND', Buffer.alloc(0)),
	]);
}

/** Polls a waiting form's status URL (as the form page does) until it is no longer running. */
async function pollStatus(statusUrl: string, timeoutMs = 30000): Promise<string> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const status = (await (await fetch(statusUrl)).text()).trim();
		// n8n 1.x answers "waiting" for a moment before "form-waiting"; the form page keeps polling through it too.
		if (!['new', 'running', 'waiting'].includes(status) || Date.now() > deadline) return status;
		await new Promise((resolve) => setTimeout(resolve, 200));
	}
}

/**
 * The files an n8n form ending page (respondWith returnBinary) hands the browser: its script holds
 * `const binaries = "<URI-encoded JSON>"`, [{ data: Buffer-as-JSON, fileName, type }] on 2.41, and
 * one such file as `const binary = "<URI-encoded JSON>"` on 1.x.
 */
function binariesOfEndingPage(html: string): Array<{ fileName: string; type: string; bytes: Buffer }> {
	const match = html.match(/const binaries = "([^"]*)"/) ?? html.match(/const binary = "([^"]*)"/);
	if (!match) throw new Error(`no binaries in the form ending page:\n${html.slice(0, 2000)}`);
	const parsed = JSON.parse(decodeURIComponent(match[1])) as FileOfPage | FileOfPage[];
	return (Array.isArray(parsed) ? parsed : [parsed]).map(({ data, fileName, type }) => ({ fileName, type, bytes: Buffer.from(data.data) }));
}

interface FileOfPage {
	data: { type: 'Buffer'; data: number[] };
	fileName: string;
	type: string;
}

describe('the form example in n8n start (upload an image, get the MP4)', () => {
	const workflow = readExample('form-upload-to-video.json');
	const formNode = workflow.nodes.find((node) => node.type === 'n8n-nodes-base.formTrigger')!;
	const png = tinyPng();
	let fake: Awaited<ReturnType<typeof startFakeFal>>;
	let n8n: N8nInstance;
	let rest: RestClient;
	let formUrl: string;

	beforeAll(async () => {
		fake = await startFakeFal({ apiKey: API_KEY, jobMs: 300, queueMs: 50 });
		n8n = N8nInstance.create('form');
		rest = await publishExample(n8n, workflow, { apiKey: API_KEY, apiHost: fake.url });
		formUrl = `${rest.baseUrl}/form/${formNode.webhookId as string}`;
	});

	afterAll(async () => {
		await n8n?.dispose();
		await fake?.close();
	});

	it('serves the form at its production URL once published', async () => {
		const response = await fetch(formUrl);
		expect(response.status).toBe(200);
		const html = await response.text();
		expect(html).toContain('Animate a picture');
		expect(html).toContain('field-0');
	});

	it('turns an uploaded PNG into the MP4: uploaded to fal storage, animated, handed back by the form ending', async () => {
		const form = new FormData();
		form.append('field-0', new Blob([new Uint8Array(png)], { type: 'image/png' }), 'picture.png');
		form.append('field-1', PROMPT);
		const response = await fetch(formUrl, { method: 'POST', body: form });
		expect(response.status).toBe(200);

		// What the form page's script does next. A form with an ending page answers with the waiting
		// form of this execution; the page polls its status until Seedance is done ("form-waiting").
		// (A GET of the waiting form itself while the execution runs gets no answer at all.)
		const { formWaitingUrl } = (await response.json()) as { formWaitingUrl: string };
		const waiting = new URL(formWaitingUrl);
		expect(waiting.pathname).toMatch(/^\/form-waiting\/\d+$/);
		const signature = `?signature=${waiting.searchParams.get('signature') ?? ''}`;
		const waitingUrl = `${rest.baseUrl}${waiting.pathname}`;
		expect(await pollStatus(`${waitingUrl}/n8n-execution-status${signature}`)).toBe('form-waiting');

		// The ending page carries the MP4 (the browser downloads it) …
		const ending = await fetch(`${waitingUrl}${signature}`);
		expect(ending.status).toBe(200);
		const [download] = binariesOfEndingPage(await ending.text());
		expect(download).toMatchObject({ fileName: 'animated.mp4', type: 'video/mp4' });
		expect(download.bytes.equals(SAMPLE_VIDEO)).toBe(true);
		// … and POSTs back, which finishes the execution.
		expect((await fetch(`${waitingUrl}${signature}`, { method: 'POST' })).status).toBe(200);

		const [execution] = await rest.waitForExecutions(workflow.id, 1);
		expect(execution).toMatchObject({ status: 'success', mode: 'webhook' });
		const runData = (await rest.executionData(execution.id)).resultData.runData;

		// The form gave the file as binary property "Image"; the node sent those bytes to fal storage …
		const [formItem] = runData['Upload form'][0].data!.main[0];
		expect(formItem.json).toMatchObject({ Prompt: PROMPT });
		expect(formItem.binary?.Image).toMatchObject({ mimeType: 'image/png', fileName: 'picture.png' });
		const uploads = [...fake.uploads.values()] as Array<{ fileUrl: string; contentType: string; bytes: Buffer }>;
		expect(uploads).toHaveLength(1);
		expect(uploads[0].contentType).toBe('image/png');
		expect(uploads[0].bytes.equals(png)).toBe(true);

		// … and submitted the job with the uploaded file's URL and the form's prompt.
		const jobs = [...fake.jobs.values()] as Array<{ input: { image_url: string; prompt: string }; status: string }>;
		expect(jobs).toHaveLength(1);
		expect(jobs[0].input).toMatchObject({ image_url: uploads[0].fileUrl, prompt: PROMPT });
		expect(jobs[0].status).toBe('COMPLETED');

		const [videoItem] = runData['Seedance Image-to-Video'][0].data!.main[0];
		expect(videoItem.json).toMatchObject({ status: 'COMPLETED' });
		expect(videoItem.binary?.data).toMatchObject({ mimeType: 'video/mp4', fileName: 'animated.mp4' });
		expect((await rest.binaryBytes(videoItem.binary!.data)).equals(SAMPLE_VIDEO)).toBe(true);
		expect(runData['Form ending: download the video'][0].executionStatus).toBe('success');
	});
});
