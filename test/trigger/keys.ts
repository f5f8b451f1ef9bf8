/**
 * Our own Ed25519 keys, signing webhook calls the way fal does (fal-protocol.md §3), for tests
 * that must not depend on the fake fal server.
 */
import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';

import { buildSignedMessage, type Jwks } from '../../nodes/shared/webhookVerification/signature';

export interface TestSigner {
	jwk: Jwks['keys'][number];
	privateKey: KeyObject;
	/** The four X-Fal-Webhook-* headers for this body. */
	headersFor(rawBody: Buffer, options?: { requestId?: string; userId?: string; timestamp?: number }): Record<string, string>;
}

export const NOW_SECONDS = 1_780_000_000;

export function createSigner(): TestSigner {
	const { publicKey, privateKey } = generateKeyPairSync('ed25519');
	const { kty, crv, x } = publicKey.export({ format: 'jwk' });
	return {
		jwk: { kty, crv, x },
		privateKey,
		headersFor(rawBody, { requestId = 'req-123', userId = 'user-456', timestamp = NOW_SECONDS } = {}) {
			const signature = sign(null, buildSignedMessage(requestId, userId, timestamp, rawBody), privateKey);
			return {
				'x-fal-webhook-request-id': requestId,
				'x-fal-webhook-user-id': userId,
				'x-fal-webhook-timestamp': String(timestamp),
				'x-fal-webhook-signature': signature.toString('hex'),
			};
		},
	};
}

export function jwksOf(...signers: TestSigner[]): Jwks {
	return { keys: signers.map((signer) => signer.jwk) };
}

export function okBody(requestId = 'req-123'): Buffer {
	return Buffer.from(
		JSON.stringify({
			request_id: requestId,
			gateway_request_id: `gw-${requestId}`,
			status: 'OK',
			payload: { video: { url: 'https://v3.fal.media/files/out.mp4', content_type: 'video/mp4' }, seed: 42 },
		}),
	);
}
