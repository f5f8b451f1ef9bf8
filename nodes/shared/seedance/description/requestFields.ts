import type { INodeProperties } from 'n8n-workflow';

const onLookup = { show: { operation: ['getStatus', 'getResult', 'cancel'] } };

export const requestFields: INodeProperties[] = [
	{
		displayName: 'Request ID',
		name: 'requestId',
		type: 'string',
		default: '',
		required: true,
		placeholder: '{{ $json.requestId }}',
		description: 'The fal request ID, from a "Submit Only" output or the Seedance Trigger',
		displayOptions: onLookup,
	},
	{
		displayName: 'Draft ID',
		name: 'draftId',
		type: 'string',
		default: '',
		required: true,
		placeholder: '{{ $json.draftId }}',
		description:
			'The draftId of a Seedance 2.5 Generate Video run with "Draft (480p Preview)" on. fal renders that draft at 1080p, within 7 days of the draft and with the same fal account.',
		displayOptions: { show: { operation: ['completeDraft'] } },
	},
	{
		displayName: 'Include Logs',
		name: 'includeLogs',
		type: 'boolean',
		default: false,
		description: "Whether to include the model's log lines in the output",
		displayOptions: { show: { operation: ['getStatus'] } },
	},
];
