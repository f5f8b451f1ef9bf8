import type { IExecuteFunctions } from 'n8n-workflow';

import type { ImageToVideoInput, ReferenceToVideoInput } from '../../../schema';
import type { FalTransport } from '../../../transport';
import { resolveImages } from '../../helpers/images';
import { warnAboutLongJob } from '../../helpers/longJobRisk';
import type { BuiltInput } from '../../helpers/output';
import type { GenerateRequest } from '../../helpers/parameters';
import { resolveReferences } from '../../helpers/references';

/** The request body for fal: the common fields plus the kind's media, read, checked and uploaded. */
export async function buildInput(ctx: IExecuteFunctions, client: FalTransport, itemIndex: number, request: GenerateRequest): Promise<BuiltInput> {
	const { media } = request;
	warnAboutLongJob(ctx, request.tier.id, request.input);
	if (media.kind === 'image-to-video') {
		const images = await resolveImages(ctx, client, itemIndex, media.startImage, media.endImage);
		const input: ImageToVideoInput = { ...request.input, image_url: images.startUrl };
		if (images.endUrl) input.end_image_url = images.endUrl;
		return { input };
	}
	if (media.kind === 'reference-to-video') {
		const { lists, videos } = await resolveReferences(ctx, client, itemIndex, media.references, request.input.prompt ?? '', request.tier.references, (request.input as ReferenceToVideoInput).task);
		return { input: { ...request.input, ...lists }, videos };
	}
	return { input: { ...request.input } };
}
