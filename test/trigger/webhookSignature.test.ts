import {
	buildSignedMessage,
	importEd25519Keys,
	verifyFalWebhook,
	type VerifyResult,
} from '../../nodes/shared/webhookVerification/signature';
import { createSigner, jwksOf, NOW_SECONDS, okBody } from './keys';

const fal = createSigner();
const attacker = createSigner();

function expectFailure(result: VerifyResult, reason: string) {
	expect(result).toMatchObject({ ok: false, reason });
}

describe('verifyFalWebhook', () => {
	it('accepts a call signed by a JWKS key and names its request id', () => {
		const rawBody = okBody('req-good');
		const result = verifyFalWebhook({
			headers: fal.headersFor(rawBody, { requestId: 'req-good' }),
			rawBody,
			jwks: jwksOf(fal),
			nowSeconds: NOW_SECONDS,
		});
		expect(result).toMatchObject({ ok: true, requestId: 'req-good', userId: 'user-456', timestamp: NOW_SECONDS });
	});

	it('signs exactly request_id, user_id, timestamp and the body hash, one per line', () => {
		const message = buildSignedMessage('r', 'u', 17, Buffer.from('{}'));
		expect(message.toString('utf8')).toBe(
			'r\nu\n17\n44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a',
		);
	});

	it('reads headers in any casing, as a proxy may rewrite them', () => {
		const rawBody = okBody();
		const upper = Object.fromEntries(
			Object.entries(fal.headersFor(rawBody)).map(([name, value]) => [name.toUpperCase(), value]),
		);
		expect(verifyFalWebhook({ headers: upper, rawBody, jwks: jwksOf(fal), nowSeconds: NOW_SECONDS }).ok).toBe(true);
	});

	it('refuses a call signed by a key that is not in the JWKS', () => {
		const rawBody = okBody();
		const result = verifyFalWebhook({
			headers: attacker.headersFor(rawBody),
			rawBody,
			jwks: jwksOf(fal),
			nowSeconds: NOW_SECONDS,
		});
		expectFailure(result, 'bad-signature');
	});

	it('refuses a body changed after signing', () => {
		const rawBody = okBody();
		const headers = fal.headersFor(rawBody);
		const tampered = Buffer.from(rawBody.toString('utf8').replace('out.mp4', 'evil.mp4'));
		expectFailure(verifyFalWebhook({ headers, rawBody: tampered, jwks: jwksOf(fal), nowSeconds: NOW_SECONDS }), 'bad-signature');
	});

	it('refuses the same JSON re-serialised: only the raw bytes verify', () => {
		const rawBody = Buffer.from('{ "status": "OK",  "request_id": "req-123" }');
		const headers = fal.headersFor(rawBody);
		const reserialised = Buffer.from(JSON.stringify(JSON.parse(rawBody.toString('utf8'))));
		expectFailure(verifyFalWebhook({ headers, rawBody: reserialised, jwks: jwksOf(fal), nowSeconds: NOW_SECONDS }), 'bad-signature');
	});

	it('refuses a changed header (request id, user id or timestamp), as each is signed', () => {
		const rawBody = okBody();
		for (const [name, value] of [
			['x-fal-webhook-request-id', 'req-other'],
			['x-fal-webhook-user-id', 'user-other'],
			['x-fal-webhook-timestamp', String(NOW_SECONDS + 1)],
		]) {
			const headers = { ...fal.headersFor(rawBody), [name]: value };
			expectFailure(verifyFalWebhook({ headers, rawBody, jwks: jwksOf(fal), nowSeconds: NOW_SECONDS }), 'bad-signature');
		}
	});

	it('refuses a timestamp more than 300 s old, and accepts one exactly 300 s old', () => {
		const rawBody = okBody();
		const stale = fal.headersFor(rawBody, { timestamp: NOW_SECONDS - 301 });
		expectFailure(verifyFalWebhook({ headers: stale, rawBody, jwks: jwksOf(fal), nowSeconds: NOW_SECONDS }), 'stale');
		const edge = fal.headersFor(rawBody, { timestamp: NOW_SECONDS - 300 });
		expect(verifyFalWebhook({ headers: edge, rawBody, jwks: jwksOf(fal), nowSeconds: NOW_SECONDS }).ok).toBe(true);
	});

	it('refuses a timestamp more than 300 s in the future', () => {
		const rawBody = okBody();
		const future = fal.headersFor(rawBody, { timestamp: NOW_SECONDS + 301 });
		expectFailure(verifyFalWebhook({ headers: future, rawBody, jwks: jwksOf(fal), nowSeconds: NOW_SECONDS }), 'future');
	});

	it('honours a custom tolerance', () => {
		const rawBody = okBody();
		const headers = fal.headersFor(rawBody, { timestamp: NOW_SECONDS - 61 });
		expectFailure(
			verifyFalWebhook({ headers, rawBody, jwks: jwksOf(fal), nowSeconds: NOW_SECONDS, toleranceSeconds: 60 }),
			'stale',
		);
	});

	it('calls a request without the signature headers unsigned', () => {
		const rawBody = okBody();
		expectFailure(verifyFalWebhook({ headers: {}, rawBody, jwks: jwksOf(fal), nowSeconds: NOW_SECONDS }), 'unsigned');
		for (const missing of ['x-fal-webhook-request-id', 'x-fal-webhook-user-id', 'x-fal-webhook-timestamp', 'x-fal-webhook-signature']) {
			const headers: Record<string, string> = { ...fal.headersFor(rawBody) };
			delete headers[missing];
			expectFailure(verifyFalWebhook({ headers, rawBody, jwks: jwksOf(fal), nowSeconds: NOW_SECONDS }), 'unsigned');
		}
	});

	it('treats a repeated signature header as missing rather than picking one', () => {
		const rawBody = okBody();
		const headers = fal.headersFor(rawBody);
		const doubled = { ...headers, 'x-fal-webhook-signature': [headers['x-fal-webhook-signature'], 'ab'.repeat(64)] };
		expectFailure(verifyFalWebhook({ headers: doubled, rawBody, jwks: jwksOf(fal), nowSeconds: NOW_SECONDS }), 'unsigned');
	});

	it('refuses a signature that is not 64 bytes of hex', () => {
		const rawBody = okBody();
		const good = fal.headersFor(rawBody)['x-fal-webhook-signature'];
		for (const signature of [good.slice(0, 126), `${good}00`, `${good.slice(0, 127)}z`, Buffer.from(good, 'hex').toString('base64')]) {
			const headers = { ...fal.headersFor(rawBody), 'x-fal-webhook-signature': signature };
			expectFailure(verifyFalWebhook({ headers, rawBody, jwks: jwksOf(fal), nowSeconds: NOW_SECONDS }), 'malformed-signature');
		}
	});

	it('accepts an upper-case hex signature', () => {
		const rawBody = okBody();
		const headers = fal.headersFor(rawBody);
		headers['x-fal-webhook-signature'] = headers['x-fal-webhook-signature'].toUpperCase();
		expect(verifyFalWebhook({ headers, rawBody, jwks: jwksOf(fal), nowSeconds: NOW_SECONDS }).ok).toBe(true);
	});

	it('refuses a timestamp that is not Unix seconds', () => {
		const rawBody = okBody();
		for (const timestamp of ['2026-08-01T00:00:00Z', '1780000000.5', '-5', '']) {
			const headers = { ...fal.headersFor(rawBody), 'x-fal-webhook-timestamp': timestamp };
			const result = verifyFalWebhook({ headers, rawBody, jwks: jwksOf(fal), nowSeconds: NOW_SECONDS });
			expectFailure(result, timestamp === '' ? 'unsigned' : 'malformed-timestamp');
		}
	});

	it('verifies with the second key of a rotated JWKS', () => {
		const rawBody = okBody();
		const next = createSigner();
		const result = verifyFalWebhook({
			headers: next.headersFor(rawBody),
			rawBody,
			jwks: jwksOf(fal, next),
			nowSeconds: NOW_SECONDS,
		});
		expect(result.ok).toBe(true);
	});

	it('skips keys that are not Ed25519 or cannot be read, and says so when none is left', () => {
		const rawBody = okBody();
		const junk = [
			{ kty: 'RSA', n: 'AQAB', e: 'AQAB' },
			{ kty: 'OKP', crv: 'X25519', x: fal.jwk.x },
			{ kty: 'OKP', crv: 'Ed25519', x: 'not-a-key' },
		];
		expect(importEd25519Keys({ keys: junk })).toHaveLength(0);
		expectFailure(
			verifyFalWebhook({ headers: fal.headersFor(rawBody), rawBody, jwks: { keys: junk }, nowSeconds: NOW_SECONDS }),
			'no-keys',
		);
		const result = verifyFalWebhook({
			headers: fal.headersFor(rawBody),
			rawBody,
			jwks: { keys: [...junk, fal.jwk] },
			nowSeconds: NOW_SECONDS,
		});
		expect(result.ok).toBe(true);
	});

	it('uses only the public half of a JWK that carries a private part', () => {
		const rawBody = okBody();
		const { kty, crv, x, d } = fal.privateKey.export({ format: 'jwk' });
		const result = verifyFalWebhook({
			headers: fal.headersFor(rawBody),
			rawBody,
			jwks: { keys: [{ kty, crv, x, d }] },
			nowSeconds: NOW_SECONDS,
		});
		expect(result.ok).toBe(true);
	});

	it('gives a short message for every refusal, without echoing the headers', () => {
		const rawBody = okBody();
		const headers = attacker.headersFor(rawBody);
		const result = verifyFalWebhook({ headers, rawBody, jwks: jwksOf(fal), nowSeconds: NOW_SECONDS });
		if (result.ok) throw new Error('expected a refusal');
		expect(result.message).toMatch(/signature/);
		expect(result.message).not.toContain(headers['x-fal-webhook-signature']);
	});
});
