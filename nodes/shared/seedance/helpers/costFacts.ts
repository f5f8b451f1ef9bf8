/**
 * What one item's cost depends on, read from its parameters and (for reference videos given as
 * binaries) the length in their metadata boxes: nothing is uploaded and nothing is sent to fal. The same
 * fields, defaults and checks as Generate Video (helpers/parameters.ts).
 */
import type { IExecuteFunctions } from 'n8n-workflow';

import { DEFAULTS, type Kind } from '../../schema';
import type { CostFacts } from './costEstimate';
import { oneOf, readOutputResolution, readTier } from './parameters';
import { readReferenceSources } from './referenceSources';
import { binaryVideoSeconds, propertiesOf } from './references';

/** Seconds of the reference videos in all; undefined when one of them cannot be read (a URL). */
async function referenceVideos(ctx: IExecuteFunctions, itemIndex: number): Promise<CostFacts['videos']> {
	const sources = readReferenceSources(ctx, itemIndex).filter((source) => source.media === 'video');
	let count = 0;
	let seconds: number | undefined = 0;
	for (const source of sources) {
		if (source.kind === 'url') {
			count += 1;
			seconds = undefined;
			continue;
		}
		for (const property of propertiesOf(ctx, itemIndex, source)) {
			count += 1;
			const read = await binaryVideoSeconds(ctx, itemIndex, property);
			seconds = read === undefined || seconds === undefined ? undefined : seconds + read;
		}
	}
	return { count, seconds: count === 0 ? 0 : seconds };
}

export async function readCostFacts(ctx: IExecuteFunctions, itemIndex: number, kind: Kind): Promise<CostFacts> {
	const variant = readTier(ctx, itemIndex, kind);
	const resolution = readOutputResolution(ctx, itemIndex, variant);
	const duration = oneOf('Duration', ctx.getNodeParameter('duration', itemIndex, DEFAULTS.duration), variant.durations, 'Use "auto" or a whole number of seconds.');
	const videos = kind === 'reference-to-video' ? await referenceVideos(ctx, itemIndex) : { count: 0, seconds: 0 };
	return { variant, resolution, duration, videos };
}
