/**
 * fal's request ids are UUIDs (`764cabcf-b745-4b3e-ae38-1200304cf45b`, fal-protocol.md §1). One
 * goes into a URL path (`…/requests/{id}/status`), so anything else is refused before that: a
 * `../` or `?` in an id would otherwise reach another path of fal's API with the user's key.
 */
const FAL_REQUEST_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isFalRequestId(value: string): boolean {
	return FAL_REQUEST_ID.test(value);
}
