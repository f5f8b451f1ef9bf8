'use strict';
/**
 * fal's webhook signature (docs "Verifying Your Webhook", fal-protocol.md §3): Ed25519 over the UTF-8
 * message `request_id\nuser_id\ntimestamp\nhex(sha256(raw body))`, sent as hex in
 * `X-Fal-Webhook-Signature`; the public keys are served as a JWKS.
 */
const crypto = require('crypto');
const http = require('http');
const https = require('https');

const FAKE_USER_ID = 'fake-fal-user-0001';
/** A webhook POST that takes longer than this counts as a failed delivery. */
const DELIVERY_TIMEOUT_MS = 10_000;

function sha256Hex(bytes) {
	return crypto.createHash('sha256').update(bytes).digest('hex');
}

function signedMessage(requestId, userId, timestamp, rawBody) {
	return Buffer.from(`${requestId}\n${userId}\n${timestamp}\n${sha256Hex(rawBody)}`, 'utf8');
}

function toJwk(publicKey, kid) {
	const { kty, crv, x } = publicKey.export({ format: 'jwk' });
	return { kty, crv, x, kid, use: 'sig', alg: 'EdDSA' };
}

function createWebhookSigner({ userId = FAKE_USER_ID } = {}) {
	const keyPair = crypto.generateKeyPairSync('ed25519');
	// A second key that is NOT in the JWKS, for forged-signature tests.
	const forgerKeyPair = crypto.generateKeyPairSync('ed25519');
	const kid = `fake-fal-${crypto.randomBytes(4).toString('hex')}`;
	const jwks = { keys: [toJwk(keyPair.publicKey, kid)] };

	/** The four X-Fal-Webhook-* headers for a raw body. */
	function headersFor(rawBody, { requestId, timestamp = Math.floor(Date.now() / 1000), forge = false, userId: forUser } = {}) {
		const key = forge ? forgerKeyPair.privateKey : keyPair.privateKey;
		const signature = crypto.sign(null, signedMessage(requestId, forUser ?? userId, timestamp, rawBody), key).toString('hex');
		return {
			'x-fal-webhook-request-id': requestId,
			'x-fal-webhook-user-id': forUser ?? userId,
			'x-fal-webhook-timestamp': String(timestamp),
			'x-fal-webhook-signature': signature,
		};
	}

	return { userId, kid, jwks, publicKey: keyPair.publicKey, headersFor };
}

/**
 * POSTs a raw JSON body; resolves `{status, body, headers}` for any answer, rejects on a connection
 * error. `agent: false` so no keep-alive socket outlives the fake.
 */
function postJson(url, rawBody, headers, track = () => () => {}) {
	return new Promise((resolve, reject) => {
		const target = new URL(url);
		const transport = target.protocol === 'https:' ? https : http;
		const request = transport.request(
			target,
			{
				method: 'POST',
				agent: false,
				headers: {
					'content-type': 'application/json',
					'content-length': rawBody.length,
					'user-agent': 'fal-webhook/fake',
					...headers,
				},
				timeout: DELIVERY_TIMEOUT_MS,
			},
			(response) => {
				const chunks = [];
				response.on('data', (chunk) => chunks.push(chunk));
				response.on('end', () => {
					untrack();
					const text = Buffer.concat(chunks).toString('utf8');
					let body = text;
					try {
						body = text === '' ? undefined : JSON.parse(text);
					} catch {
						// not JSON: keep the text
					}
					resolve({ status: response.statusCode, body, headers: response.headers });
				});
				response.on('error', (error) => {
					untrack();
					reject(error);
				});
			},
		);
		const untrack = track(request);
		request.on('timeout', () => request.destroy(new Error(`webhook delivery timed out after ${DELIVERY_TIMEOUT_MS} ms`)));
		request.on('error', (error) => {
			untrack();
			reject(error);
		});
		request.end(rawBody);
	});
}

module.exports = { FAKE_USER_ID, sha256Hex, signedMessage, createWebhookSigner, postJson };
