import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';

import { REFERENCE_LIMITS, type MediaKind } from '../../schema';
import { GENERATE_FIELD_OPERATIONS } from './costFields';
import { withoutBinarySources, withToolOptions } from './toolFields';

const MEGABYTE = 1024 * 1024;

/** `referenceImage`, `referenceVideo`, `referenceAudio`: the parameter name prefix of each list. */
export const REFERENCE_PARAMETER: Record<MediaKind, string> = { image: 'referenceImage', video: 'referenceVideo', audio: 'referenceAudio' };
const NOUN: Record<MediaKind, { one: string; many: string }> = {
	image: { one: 'Image', many: 'Images' },
	video: { one: 'Video', many: 'Videos' },
	audio: { one: 'Audio', many: 'Audio' },
};

function limitText(media: MediaKind): string {
	const limit = REFERENCE_LIMITS[media];
	const formats = limit.formats.map((format) => format.toUpperCase()).join('/');
	const parts = [`up to ${limit.maxCount}`, formats];
	if (limit.maxBytesEach) parts.push(`at most ${limit.maxBytesEach / MEGABYTE} MB each`);
	if (limit.maxBytesTotal) parts.push(`under ${limit.maxBytesTotal / MEGABYTE} MB in all`);
	if (limit.maxSecondsTotal) parts.push(`${limit.minSecondsTotal ? `${limit.minSecondsTotal}–` : 'at most '}${limit.maxSecondsTotal} s in all`);
	return parts.join(', ');
}

/** Where one list of references comes from: URLs, named binary properties, or all binaries of its kind. */
export function referenceFields(media: MediaKind): INodeProperties[] {
	const limit = REFERENCE_LIMITS[media];
	const { one, many } = NOUN[media];
	const prefix = REFERENCE_PARAMETER[media];
	const show = (source: string) => ({ show: { operation: GENERATE_FIELD_OPERATIONS, [`${prefix}Source`]: [source] } });
	const sourceOptions: INodePropertyOptions[] = [
		{ name: 'None', value: 'none', description: `No reference ${many.toLowerCase()}` },
		{ name: 'URLs', value: 'url', description: 'Public http(s) URLs that fal downloads' },
		{ name: 'Binary Properties', value: 'binary', description: 'Named binary properties of the incoming item, uploaded to fal storage' },
		{ name: `All ${one} Binaries of the Item`, value: 'allBinaries', description: `Every ${one.toLowerCase()} binary of the incoming item, in its order, uploaded to fal storage` },
	];
	const sourceField: INodeProperties = {
		displayName: limit.label,
		name: `${prefix}Source`,
		type: 'options',
		default: 'none',
		options: sourceOptions,
		description: `${limitText(media)}. Named @${limit.tag}1, @${limit.tag}2… in the prompt, in this order.`,
		displayOptions: { show: { operation: GENERATE_FIELD_OPERATIONS } },
	};
	return [
		...withToolOptions(sourceField, withoutBinarySources(sourceOptions)),
		{
			displayName: `${one} URLs`,
			name: `${prefix}Urls`,
			type: 'string',
			typeOptions: { rows: 2 },
			default: '',
			required: true,
			placeholder: `https://example.com/${media === 'image' ? 'product.png' : media === 'video' ? 'motion.mp4' : 'jingle.mp3'}`,
			description: `One URL per line or comma-separated, or an expression that gives a list. The first is @${limit.tag}1.`,
			displayOptions: show('url'),
		},
		{
			displayName: `${one} Binary Properties`,
			name: `${prefix}BinaryProperties`,
			type: 'string',
			default: 'data',
			required: true,
			placeholder: media === 'image' ? 'product, logo' : 'data',
			description: `Binary properties of the incoming item, comma-separated, in order: the first is @${limit.tag}1`,
			hint: 'Checked by their bytes, then uploaded to fal storage',
			displayOptions: show('binary'),
		},
	];
}
