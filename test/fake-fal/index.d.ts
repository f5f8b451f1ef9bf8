/** Types for the fake fal server (index.js), so TypeScript tests get checked names. See README.md. */
import type { EventEmitter } from 'events';
import type { KeyObject } from 'crypto';
import type { Readable } from 'stream';

export type RequestKind =
	| 'submit'
	| 'status'
	| 'status-stream'
	| 'result'
	| 'cancel'
	| 'upload-initiate'
	| 'sign'
	| 'delete-payloads'
	| 'request-history'
	| 'upload-put'
	| 'upload-part'
	| 'upload-complete'
	| 'download'
	| 'jwks'
	| 'pricing'
	| 'pricing-estimate'
	| 'unknown';

export type FaultKind = Exclude<RequestKind, 'unknown'>;

export type VideoOption = { file: string } | { sizeBytes: number };

export interface JobScript {
	queueMs?: number;
	jobMs?: number;
	neverFinish?: boolean;
	/** The job ends COMPLETED and `GET result` answers this (status default 422). */
	error?: { status?: number; body: unknown; headers?: Record<string, string> };
	/** Replaces the default `{video:{url,…}, seed}` result. */
	output?: Record<string, unknown>;
	/** This job's download: another file or generated size. */
	video?: VideoOption;
	/** The webhook carries `payload: null` + `payload_error` (fal-js#153). */
	webhookPayloadError?: boolean;
}

export interface FakeFalOptions {
	host?: string;
	/** 0 (default) = a free port. */
	port?: number;
	/** `null` turns auth off. Default 'test-key'. */
	apiKey?: string | null;
	/** More accounts, `{ [apiKey]: userId }`: each key sees only its own requests (404 for another's). */
	otherAccounts?: Record<string, string>;
	queueMs?: number;
	jobMs?: number;
	/** Jobs IN_PROGRESS at once; the rest wait IN_QUEUE. Default Infinity. */
	concurrency?: number;
	video?: VideoOption;
	behaviour?: (input: any, endpoint: string) => JobScript | undefined | void;
	webhookDelayMs?: number;
	webhookRetries?: number;
	webhookRetryMs?: number;
	sseKeepAliveMs?: number;
	userId?: string;
	/** How long a Seedance 2.5 draft can be completed (default 7 days). */
	draftTtlMs?: number;
	/** Output URLs on this base, e.g. 'http://v3b.fal.media' (reach it through a forward proxy's `hosts`); default the fake's URL. */
	mediaBaseUrl?: string;
	/** The account's default ACL is forbid: files without an initial_acl answer 403 unless signed (media.js). */
	privateByDefault?: boolean;
	/** Platform API scopes per key ('assets:read', 'admin'); a key not listed has both. */
	keyScopes?: Record<string, string[]>;
}

/** A file on the fake's CDN (media.js). */
export interface FakeMediaFile {
	url: string;
	kind: 'output' | 'input';
	requestId?: string;
	ownerKey?: string;
	acl: 'allow' | 'forbid' | 'hide';
	expiresAt?: number;
	deleted: boolean;
}

/** fal's media and Platform storage APIs as the fake plays them (media.js). */
export interface FakeMedia {
	clock: { now(): number; advance(ms: number): void };
	/** By URL path (`/files/…`). */
	files: Map<string, FakeMediaFile>;
	requests: Map<string, { requestId: string; endpoint: string; ownerKey?: string; storeIo: boolean; lifecycle?: Record<string, unknown>; payloadsDeleted: boolean }>;
	/** The payloads fal keeps of a request: null when not stored (X-Fal-Store-IO: 0) or deleted; undefined when unknown. */
	storedPayloads(requestId: string): { input: unknown; output: unknown } | null | undefined;
}

/** A Seedance 2.5 draft: made by a 2.5 generate request with `draft: true` (or `fake.drafts.create`). */
export interface FakeDraft {
	draftId: string;
	/** The key that made it; only that account can complete it. */
	ownerKey: string | undefined;
	requestId: string | undefined;
	endpoint: string;
	input: any;
	seed: number;
	createdAt: number;
	expiresAt: number;
	/** Request ids of the draft/complete jobs that rendered it. */
	completions: string[];
}

export interface FakeDrafts {
	/** The drafts' clock: starts at real time; `advance(ms)` / `advanceDays(n)` age every draft. */
	clock: { now(): number; advance(ms: number): void; advanceDays(days: number): void };
	drafts: Map<string, FakeDraft>;
	ttlMs: number;
	/** Seeds a draft without a generation. */
	create(draft?: { draftId?: string; ownerKey?: string; requestId?: string; endpoint?: string; input?: any; seed?: number; createdAt?: number }): FakeDraft;
}

export interface LogEntry {
	time: number;
	kind: RequestKind;
	method: string;
	path: string;
	query: Record<string, string>;
	headers: Record<string, string | string[] | undefined>;
	/** Parsed JSON, `{bytes:n}` for binary bodies, undefined when empty. */
	body: any;
	/** HTTP status answered, or 'dropped' when a fault destroyed the socket. */
	responseStatus: number | 'dropped' | undefined;
	/** true when a scripted fault answered this request. */
	fault?: boolean;
}

export interface JobOutcome {
	status: number;
	body: any;
	headers?: Record<string, string>;
}

