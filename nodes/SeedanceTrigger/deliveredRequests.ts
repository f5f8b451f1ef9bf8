/**
 * Request ids this trigger has already started the workflow for. fal delivers a webhook again
 * (up to 10 times over about 2 hours) when it did not get a 2xx, and a redelivery carries a fresh
 * timestamp and signature, so only the request id tells it apart.
 *
 * Kept in the workflow's static data (`getWorkflowStaticData('node')`), which n8n saves to its
 * database after each production webhook call (n8n/dist/webhooks/live-webhooks.js `saveStaticData`)
 * and loads again with the next one: it survives restarts and is shared by the webhook processes
 * of queue mode for deliveries that come one after another. Two deliveries of the same id that
 * arrive at the same moment in two different processes can both pass (static data has no lock);
 * within one process an in-flight set closes that gap.
 */
import type { IDataObject } from 'n8n-workflow';

/** Longer than fal's redelivery window (about 2 hours). */
export const DEDUPE_WINDOW_MS = 3 * 60 * 60 * 1000;
/** Ids kept at most; the oldest go first. */
export const DEDUPE_MAX_ENTRIES = 5000;

const STATIC_KEY = 'deliveredRequestIds';

/** Ids being handled right now in this process (their confirmation with fal is under way). */
const inFlight = new Set<string>();

/** Ids this process started the workflow for, with when: checked before static data. */
const deliveredHere = new Map<string, number>();

function pruneHere(nowMs: number): void {
	for (const [id, seenAt] of deliveredHere) {
		if (nowMs - seenAt < DEDUPE_WINDOW_MS && deliveredHere.size <= DEDUPE_MAX_ENTRIES) break;
		deliveredHere.delete(id);
	}
}

function deliveredMap(staticData: IDataObject): Record<string, number> {
	const value = staticData[STATIC_KEY];
	if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, number>;
	const created: Record<string, number> = {};
	staticData[STATIC_KEY] = created;
	return created;
}

export type DeliveryClaim = 'new' | 'delivered' | 'in-flight';

/** Claims a request id for this delivery: 'new' once; releaseDelivery or markDelivered afterwards. */
export function claimDelivery(staticData: IDataObject, requestId: string, nowMs: number): DeliveryClaim {
	const seenHere = deliveredHere.get(requestId);
	if (seenHere !== undefined && nowMs - seenHere < DEDUPE_WINDOW_MS) return 'delivered';
	const seenAt = deliveredMap(staticData)[requestId];
	if (typeof seenAt === 'number' && nowMs - seenAt < DEDUPE_WINDOW_MS) return 'delivered';
	if (inFlight.has(requestId)) return 'in-flight';
	inFlight.add(requestId);
	return 'new';
}

export function releaseDelivery(requestId: string): void {
	inFlight.delete(requestId);
}

/** Records in this process that the workflow runs for this id (checked first by claimDelivery). */
export function markDelivered(requestId: string, nowMs: number): void {
	inFlight.delete(requestId);
	deliveredHere.delete(requestId);
	deliveredHere.set(requestId, nowMs);
	pruneHere(nowMs);
}

/**
 * Writes every id this process delivered into the static data n8n is about to save, merged with
 * what was loaded; drops ids past the window or over the cap. Called last in webhook(), after the
 * download: n8n saves the whole object then, so it must hold the entries of calls that finished
 * meanwhile.
 */
export function writeDeliveredRecord(staticData: IDataObject, nowMs: number): void {
	const delivered = deliveredMap(staticData);
	for (const [id, seenAt] of deliveredHere) if (!(delivered[id] >= seenAt)) delivered[id] = seenAt;
	for (const [id, seenAt] of Object.entries(delivered)) {
		if (typeof seenAt !== 'number' || nowMs - seenAt >= DEDUPE_WINDOW_MS) delete delivered[id];
	}
	const ids = Object.keys(delivered).sort((a, b) => delivered[a] - delivered[b]);
	for (const id of ids.slice(0, Math.max(0, ids.length - DEDUPE_MAX_ENTRIES))) delete delivered[id];
	// Reassigned, so n8n's static-data proxy marks it changed and saves it.
	staticData[STATIC_KEY] = { ...delivered };
}

/** Forgets this process's record (tests: a fresh process). */
export function clearDeliveredHere(): void {
	deliveredHere.clear();
	inFlight.clear();
}
