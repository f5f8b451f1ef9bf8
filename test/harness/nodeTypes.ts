/**
 * The node types a harness run knows: the node under test, the harness trigger, and any extras.
 */
import type {
	IBinaryData,
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypes,
	IVersionedNodeType,
} from 'n8n-workflow';
import { NodeConnectionTypes, UnexpectedError } from 'n8n-workflow';

/** One item the trigger emits; its binaries are stored through the real BinaryDataService. */
export interface TriggerItem {
	json: IDataObject;
	binary?: Record<string, { data: Buffer; mimeType: string; fileName?: string }>;
}

export const TRIGGER_NODE_TYPE = 'n8n-nodes-harness.harnessTrigger';

/**
 * A manual-trigger-like start node: no inputs, outputs `items`. Binaries go through
 * `helpers.prepareBinaryData`, so in filesystem mode they are files on disk with `filesystem-v2:` ids,
 * exactly what an upstream "Read File" or "HTTP Request" node would hand to our node.
 */
export function createTriggerNodeType(items: TriggerItem[]): INodeType {
	return {
		description: {
			displayName: 'Harness Trigger',
			name: 'harnessTrigger',
			group: ['trigger'],
			version: 1,
			description: 'Emits the items a test gives it',
			defaults: { name: 'Trigger' },
			inputs: [],
			outputs: [NodeConnectionTypes.Main],
			properties: [],
		},
		async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
			const output: INodeExecutionData[] = [];
			for (const item of items) {
				const binary: Record<string, IBinaryData> = {};
				for (const [key, file] of Object.entries(item.binary ?? {})) {
					binary[key] = await this.helpers.prepareBinaryData(file.data, file.fileName, file.mimeType);
				}
				output.push(item.binary ? { json: item.json, binary } : { json: item.json });
			}
			return [output];
		},
	};
}

/** Highest version a node type declares: what a freshly added node on the canvas gets. */
export function latestVersion(type: INodeType | IVersionedNodeType): number {
	if ('nodeVersions' in type) return type.currentVersion;
	const { version } = type.description;
	return Array.isArray(version) ? Math.max(...version) : version;
}

export class HarnessNodeTypes implements INodeTypes {
	constructor(private readonly types: Record<string, INodeType | IVersionedNodeType>) {}

	getByName(nodeType: string): INodeType | IVersionedNodeType {
		const type = this.types[nodeType];
		if (!type) throw new UnexpectedError(`Unknown node type "${nodeType}" in the test harness`);
		return type;
	}

	getByNameAndVersion(nodeType: string, version?: number): INodeType {
		const type = this.getByName(nodeType);
		return 'nodeVersions' in type ? type.getNodeType(version) : type;
	}

	getKnownTypes(): IDataObject {
		return {};
	}
}
