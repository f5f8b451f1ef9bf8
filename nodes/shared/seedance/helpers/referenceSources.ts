/** Reads where reference-to-video's images, videos and audio come from, as the user set it. */
import type { IExecuteFunctions } from 'n8n-workflow';

import { REFERENCE_LIMITS, type MediaKind } from '../../schema';
import { REFERENCE_PARAMETER } from '../description/referenceFields';
import { InputError } from './errors';

export type ReferenceSource =
	| { media: MediaKind; kind: 'url'; url: string }
	| { media: MediaKind; kind: 'binary'; property: string }
	/** Every binary of the item whose MIME type is of this media, in the item's order. */
	| { media: MediaKind; kind: 'allBinaries' };

const MEDIA: readonly MediaKind[] = ['image', 'video', 'audio'];

/** A list typed as text (one per line or comma-separated) or given by an expression as an array. */
function readList(value: unknown): string[] {
	const entries = Array.isArray(value) ? value.map((entry) => String(entry ?? '')) : String(value ?? '').split(/[\n,]/);
	return entries.map((entry) => entry.trim()).filter((entry) => entry !== '');
}

function readOne(ctx: IExecuteFunctions, itemIndex: number, media: MediaKind): ReferenceSource[] {
	const prefix = REFERENCE_PARAMETER[media];
	const label = REFERENCE_LIMITS[media].label;
	const source = ctx.getNodeParameter(`${prefix}Source`, itemIndex, 'none') as string;
	if (source === 'none') return [];
	if (source === 'allBinaries') return [{ media, kind: 'allBinaries' }];
	if (source === 'binary') {
		const properties = readList(ctx.getNodeParameter(`${prefix}BinaryProperties`, itemIndex, 'data'));
		if (properties.length === 0) throw new InputError(`${label}: Binary Properties`, 'is empty', 'Name the binary properties of the incoming item, comma-separated, e.g. "product, logo".');
		return properties.map((property) => ({ media, kind: 'binary', property }));
	}
	const urls = readList(ctx.getNodeParameter(`${prefix}Urls`, itemIndex, ''));
	if (urls.length === 0) throw new InputError(`${label}: URLs`, 'is empty', 'Give one public http(s) URL per line, or set the source to None.');
	return urls.map((url) => ({ media, kind: 'url', url }));
}

export function readReferenceSources(ctx: IExecuteFunctions, itemIndex: number): ReferenceSource[] {
	return MEDIA.flatMap((media) => readOne(ctx, itemIndex, media));
}
