/**
 * One look at a reference's bytes: its real format and, for video and audio, its length.
 * Pure; the reference checks (schema/references.ts) take what this returns. `totalBytes` is the
 * file's size when `bytes` is only what was read of it (its head, or an MP4's metadata boxes).
 */
import { AUDIO_TYPE_NAMES, sniffAudioType } from './audioType';
import { mp3DurationSeconds, mp4DurationSeconds, wavDurationSeconds } from './duration';
import { IMAGE_TYPE_NAMES, sniffImageType } from './imageType';
import { sniffVideoType, VIDEO_TYPE_NAMES } from './videoType';

export interface MediaFacts {
	/** The sniffed type ("mp4", "wav", …); accepted or not by fal for this kind of reference. */
	type: string;
	typeName: string;
	accepted: boolean;
	mimeType?: string;
	bytes: number;
	seconds?: number;
}

export function inspectImage(bytes: Uint8Array, totalBytes = bytes.length): MediaFacts {
	const sniff = sniffImageType(bytes);
	const facts: MediaFacts = { type: sniff.type, typeName: IMAGE_TYPE_NAMES[sniff.type], accepted: sniff.accepted, bytes: totalBytes };
	if (sniff.accepted) facts.mimeType = sniff.mimeType;
	return facts;
}

export function inspectVideo(bytes: Uint8Array, totalBytes = bytes.length): MediaFacts {
	const sniff = sniffVideoType(bytes);
	const facts: MediaFacts = { type: sniff.type, typeName: VIDEO_TYPE_NAMES[sniff.type], accepted: sniff.accepted, bytes: totalBytes };
	if (sniff.accepted) {
		facts.mimeType = sniff.mimeType;
		facts.seconds = mp4DurationSeconds(bytes);
	}
	return facts;
}

export function inspectAudio(bytes: Uint8Array, totalBytes = bytes.length): MediaFacts {
	const sniff = sniffAudioType(bytes);
	const facts: MediaFacts = { type: sniff.type, typeName: AUDIO_TYPE_NAMES[sniff.type], accepted: sniff.accepted, bytes: totalBytes };
	if (sniff.accepted) {
		facts.mimeType = sniff.mimeType;
		facts.seconds = sniff.type === 'wav' ? wavDurationSeconds(bytes, totalBytes) : mp3DurationSeconds(bytes);
	}
	return facts;
}
