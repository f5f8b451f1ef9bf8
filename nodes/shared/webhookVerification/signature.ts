/**
 * fal webhook signatures, as pure functions (fal-protocol.md §3, fal docs "Verifying Your Webhook").
 *
 * fal signs every webhook delivery with Ed25519. The signed message is the UTF-8 text
 * `request_id \n user_id \n timestamp \n hex(sha256(raw body))`, taken from the `X-Fal-Webhook-*`
 * headers and the body bytes exactly as received. The public keys are published as a JWKS; any of
 * them may have signed the call (key rotation), so every key is tried.
 */
import { createHash, createPublicKey, verify, type JsonWebKey, type KeyObject } from 'node:crypto';

export const FAL_WEBHOOK_HEADERS = {
	requestId: 'x-fal-webhook-request-id',
	userId: 'x-fal-webhook-user-id',
	timestamp: 'x-fal-webhook-timestamp',
	signature: 'x-fal-webhook-signature',
} as const;

/** fal rejects nothing itself; the receiver must: |now − timestamp| above this is refused. */
export const DEFAULT_TIMESTAMP_TOLERANCE_SECONDS = 300;

/** An Ed25519 signature is 64 bytes, sent as 128 hex characters. */
const ED25519_SIGNATURE_BYTES = 64;
const HEX_SIGNATURE = new RegExp(`^[0-9a-fA-F]{${ED25519_SIGNATURE_BYTES * 2}}$`);
const UNIX_SECONDS = /^\d{1,12}$/;

export interface Jwks {
	keys: JsonWebKey[];
}

/** Header values as Node's `IncomingHttpHeaders` has them (lower-case names) or any casing. */
export type WebhookHeaders = Record<string, string | string[] | undefined>;

export type VerifyFailureReason =
	| 'unsigned'
	| 'malformed-signature'
	| 'malformed-timestamp'
	| 'stale'
	| 'future'
	| 'no-keys'
	| 'bad-signature'
	| 'replayed';

export interface VerifySuccess {
	ok: true;
	requestId: string;
	userId: string;
	timestamp: number;
	/** Lower-case hex, as a stable key for the replay guard. */
	signature: string;
}

export interface VerifyFailure {
	ok: false;
	reason: VerifyFailureReason;
	/** One sentence for the 401 body and the logs; never echoes secrets. */
	message: string;
}

export type VerifyResult = VerifySuccess | VerifyFailure;

export interface VerifyFalWebhookOptions {
	headers: WebhookHeaders;
	/** The body exactly as it arrived; a re-serialised JSON body will not verify. */
	rawBody: Buffer;
	jwks: Jwks;
	nowSeconds: number;
	toleranceSeconds?: number;
}

const FAILURE_MESSAGES: Record<VerifyFailureReason, string> = {
	unsigned: 'The request carries no fal webhook signature headers.',
	'malformed-signature': 'The fal webhook signature is not 64 bytes of hex.',
	'malformed-timestamp': 'The fal webhook timestamp is not a Unix time in seconds.',
	stale: 'The fal webhook timestamp is too old.',
	future: 'The fal webhook timestamp is too far in the future.',
	'no-keys': 'No usable Ed25519 key was found in the JWKS.',
	'bad-signature': 'The fal webhook signature does not match any JWKS key.',
	replayed: 'This signed fal webhook was already received.',
};

export function failure(reason: VerifyFailureReason): VerifyFailure {
	return { ok: false, reason, message: FAILURE_MESSAGES[reason] };
}

/** The exact bytes fal signs. */
export function buildSignedMessage(
	requestId: string,
	userId: string,
	timestamp: string | number,
	rawBody: Buffer,
): Buffer {
	const bodyHash = createHash('sha256').update(rawBody).digest('hex');
	return Buffer.from(`${requestId}\n${userId}\n${String(timestamp)}\n${bodyHash}`, 'utf8');
}

/** Reads one header whatever its casing; a repeated header counts as missing (ambiguous). */
export function readHeader(headers: WebhookHeaders, name: string): string | undefined {
	const wanted = name.toLowerCase();
	for (const [key, value] of Object.entries(headers)) {
		if (key.toLowerCase() !== wanted) continue;
		if (typeof value === 'string') return value.trim();
		if (Array.isArray(value) && value.length === 1) return value[0].trim();
		return undefined;
	}
	return undefined;
}

/**
 * Turns a JWKS into public keys. Only Ed25519 OKP keys count: importing anything else and calling
 * `verify(null, …)` would mean a different algorithm. Keys that fail to import are skipped.
 */
export function importEd25519Keys(jwks: Jwks): KeyObject[] {
	const keys: KeyObject[] = [];
	for (const jwk of Array.isArray(jwks?.keys) ? jwks.keys : []) {
		if (jwk?.kty !== 'OKP' || jwk.crv !== 'Ed25519' || typeof jwk.x !== 'string') continue;
		// A JWKS is public, but a key that also carries `d` is a private key posted by mistake:
		// import only the public half.
		const publicJwk: JsonWebKey = { kty: 'OKP', crv: 'Ed25519', x: jwk.x };
		try {
			keys.push(createPublicKey({ key: publicJwk, format: 'jwk' }));
		} catch {
			// An unreadable key verifies nothing; the others still may.
			continue;
		}
	}
	return keys;
}

/**
 * Checks a fal webhook delivery. Order: headers present → well-formed → timestamp within the
 * tolerance → signature by any JWKS key. Ed25519 verification does not compare secrets byte by
 * byte, so it has no timing side channel to guard.
 */
export function verifyFalWebhook(options: VerifyFalWebhookOptions): VerifyResult {
	const { headers, rawBody, jwks, nowSeconds } = options;
	const toleranceSeconds = options.toleranceSeconds ?? DEFAULT_TIMESTAMP_TOLERANCE_SECONDS;

	const requestId = readHeader(headers, FAL_WEBHOOK_HEADERS.requestId);
	const userId = readHeader(headers, FAL_WEBHOOK_HEADERS.userId);
	const timestampText = readHeader(headers, FAL_WEBHOOK_HEADERS.timestamp);
	const signatureHex = readHeader(headers, FAL_WEBHOOK_HEADERS.signature);
	if (!requestId || !userId || !timestampText || !signatureHex) return failure('unsigned');

	if (!HEX_SIGNATURE.test(signatureHex)) return failure('malformed-signature');
	if (!UNIX_SECONDS.test(timestampText)) return failure('malformed-timestamp');

	const timestamp = Number(timestampText);
	if (nowSeconds - timestamp > toleranceSeconds) return failure('stale');
	if (timestamp - nowSeconds > toleranceSeconds) return failure('future');

	const keys = importEd25519Keys(jwks);
	if (keys.length === 0) return failure('no-keys');

	const message = buildSignedMessage(requestId, userId, timestampText, rawBody);
	const signature = Buffer.from(signatureHex, 'hex');
	const verified = keys.some((key) => verifySafely(message, key, signature));
	if (!verified) return failure('bad-signature');

	return { ok: true, requestId, userId, timestamp, signature: signatureHex.toLowerCase() };
}

function verifySafely(message: Buffer, key: KeyObject, signature: Buffer): boolean {
	try {
		return verify(null, message, key, signature);
	} catch {
		return false;
	}
}
