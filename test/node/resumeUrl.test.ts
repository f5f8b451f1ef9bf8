/**
 * Submit and Wait for Webhook hands fal this execution's resume URL. fal calls it from the
 * internet, so a URL only this network can reach means a billed job whose callback never comes:
 * it is refused before anything is sent, with how to set WEBHOOK_URL (issue 19, point 4).
 */
import { checkResumeUrlReachable } from '../../nodes/shared/seedance/actions/generate/waitForWebhook';
import { InputError } from '../../nodes/shared/seedance/helpers/errors';

const resume = (origin: string) => `${origin}/webhook-waiting/123?signature=abc`;

describe('a resume URL fal cannot reach is refused', () => {
	test.each([
		['http://localhost:5678', 'loopback'],
		['http://127.0.0.1:5678', 'loopback'],
		['http://n8n:5678', 'a Docker Compose service name'],
		['http://n8n.local:5678', 'mDNS'],
		['http://n8n.internal', 'a cloud-internal name'],
		['http://100.64.1.2:5678', 'carrier-grade NAT (Tailscale)'],
		['http://169.254.10.20', 'link-local'],
		['http://10.0.0.5', 'private'],
		['http://[fd12:3456::1]:5678', 'IPv6 unique-local'],
		['http://[fe80::1]:5678', 'IPv6 link-local'],
		['http://[::1]:5678', 'IPv6 loopback'],
	])('%s (%s)', (origin) => {
		let error: unknown;
		try {
			checkResumeUrlReachable(resume(origin));
		} catch (caught) {
			error = caught;
		}
		expect(error).toBeInstanceOf(InputError);
		expect((error as InputError).message).toContain(`fal cannot call n8n back at ${new URL(origin).origin}`);
		expect((error as InputError).hint).toMatch(/WEBHOOK_URL/);
	});

	test.each([['https://n8n.example.com'], ['https://automation.example.co.uk:8443'], ['http://203.0.114.7:5678']])('%s is accepted', (origin) => {
		expect(() => checkResumeUrlReachable(resume(origin))).not.toThrow();
	});
});
