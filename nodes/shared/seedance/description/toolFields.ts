import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';

/**
 * An options field twice under one name, chosen by n8n's `@tool` display option: as it is in a
 * workflow, and with `toolOptions` when the node runs as an AI Agent's tool (the "…Tool" type n8n
 * generates), which leaves out the values a tool cannot use. helpers/aiTool.ts still refuses those
 * at run time, for a tool node saved with one. Same name and default, so nothing saved changes.
 */
export function withToolOptions(field: INodeProperties, toolOptions: INodePropertyOptions[]): INodeProperties[] {
	const show = field.displayOptions?.show ?? {};
	return [
		{ ...field, displayOptions: { ...field.displayOptions, show: { ...show, '@tool': [false] } } },
		{ ...field, options: toolOptions, displayOptions: { ...field.displayOptions, show: { ...show, '@tool': [true] } } },
	];
}

/** An agent passes a tool text only, never files: binary sources are left out of a tool's choices. */
export function withoutBinarySources(options: INodePropertyOptions[]): INodePropertyOptions[] {
	return options.filter((option) => option.value !== 'binary' && option.value !== 'allBinaries');
}
