/** What n8n's editor saves and shows for a node's values, decided by n8n's own NodeHelpers. */
import { NodeHelpers, type INode, type INodeParameters, type INodeTypeDescription } from 'n8n-workflow';

/** What the editor saves for these values: only displayed parameters that differ from their defaults. */
export function savedParameters(description: INodeTypeDescription, typeVersion: number, values: INodeParameters): INodeParameters {
	const node = { typeVersion, parameters: values } as unknown as INode;
	return NodeHelpers.getNodeParameters(description.properties, values, false, false, node, description) ?? {};
}
