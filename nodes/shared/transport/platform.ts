/**
 * fal's Platform APIs (`https://api.fal.ai/v1`, fal docs: platform-apis): with an API Host every
 * request goes there instead, under the same `/v1` path, like the queue and storage requests.
 */
import type { FalHosts } from './hosts';

export const FAL_PLATFORM_URL = 'https://api.fal.ai/v1';

/** `path` (starting with `/`) under the Platform API base of these hosts. */
export function platformUrl(hosts: FalHosts, path: string): string {
	return `${hosts.apiHost ? `${hosts.apiHost}/v1` : FAL_PLATFORM_URL}${path}`;
}
