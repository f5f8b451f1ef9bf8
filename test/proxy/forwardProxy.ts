/**
 * A small HTTP forward proxy for tests, on 127.0.0.1 with a port from the OS: plain absolute-URI
 * forwarding (`GET http://host/path`, what a client sends for an http:// target) and CONNECT tunnels
 * (for https:// targets). Every request it forwards is logged, with the headers it saw and whether it
 * carried one of the watched secrets (in the URL, a header or the body), so a test can prove which
 * requests went through a configured proxy and where a key was sent. Forwarded requests get a `Via`
 * header, so the upstream server can tell proxied requests from direct ones.
 */
import * as http from 'node:http';
import * as net from 'node:net';
import type { AddressInfo } from 'node:net';

export const VIA = '1.1 seedance-test-proxy';

export interface ProxiedRequest {
	kind: 'forward' | 'connect';
	method: string;
	/** The absolute URL (forward) or `host:port` (CONNECT) the client asked for. */
	url: string;
	/** `host:port` the proxy connected to. */
	target: string;
	headers: http.IncomingHttpHeaders;
	/** Upstream status (forward), 200 for an opened tunnel, or 'error' when the target could not be reached. */
	status?: number | 'error';
	/** A watched secret appeared in the URL, a header or the request body (tunnels: only the CONNECT line). */
	carriedSecret: boolean;
}

export interface ForwardProxy {
	url: string;
	log: ProxiedRequest[];
	close(): Promise<void>;
}

// Hop-by-hop headers (RFC 9110 §7.6.1) are for this hop only.
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'proxy-authorization', 'proxy-authenticate', 'te', 'trailer', 'transfer-encoding', 'upgrade']);

function portOf(url: URL): number {
	return Number(url.port || (url.protocol === 'https:' ? 443 : 80));
}

/** Finds the secrets in a stream of chunks, including one split across two chunks. */
function secretScanner(secrets: string[]): { push(chunk: Buffer | string): void; found(): boolean } {
	const keep = Math.max(0, ...secrets.map((secret) => secret.length - 1));
	let tail = '';
	let found = false;
	return {
		push(chunk) {
			if (found || secrets.length === 0) return;
			const text = tail + (typeof chunk === 'string' ? chunk : chunk.toString('latin1'));
			found = secrets.some((secret) => text.includes(secret));
			tail = text.slice(text.length - keep);
		},
		found: () => found,
	};
}

/**
 * `hosts`: names the proxy resolves itself, without DNS (`{ 'v3b.fal.media': '127.0.0.1:9710' }`), so a
 * test can download from fal's real host names; the request keeps its Host header.
 */
export async function startForwardProxy(options: { watchSecrets?: string[]; hosts?: Record<string, string> } = {}): Promise<ForwardProxy> {
	const hosts = options.hosts ?? {};
	const routeOf = (hostname: string, port: number): { host: string; port: number } => {
		const mapped = hosts[hostname.toLowerCase()];
		if (!mapped) return { host: hostname.replace(/^\[|\]$/g, ''), port };
		const [host, mappedPort] = mapped.split(/:(?=\d+$)/);
		return { host, port: Number(mappedPort) };
	};
	const secrets = (options.watchSecrets ?? []).filter((secret) => secret.length > 0);
	const log: ProxiedRequest[] = [];
	const tunnels = new Set<net.Socket>();

	const server = http.createServer((req, res) => {
		let target: URL;
		try {
			target = new URL(req.url ?? '');
		} catch {
			res.writeHead(400, { 'content-type': 'text/plain' }).end('A forward proxy needs an absolute URL (GET http://host/path)\n');
			return;
		}
		const scan = secretScanner(secrets);
		scan.push(`${req.url} ${JSON.stringify(req.headers)}`);
		const entry: ProxiedRequest = { kind: 'forward', method: req.method ?? 'GET', url: target.href, target: `${target.hostname}:${portOf(target)}`, headers: req.headers, carriedSecret: false };
		log.push(entry);
		if (target.protocol !== 'http:') {
			entry.status = 'error';
			res.writeHead(501, { 'content-type': 'text/plain' }).end(`Only http:// is forwarded; use CONNECT for ${target.protocol}\n`);
			return;
		}
		const headers: http.OutgoingHttpHeaders = {};
		for (const [name, value] of Object.entries(req.headers)) if (!HOP_BY_HOP.has(name)) headers[name] = value;
		headers.via = req.headers.via ? `${req.headers.via}, ${VIA}` : VIA;
		const route = routeOf(target.hostname, portOf(target));
		const upstream = http.request({ host: route.host, port: route.port, method: req.method, path: `${target.pathname}${target.search}`, headers });
		upstream.on('response', (response) => {
			entry.status = response.statusCode;
			const answer: http.OutgoingHttpHeaders = {};
			for (const [name, value] of Object.entries(response.headers)) if (!HOP_BY_HOP.has(name)) answer[name] = value;
			res.writeHead(response.statusCode ?? 502, response.statusMessage, answer);
			res.flushHeaders();
			response.pipe(res);
			res.on('close', () => response.destroy());
		});
		upstream.on('error', (error) => {
			entry.status ??= 'error';
			if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' }).end(`Proxy could not reach ${entry.target}: ${error.message}\n`);
			else res.destroy();
		});
		req.on('data', (chunk: Buffer) => scan.push(chunk));
		req.on('end', () => (entry.carriedSecret = scan.found()));
		entry.carriedSecret = scan.found();
		req.pipe(upstream);
		res.on('close', () => upstream.destroy());
	});

	server.on('connect', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
		const [host, port] = (req.url ?? '').split(/:(?=\d+$)/);
		const scan = secretScanner(secrets);
		scan.push(`${req.url} ${JSON.stringify(req.headers)}`);
		const entry: ProxiedRequest = { kind: 'connect', method: 'CONNECT', url: req.url ?? '', target: `${host}:${port}`, headers: req.headers, carriedSecret: scan.found() };
		log.push(entry);
		tunnels.add(client);
		client.on('close', () => tunnels.delete(client));
		const route = routeOf(host, Number(port));
		const upstream = net.connect(route.port, route.host, () => {
			entry.status = 200;
			client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
			if (head.length > 0) upstream.write(head);
			upstream.pipe(client);
			client.pipe(upstream);
		});
		tunnels.add(upstream);
		upstream.on('close', () => tunnels.delete(upstream));
		upstream.on('error', () => {
			entry.status ??= 'error';
			if (client.writable && entry.status === 'error') client.end('HTTP/1.1 502 Bad Gateway\r\n\r\n');
			client.destroy();
		});
		client.on('error', () => upstream.destroy());
	});

	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	return {
		url: `http://127.0.0.1:${port}`,
		log,
		close: async () => {
			for (const socket of tunnels) socket.destroy();
			server.closeAllConnections();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		},
	};
}
