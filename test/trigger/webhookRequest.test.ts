import type { IWebhookFunctions } from 'n8n-workflow';

import { FAL_JWKS_URLS, sharedJwksCache } from '../../nodes/shared/webhookVerification/jwksCache';
import { checkFalSignature } from '../../nodes/shared/webhookVerification/request';
import { createSigner, jwksOf, okBody } from './keys';

/** Just what checkFalSignature uses of a webhook context: the HTTP helper and the logger. */
function contextServing(keysByUrl: Record<string, unknown>) {
	const asked: string[] = [];
	const logged: string[] = [];
	const ctx = {
		helpers: {
			httpRequest: async ({ url }: { url: string }) => {
				asked.push(url);
				if (!(url in keysByUrl)) throw new Error(`connect ECONNREFUSED 10.1.2.3:443 (${url})`);
				return keysByUrl[url];
			},
		},
		logger: { error: (message: string) => logged.push(message) },
	} as unknown as IWebhookFunctions;
	return { ctx, asked, logged };
}

const fal = createSigner();
const rawBody = okBody('req-1');
const signedNow = () => ({ headers: fal.headersFor(rawBody, { requestId: 'req-1', timestamp: Math.floor(Date.now() / 1000) }), rawBody });

beforeEach(() => sharedJwksCache.clear());

describe("fal's webhook keys: rest.fal.ai first, the alpha host as fallback", () => {
	test('the default locations are fal-js\'s REST host, then the host of fal\'s docs example', () => {
		expect(FAL_JWKS_URLS).toEqual(['https://rest.fal.ai/.well-known/jwks.json', 'https://rest.alpha.fal.ai/.well-known/jwks.json']);
	});

	test('keys from the first location verify without asking the second', async () => {
		const { ctx, asked } = contextServing({ [FAL_JWKS_URLS[0]]: jwksOf(fal) });
		const check = await checkFalSignature(ctx, signedNow(), { jwksUrls: FAL_JWKS_URLS, replayGuard: null });
		expect(check.ok).toBe(true);
		expect(asked).toEqual([FAL_JWKS_URLS[0]]);
	});

	test('when the first location cannot be loaded, the fallback verifies', async () => {
		const { ctx, asked } = contextServing({ [FAL_JWKS_URLS[1]]: jwksOf(fal) });
		const check = await checkFalSignature(ctx, signedNow(), { jwksUrls: FAL_JWKS_URLS, replayGuard: null });
		expect(check.ok).toBe(true);
		expect(asked).toEqual(FAL_JWKS_URLS);
	});

	test('when neither can be loaded: 503 with no internal error text to the caller, the cause in the log', async () => {
		const { ctx, logged } = contextServing({});
		const check = await checkFalSignature(ctx, signedNow(), { jwksUrls: FAL_JWKS_URLS, replayGuard: null });
		expect(check).toEqual({ ok: false, refusal: { statusCode: 503, body: { error: 'jwks-unavailable', message: "Could not load fal's webhook keys; deliver again later." } } });
		expect(logged.join('\n')).toContain('ECONNREFUSED 10.1.2.3');
	});

	test('a signature no key verifies is refused with 401', async () => {
		const { ctx } = contextServing({ [FAL_JWKS_URLS[0]]: jwksOf(createSigner()), [FAL_JWKS_URLS[1]]: jwksOf(createSigner()) });
		const check = await checkFalSignature(ctx, signedNow(), { jwksUrls: FAL_JWKS_URLS, replayGuard: null });
		expect(check).toMatchObject({ ok: false, refusal: { statusCode: 401, body: { error: 'bad-signature' } } });
	});
});
