/**
 * An item's binary as a file to check and upload: its size from n8n's binary metadata (or the
 * length of its base64, without decoding), and its bytes opened afresh for each reader, streamed
 * from n8n's binary store when it lives there. So a size check comes before any byte is read, and
 * a large file is never held whole in memory.
 */
import type { IBinaryData, IExecuteFunctions } from 'n8n-workflow';

import type { UploadFile } from '../../transport';

export async function binaryFile(ctx: IExecuteFunctions, itemIndex: number, property: string, binary: IBinaryData, fileName: string, mimeType: string): Promise<UploadFile> {
	const binaryId = binary.id;
	if (binaryId) {
		const { fileSize } = await ctx.helpers.getBinaryMetadata(binaryId);
		return { fileName, contentType: mimeType, size: fileSize, open: async () => await ctx.helpers.getBinaryStream(binaryId) };
	}
	return {
		fileName,
		contentType: mimeType,
		size: Buffer.byteLength(binary.data, 'base64'),
		open: async () => await ctx.helpers.getBinaryDataBuffer(itemIndex, property),
	};
}
