/**
 * What an audio file really is, read from its first bytes, beside imageType.ts. fal's
 * reference-to-video takes MP3 and WAV [fal R2V page, fal-js types].
 */
import { ascii } from './isoBoxes';
import { readMp3FrameHeader } from './mp3Frames';

export type AcceptedAudioType = 'mp3' | 'wav';
export type RefusedAudioType = 'flac' | 'ogg' | 'm4a' | 'aiff' | 'empty' | 'unknown';

export const AUDIO_MIME_TYPES: Record<AcceptedAudioType, string> = { mp3: 'audio/mpeg', wav: 'audio/wav' };

export const AUDIO_TYPE_NAMES: Record<AcceptedAudioType | RefusedAudioType, string> = {
	mp3: 'MP3',
	wav: 'WAV',
	flac: 'FLAC',
	ogg: 'Ogg',
	m4a: 'M4A/AAC',
	aiff: 'AIFF',
	empty: 'an empty file (0 bytes)',
	unknown: 'not a recognised audio file',
};

export type AudioSniff = { accepted: true; type: AcceptedAudioType; mimeType: string } | { accepted: false; type: RefusedAudioType };

export function sniffAudioType(bytes: Uint8Array): AudioSniff {
	if (bytes.length === 0) return { accepted: false, type: 'empty' };
	if (ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 12) === 'WAVE') return { accepted: true, type: 'wav', mimeType: AUDIO_MIME_TYPES.wav };
	if (ascii(bytes, 0, 3) === 'ID3' || readMp3FrameHeader(bytes, 0)) return { accepted: true, type: 'mp3', mimeType: AUDIO_MIME_TYPES.mp3 };
	if (ascii(bytes, 0, 4) === 'fLaC') return { accepted: false, type: 'flac' };
	if (ascii(bytes, 0, 4) === 'OggS') return { accepted: false, type: 'ogg' };
	if (ascii(bytes, 4, 8) === 'ftyp') return { accepted: false, type: 'm4a' };
	if (ascii(bytes, 0, 4) === 'FORM' && ascii(bytes, 8, 11) === 'AIF') return { accepted: false, type: 'aiff' };
	return { accepted: false, type: 'unknown' };
}