export interface FakeJob {
	requestId: string;
	endpoint: string;
	/** The Seedance version of the endpoint ('2.0', '2.5'); undefined for an unknown endpoint. */
	version: '2.0' | '2.5' | undefined;
	tier: 'fast' | 'standard' | 'mini' | undefined;
	kind: 'text-to-video' | 'image-to-video' | 'reference-to-video' | undefined;
	input: any;
	webhookUrl: string | undefined;
	/** The key that submitted it (undefined with auth off); only it can read the request. */
	ownerKey: string | undefined;
	/** The submitting account's user id, sent as X-Fal-Webhook-User-Id. */
	userId: string;
	status: 'IN_QUEUE' | 'IN_PROGRESS' | 'COMPLETED';
	cancelled: boolean;
	submittedAt: number;
	startedAt: number | undefined;
	completedAt: number | undefined;
	events: Array<{ type: 'IN_QUEUE' | 'IN_PROGRESS' | 'COMPLETED' | 'CANCELLED'; time: number }>;
	logs: Array<{ message: string; level: string; source: string; timestamp: string }>;
	/** What `GET result` answers once COMPLETED. */
	outcome: JobOutcome | undefined;
	/** The resolution the video is rendered at: the input's, 480p for a 2.5 draft, 1080p for draft/complete. */
	renderedResolution: string | undefined;
}

export interface FakeUpload {
	fileUrl: string;
	contentType: string;
	fileName: string;
	bytes: Buffer;
}

export interface Fault {
	on: FaultKind;
	status?: number;
	/** Default: fal's infra body for the status; a string is sent as text/html. */
	body?: unknown;
	headers?: Record<string, string>;
	/** Destroy the socket without answering. */
	drop?: boolean;
	/** Wait before answering (or dropping). */
	delayMs?: number;
	/** Default 1. */
	times?: number;
}

export interface WebhookAttempt {
	url: string;
	status: 'OK' | 'ERROR';
	responseStatus: number;
	attempt: number;
	requestId: string;
	error?: string;
}

export interface WebhookRecord {
	time: number;
	url: string;
	requestId: string;
	attempt: number;
	headers: Record<string, string>;
	body: any;
	responseStatus?: number;
	error?: string;
}

export interface SendWebhookOptions {
	/** Sign with a key that is not in the JWKS. */
	forge?: boolean;
	/** Timestamp this many seconds in the past. */
	staleSeconds?: number;
	timestamp?: number;
	/** No X-Fal-Webhook-* headers at all. */
	unsigned?: boolean;
	requestId?: string;
	userId?: string;
	/** Change the body after signing. */
	tamper?: boolean;
	/** Send this exact body instead of JSON.stringify(payload). */
	rawBody?: string | Buffer;
	/** Replay: send these headers (a previous sendWebhook result, or {headers}). */
	reuse?: { sentHeaders: Record<string, string> } | { headers: Record<string, string> };
}

export interface SendWebhookResult {
	status: number;
	body: any;
	headers: Record<string, string | string[] | undefined>;
	sentHeaders: Record<string, string>;
	sentBody: string;
}

export interface FakeFal extends EventEmitter {
	url: string;
	port: number;
	jwksUrl: string;
	jwks: { keys: Array<{ kty: string; crv: string; x: string; kid: string; use: string; alg: string }> };
	webhookPublicKey: KeyObject;
	webhookUserId: string;
	options: Required<Omit<FakeFalOptions, 'video' | 'behaviour' | 'userId'>> & FakeFalOptions;
	log: LogEntry[];
	requests(kind?: RequestKind): LogEntry[];
	jobs: Map<string, FakeJob>;
	/** Seedance 2.5 drafts (drafts.js). */
	drafts: FakeDrafts;
	/** Files, ACLs, signed URLs, expiry, stored payloads (media.js). */
	media: FakeMedia;
	uploads: Map<string, FakeUpload>;
	webhooks: WebhookRecord[];
	/** Highest number of jobs IN_QUEUE/IN_PROGRESS at once (writable: set 0 to reset). */
	maxConcurrentJobs: number;
	/** When set, each submit's answer waits for the promise it returns (undefined: answer at once). */
	holdSubmitAnswer?: (job: FakeJob) => Promise<unknown> | undefined;
	/** Finishes a queued or running job now with its normal outcome (also a `[never]` one); resolves with it. */
	finish(requestId: string): Promise<FakeJob>;
	fault(fault: Fault): void;
	pendingFaults(): Array<Fault & { remaining: number }>;
	sendWebhook(url: string, payload: unknown, options?: SendWebhookOptions): Promise<SendWebhookResult>;
	/** What `GET /v1/models/pricing` lists for an endpoint (pricing.js); null: not listed. */
	setPrice(endpointId: string, price: { unit_price: number; unit?: string; currency?: string } | null): void;
	prices(): Map<string, { unit_price: number; unit: string; currency: string }>;
	close(): Promise<void>;

	on(event: 'submitted' | 'completed' | 'cancelled', listener: (job: FakeJob) => void): this;
	on(event: 'webhook-sent', listener: (attempt: WebhookAttempt) => void): this;
	on(event: 'webhook-failed', listener: (info: { url: string; requestId: string }) => void): this;
	on(event: 'request', listener: (entry: LogEntry) => void): this;
	once(event: 'submitted' | 'completed' | 'cancelled', listener: (job: FakeJob) => void): this;
	once(event: 'webhook-sent', listener: (attempt: WebhookAttempt) => void): this;
	once(event: 'webhook-failed', listener: (info: { url: string; requestId: string }) => void): this;
	once(event: 'request', listener: (entry: LogEntry) => void): this;
}

export function startFakeFal(options?: FakeFalOptions): Promise<FakeFal>;
export const DEFAULT_VIDEO_FILE: string;
export function createGeneratedVideoStream(sizeBytes: number, range?: { start?: number; end?: number }): Readable;
export function generatedVideoSha256(sizeBytes: number): Promise<string>;
export function generatedByteAt(offset: number): number;
