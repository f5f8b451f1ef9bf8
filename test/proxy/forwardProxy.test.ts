/** The test forward proxy (used by the real-n8n proxy test): it forwards, tunnels and logs faithfully. */
import * as http from 'node:http';
import * as net from 'node:net';
import type { AddressInfo } from 'node:net';

import { startForwardProxy, VIA, type ForwardProxy } from './forwardProxy';

interface Seen {
	method?: string;
	url?: string;
	headers: http.IncomingHttpHeaders;
	body: string;
}

let upstream: http.Server;
let upstreamHost: string;
let seen: Seen[];
let proxy: ForwardProxy;
const proxyPort = () => Number(new URL(proxy.url).port);

beforeEach(async () => {
	seen = [];
	upstream = http.createServer((req, res) => {
		let body = '';
		req.on('data', (chunk) => (body += chunk));
		req.on('end', () => {
			seen.push({ method: req.method, url: req.url, headers: req.headers, body });
			res.writeHead(201, { 'content-type': 'text/plain', 'x-upstream': 'yes' });
			// Two writes: the proxy must stream, not wait for a length.
			res.write('hello ');
			res.end(`${req.method} ${req.url}`);
		});
	});
	await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
	upstreamHost = `127.0.0.1:${(upstream.address() as AddressInfo).port}`;
	proxy = await startForwardProxy({ watchSecrets: ['s3cret-key'] });
});

afterEach(async () => {
	await proxy.close();
	upstream.closeAllConnections();
	await new Promise((resolve) => upstream.close(resolve));
});

function viaProxy(method: string, url: string, headers: http.OutgoingHttpHeaders = {}, bodyChunks: string[] = []): Promise<{ status?: number; headers: http.IncomingHttpHeaders; body: string }> {
	return new Promise((resolve, reject) => {
		const req = http.request({ host: '127.0.0.1', port: proxyPort(), method, path: url, headers: { host: new URL(url).host, ...headers } }, (res) => {
			let body = '';
			res.on('data', (chunk) => (body += chunk));
			res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body }));
		});
		req.on('error', reject);
		for (const chunk of bodyChunks) req.write(chunk);
		req.end();
	});
}

describe('the test forward proxy', () => {
	it('forwards an absolute-URI request with its query, headers and body, adds Via, and logs it', async () => {
		const answer = await viaProxy('PUT', `http://${upstreamHost}/upload/abc?signature=xyz`, { 'content-type': 'image/png', 'proxy-connection': 'keep-alive' }, ['bytes']);

		expect(answer).toMatchObject({ status: 201, body: 'hello PUT /upload/abc?signature=xyz' });
		expect(answer.headers['x-upstream']).toBe('yes');
		expect(seen).toHaveLength(1);
		expect(seen[0]).toMatchObject({ method: 'PUT', url: '/upload/abc?signature=xyz', body: 'bytes' });
		expect(seen[0].headers.via).toBe(VIA);
		expect(seen[0].headers['content-type']).toBe('image/png');
		expect(seen[0].headers['proxy-connection']).toBeUndefined();
		expect(proxy.log).toEqual([
			expect.objectContaining({ kind: 'forward', method: 'PUT', url: `http://${upstreamHost}/upload/abc?signature=xyz`, target: upstreamHost, status: 201, carriedSecret: false }),
		]);
	});

	it('tunnels CONNECT to the target and logs the tunnel', async () => {
		const socket = net.connect(proxyPort(), '127.0.0.1');
		socket.write(`CONNECT ${upstreamHost} HTTP/1.1\r\nHost: ${upstreamHost}\r\n\r\n`);
		let received = '';
		let sent = false;
		socket.on('data', (chunk) => {
			received += chunk;
			if (!sent && received.endsWith('\r\n\r\n')) {
				sent = true;
				socket.write(`GET /through-tunnel HTTP/1.1\r\nHost: ${upstreamHost}\r\nConnection: close\r\n\r\n`);
			}
		});
		await new Promise((resolve) => socket.on('end', resolve));

		expect(received).toMatch(/^HTTP\/1\.1 200 Connection Established\r\n\r\nHTTP\/1\.1 201/);
		expect(received).toContain('hello');
		expect(received).toContain('GET /through-tunnel');
		expect(seen.map((request) => request.url)).toEqual(['/through-tunnel']);
		// Inside a tunnel the proxy sees nothing, so it adds nothing.
		expect(seen[0].headers.via).toBeUndefined();
		expect(proxy.log).toEqual([expect.objectContaining({ kind: 'connect', method: 'CONNECT', url: upstreamHost, target: upstreamHost, status: 200 })]);
	});

	it('notes a watched secret in a header, the URL, or a body split across chunks, and only there', async () => {
		await viaProxy('GET', `http://${upstreamHost}/a`, { authorization: 'Key s3cret-key' });
		await viaProxy('GET', `http://${upstreamHost}/b?token=s3cret-key`);
		await viaProxy('POST', `http://${upstreamHost}/c`, { 'content-type': 'text/plain' }, ['{"key":"s3cr', 'et-key"}']);
		await viaProxy('POST', `http://${upstreamHost}/d`, { 'content-type': 'text/plain' }, ['s3cr', 'nothing-key']);

		expect(proxy.log.map((entry) => [new URL(entry.url).pathname, entry.carriedSecret])).toEqual([
			['/a', true],
			['/b', true],
			['/c', true],
			['/d', false],
		]);
	});

	it('answers 502 and logs an error when the target cannot be reached', async () => {
		const closed = net.createServer();
		await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
		const deadPort = (closed.address() as AddressInfo).port;
		await new Promise((resolve) => closed.close(resolve));

		const answer = await viaProxy('GET', `http://127.0.0.1:${deadPort}/x`);

		expect(answer.status).toBe(502);
		expect(answer.body).toContain(`Proxy could not reach 127.0.0.1:${deadPort}`);
		expect(proxy.log).toEqual([expect.objectContaining({ target: `127.0.0.1:${deadPort}`, status: 'error' })]);
	});
});
