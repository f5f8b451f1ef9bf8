/**
 * Seedance 2.5's draft mode on fal, named for the operations that use it. The facts and their sources
 * live once, in versions.ts (SEEDANCE_2_5.draft):
 *   [OA] fal's queue OpenAPI for the 2.5 endpoints, as quoted by a third-party facts ledger (2026-10-06).
 *   [LL] fal's llms.txt model pages, as quoted by a third-party provider document (2026-10-04).
 *   [N]  a user's production notes (stored-index id 70765819112, 2026-09-26).
 */
import type { DraftFacts, Resolution } from './types';
import { SEEDANCE_2_5 } from './versions';

const DRAFT = SEEDANCE_2_5.draft as DraftFacts;

/** `draft: true` on a 2.5 generate endpoint makes a 480p preview and returns `draft_id` [OA][LL]. */
export const DRAFT_RESOLUTION: Resolution = DRAFT.resolution;

/** Renders a draft at 1080p from `{ draft_id }` [LL]; its queue is the 2.5 app's (owner/app). */
export const DRAFT_COMPLETE_ENDPOINT = DRAFT.completeEndpoint;
export const COMPLETED_DRAFT_RESOLUTION: Resolution = DRAFT.completeResolution;

/** A draft can be completed within 7 days, by the account that made it [LL][N]. */
export const DRAFT_LIFETIME_DAYS = DRAFT.validDays;
