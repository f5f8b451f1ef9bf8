import { appIdOf, falHosts, platformUrl, queueRequestUrl, submitUrl, uploadUrlFor } from '../../nodes/shared/transport/hosts';

const ENDPOINT = 'bytedance/seedance-2.0/fast/image-to-video';

describe("fal's hosts", () => {
	test("without an API Host, the queue and storage go to fal's own hosts", () => {
		const hosts = falHosts('');
		expect(submitUrl(hosts, ENDPOINT)).toBe('https://queue.fal.run/bytedance/seedance-2.0/fast/image-to-video');
		expect(hosts.rest).toBe('https://rest.fal.ai');
		expect(platformUrl(hosts, '/v1/models/pricing', new URLSearchParams({ endpoint_id: ENDPOINT }))).toBe(
			'https://api.fal.ai/v1/models/pricing?endpoint_id=bytedance%2Fseedance-2.0%2Ffast%2Fimage-to-video',
		);
		expect(uploadUrlFor(hosts, 'https://v3.fal.media/upload/x?sig=1')).toBe('https://v3.fal.media/upload/x?sig=1');
	});

	test('with an API Host, every URL goes to that host and keeps its path and query', () => {
		const hosts = falHosts(' https://proxy.example.com/ ');
		expect(submitUrl(hosts, ENDPOINT)).toBe('https://proxy.example.com/bytedance/seedance-2.0/fast/image-to-video');
		expect(hosts.rest).toBe('https://proxy.example.com');
		expect(platformUrl(hosts, '/v1/models/pricing')).toBe('https://proxy.example.com/v1/models/pricing');
		expect(uploadUrlFor(hosts, 'https://v3.fal.media/upload/x/1?sig=a%2Fb')).toBe('https://proxy.example.com/upload/x/1?sig=a%2Fb');
	});

	test('status, result and cancel use only the owner and app of the endpoint', () => {
		const hosts = falHosts(undefined);
		expect(appIdOf(ENDPOINT)).toBe('bytedance/seedance-2.0');
		expect(appIdOf('workflows/me/my-flow/run')).toBe('workflows/me/my-flow');
		expect(queueRequestUrl(hosts, ENDPOINT, 'abc', '/status?logs=0')).toBe('https://queue.fal.run/bytedance/seedance-2.0/requests/abc/status?logs=0');
		expect(() => appIdOf('seedance')).toThrow(/owner\/app/);
	});

	test('the webhook URL travels URL-encoded as fal_webhook', () => {
		const url = submitUrl(falHosts(undefined), ENDPOINT, 'https://n8n.example.com/webhook/a?x=1&y=2');
		expect(new URL(url).searchParams.get('fal_webhook')).toBe('https://n8n.example.com/webhook/a?x=1&y=2');
		expect(url).toContain('fal_webhook=https%3A%2F%2Fn8n.example.com%2Fwebhook%2Fa%3Fx%3D1%26y%3D2');
	});
});
