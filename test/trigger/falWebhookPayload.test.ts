import { describeFalError, findVideo, parseFalWebhookBody } from '../../nodes/SeedanceTrigger/falWebhookPayload';

describe('reading a fal webhook body', () => {
	it('reads a finished generation', () => {
		const payload = { video: { url: 'https://v3.fal.media/out.mp4', file_size: 123 }, seed: 3 };
		expect(parseFalWebhookBody({ request_id: 'r1', gateway_request_id: 'g1', status: 'OK', payload })).toEqual({
			requestId: 'r1',
			gatewayRequestId: 'g1',
			status: 'OK',
			payload,
		});
		expect(findVideo(payload)).toEqual({ url: 'https://v3.fal.media/out.mp4', file_size: 123 });
	});

	it('keeps payload_error and a null payload', () => {
		expect(parseFalWebhookBody({ request_id: 'r1', status: 'OK', payload: null, payload_error: 'too big' })).toMatchObject({
			payload: null,
			payloadError: 'too big',
		});
	});

	it('takes the request id from the signed header when the body has none', () => {
		expect(parseFalWebhookBody({ status: 'OK', payload: {} }, 'from-header')?.requestId).toBe('from-header');
	});

	it('is not a fal webhook without a known status or a request id', () => {
		expect(parseFalWebhookBody({ request_id: 'r1', status: 'COMPLETED' })).toBeUndefined();
		expect(parseFalWebhookBody({ status: 'OK' })).toBeUndefined();
		expect(parseFalWebhookBody('OK')).toBeUndefined();
		expect(parseFalWebhookBody([{ status: 'OK', request_id: 'r' }])).toBeUndefined();
	});

	it('names a field the node does not know by its fal name', () => {
		expect(describeFalError({ detail: [{ loc: ['body', 'camera_fixed'], msg: 'Extra inputs are not permitted' }] })).toBe(
			'camera_fixed: Extra inputs are not permitted',
		);
	});

	it("says what fal's 'likenesses of real people' refusal is, before fal's own words", () => {
		const msg = 'The images or videos provided may contain likenesses of real people';
		expect(describeFalError({ detail: [{ loc: ['body', 'image_url'], msg, type: 'value_error' }] })).toBe(
			`fal refuses inputs that show real people's faces; retrying will not help (Start Image (image_url): ${msg})`,
		);
	});

	it('falls back to the status line, then to a plain sentence', () => {
		expect(describeFalError({}, 'Invalid status code: 500')).toBe('Invalid status code: 500');
		expect(describeFalError(null)).toBe('fal reported an error without details');
		expect(describeFalError({ detail: [] }, 'Invalid status code: 422')).toBe('Invalid status code: 422');
	});

	it('finds no video in an output without a URL', () => {
		expect(findVideo({ video: { content_type: 'video/mp4' } })).toBeUndefined();
		expect(findVideo(null)).toBeUndefined();
	});
});
