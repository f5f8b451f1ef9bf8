/**
 * Fast-tier jobs that may hang for half an hour and then fail (schema/knownIssues.ts): a notice under
 * the Duration field, and a warning on the execution when one is submitted. Never a refusal, since fal
 * may have fixed it.
 */
import type { IExecuteFunctions } from 'n8n-workflow';

import { FAST_TIER_LONG_JOB_RISK, riskyDurations, type CommonInput, type Resolution, type TierId } from '../../schema';

export function longJobWarning(resolution: Resolution, maxSeconds: number): string {
	return (
		`On the Fast tier, users report that videos longer than ${maxSeconds} s at ${resolution} can stay "in progress" at fal for 30 minutes or more and then fail (422). ` +
		`Choose ${maxSeconds} s or less, or the Standard tier, unless you have checked that fal has fixed it.`
	);
}

/** The warning for this request, if it is one of the reported cases. */
export function longJobRiskOf(tier: TierId, input: Pick<CommonInput, 'resolution' | 'duration'>): string | undefined {
	const risk = FAST_TIER_LONG_JOB_RISK;
	if (tier !== risk.tier) return undefined;
	const maxSeconds = risk.maxSecondsByResolution[input.resolution];
	if (maxSeconds === undefined || riskyDurations(risk, input.resolution, [input.duration]).length === 0) return undefined;
	return longJobWarning(input.resolution, maxSeconds);
}

/** One execution hint per node run, whatever the number of items it applies to. */
const warned = new WeakSet<IExecuteFunctions>();

export function warnAboutLongJob(ctx: IExecuteFunctions, tier: TierId, input: Pick<CommonInput, 'resolution' | 'duration'>): void {
	const warning = longJobRiskOf(tier, input);
	if (!warning || warned.has(ctx)) return;
	warned.add(ctx);
	ctx.addExecutionHints({ message: warning, type: 'warning', location: 'outputPane' });
}
