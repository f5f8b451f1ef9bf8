/** The words each node of the family uses for itself; everything else comes from the schema. */
import { usdPerSecondAt720p, type Kind, type Variant } from '../../schema';

export interface KindText {
	generateAction: string;
	generateDescription: string;
	promptPlaceholder: string;
	promptDescription: string;
	/** What "auto" aspect ratio means for this kind [P][J]. */
	autoAspectRatio: string;
	aspectRatioDescription: string;
}

export const KIND_TEXT: Record<Kind, KindText> = {
	'text-to-video': {
		generateAction: 'Generate a video from a prompt',
		generateDescription: 'Write what happens; get an MP4',
		promptPlaceholder: 'A barista pours latte art in slow motion, warm morning light, close-up, the hiss of steam.',
		promptDescription: 'Describe the scene, motion, camera and sound. Seedance can cut between shots within one clip.',
		autoAspectRatio: 'Auto',
		aspectRatioDescription: 'Auto lets Seedance choose. 9:16 suits TikTok, Reels and Shorts; 16:9 suits YouTube.',
	},
	'image-to-video': {
		generateAction: 'Generate a video from an image',
		generateDescription: 'Animate an image into an MP4',
		promptPlaceholder: 'The cat slowly turns its head and blinks, fur ruffling in a gentle breeze.',
		promptDescription: 'Describe the motion, camera and sound. The image gives the look; the prompt gives what happens.',
		autoAspectRatio: 'Auto (From Image)',
		aspectRatioDescription: 'Auto follows the start image. 9:16 suits TikTok, Reels and Shorts; 16:9 suits YouTube.',
	},
	'reference-to-video': {
		generateAction: 'Generate a video from references',
		generateDescription: 'Combine reference images, videos and audio into an MP4',
		promptPlaceholder: 'The bottle from @Image1 turns slowly on a marble table, the logo from @Image2 fades in, music from @Audio1.',
		promptDescription:
			'Describe the video and name the references: @Image1 is the first reference image, @Image2 the second, and so on; @Video1… and @Audio1… likewise, in the order they are given below.',
		autoAspectRatio: 'Auto',
		aspectRatioDescription: 'Auto lets Seedance choose. 9:16 suits TikTok, Reels and Shorts; 16:9 suits YouTube.',
	},
};

/** The hint under each Model Tier option, the same in every node: speed, price, resolutions, bitrate. */
export function describeTier(variant: Variant): string {
	const perSecond = usdPerSecondAt720p(variant);
	const bitrate = variant.hasBitrateMode ? 'bitrate standard or high' : 'no bitrate choice';
	return `${variant.tradeOff} · $${perSecond.toFixed(4)} per second at 720p · ${variant.resolutions.join(', ')} · ${bitrate}`;
}
