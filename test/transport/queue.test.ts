import { connectionErrorOf, describeConnectionProblem, FalApiError } from '../../nodes/shared/transport/errors';
import { submitHeaders } from '../../nodes/shared/transport/queue';

describe('submit headers', () => {
	test('priority is always sent, normal by default, as fal-js does', () => {
		expect(submitHeaders({})).toEqual({ 'X-Fal-Queue-Priority': 'normal' });
		expect(submitHeaders({ priority: 'low' })).toEqual({ 'X-Fal-Queue-Priority': 'low' });
	});

	test('the start timeout goes under its current and its deprecated name, in whole seconds', () => {
		expect(submitHeaders({ startTimeout: 90.7 })).toEqual({
			'X-Fal-Queue-Priority': 'normal',
			'X-Fal-Request-Timeout': '90',
			'X-Fal-Request-Start-Timeout': '90',
		});
	});

	test('fal refuses a start timeout of 1 s or less, so it is refused before sending', () => {
		expect(() => submitHeaders({ startTimeout: 1 })).toThrow(/more than 1 s/);
		expect(() => submitHeaders({ startTimeout: Number.NaN })).toThrow(/more than 1 s/);
	});
});

describe('errors', () => {
	test("fal's error keeps status, body and request id; its message is fal's message or the status line", () => {
		const error = new FalApiError({ status: 422, statusText: 'Unprocessable Entity', body: { detail: [] }, requestId: 'r1' });
		expect(error).toMatchObject({ status: 422, body: { detail: [] }, requestId: 'r1', message: 'Unprocessable Entity' });
		expect(new FalApiError({ status: 400, body: { message: 'bad' } }).message).toBe('bad');
		expect(new FalApiError({ status: 502, statusText: 'Bad Gateway', body: '<html>Bad Gateway</html>' }).message).toBe('HTTP 502: Bad Gateway');
		expect(new FalApiError({ status: 504, body: undefined, timeoutType: 'user' }).isUserTimeout).toBe(true);
	});

	test('a connection failure is found under the wrappers n8n puts around it; a cancelled request is not one', () => {
		const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' });
		const wrapped = { name: 'NodeApiError', message: 'The service refused the connection', errorResponse: refused };
		expect(connectionErrorOf(wrapped)?.code).toBe('ECONNREFUSED');
		expect(connectionErrorOf(new Error('x', { cause: new Error('socket hang up') }))?.code).toBe('ECONNRESET');
		expect(connectionErrorOf({ name: 'CanceledError', code: 'ERR_CANCELED', cause: refused })).toBeUndefined();
		expect(connectionErrorOf(new Error('something else'))).toBeUndefined();
	});

	test("n8n 1.x's NodeApiError (no cause; the code in httpCode, the original message in messages) still reads as a connection failure", () => {
		// n8n-workflow 1.x's NodeApiError for an axios ECONNRESET, as httpRequestWithAuthentication throws it.
		const reset = { name: 'NodeApiError', message: 'The connection to the server was closed unexpectedly, perhaps it is offline.', httpCode: 'ECONNRESET', messages: ['socket hang up'] };
		expect(connectionErrorOf(reset)).toMatchObject({ code: 'ECONNRESET', cause: new Error('connection closed unexpectedly') });
		const refused = { name: 'NodeApiError', message: 'The service refused the connection', httpCode: 'ECONNREFUSED', messages: ['connect ECONNREFUSED 127.0.0.1:9'] };
		expect(connectionErrorOf(refused)).toMatchObject({ code: 'ECONNREFUSED', cause: new Error('connection refused (127.0.0.1:9)') });
		expect(connectionErrorOf({ name: 'NodeApiError', message: 'canceled', httpCode: 'ERR_CANCELED', messages: ['canceled'] })).toBeUndefined();
		expect(connectionErrorOf({ name: 'NodeApiError', message: 'Bad request', httpCode: '400' })).toBeUndefined();
	});

	test('the user reads what went wrong and where, without the raw code', () => {
		expect(describeConnectionProblem('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:9')).toBe('connection refused (127.0.0.1:9)');
		expect(describeConnectionProblem('ENOTFOUND', 'getaddrinfo ENOTFOUND queue.fal.run')).toBe('host not found');
		expect(describeConnectionProblem('UND_ERR_SOCKET', 'other side closed')).toBe('connection failed');
	});
});
