/** Options → what fal keeps of a request and who can read its files (README, "Privacy and retention"). */
import type { INodeProperties } from 'n8n-workflow';

export const MAX_SIGNED_LINK_SECONDS = 7 * 24 * 60 * 60;

/** The operations that make a video at fal (generateFields.ts VIDEO_OPERATIONS, kept literal here to avoid an import cycle). */
const onGenerate = { show: { '/operation': ['generate', 'completeDraft'] } };

/** On Generate Video, Get Result and the Seedance Trigger. */
export const deleteAfterDownloadOption: INodeProperties = {
	displayName: 'Delete at Fal After Download',
	name: 'deleteAfterDownload',
	type: 'boolean',
	default: false,
	description:
		"Whether to delete the request's input and output JSON and its output files at fal once the video is stored in n8n. Needs an ADMIN Fal API key; a refusal is reported on the item (deletedAtFal). Uploaded input files are not deleted.",
};

/** On Generate Video and Complete Draft (every mode), and Get Result (the ones about reading files). */
export const privacyOptions: INodeProperties[] = [
	{
		displayName: 'Output Files',
		name: 'outputFiles',
		type: 'options',
		options: [
			{ name: 'Public Link', value: 'public', description: "The default at fal: anyone with the video's URL can open it until fal deletes it" },
			{
				name: 'Private to My Fal Account',
				value: 'private',
				description: 'Only links signed with your key can open the video (and the images uploaded for it); the node signs them',
			},
		],
		default: 'public',
		description:
			'Who can open the files at fal. Private sets the initial access list of the outputs and uploads to forbid; the node downloads through a signed link, and Return URL Only gives a signed link that expires. On Get Result: whether the job was made private.',
	},
	{
		displayName: 'Signed Link Lifetime (Seconds)',
		name: 'signedLinkSeconds',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: MAX_SIGNED_LINK_SECONDS },
		default: 86400,
		description: 'With private Output Files and Return URL Only: how long the signed link works. fal allows at most 7 days (604800).',
	},
	{
		displayName: 'Delete Outputs at Fal After (Seconds)',
		name: 'deleteOutputsAfterSeconds',
		type: 'number',
		typeOptions: { minValue: 0 },
		default: 0,
		description:
			"Fal deletes the video (and the images uploaded for it) from its CDN this long after making it. The node downloads at once, so a short time such as 600 is safe; with Return URL Only or the webhook modes leave time to fetch it. 0: fal's default retention.",
		displayOptions: onGenerate,
	},
	{
		displayName: 'Store Request at Fal',
		name: 'storePayloads',
		type: 'boolean',
		default: true,
		description:
			"Whether fal keeps the request's input and output JSON (prompt, image URLs, video URL) in your request history. Off sends X-Fal-Store-IO: 0. Files on fal's CDN are not affected.",
		displayOptions: onGenerate,
	},
	deleteAfterDownloadOption,
];
