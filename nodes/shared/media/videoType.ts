/**
 * What a video really is, read from its first bytes, beside imageType.ts. fal's reference-to-video
 * takes MP4 and MOV [fal R2V page, fal-js types]; both are ISO base media files told apart by the
 * `ftyp` brand ("qt  " is QuickTime), or, for old QuickTime files without `ftyp`, by the first box.
 */
import { ascii } from './isoBoxes';

export type AcceptedVideoType = 'mp4' | 'mov';
export type RefusedVideoType = 'm4a' | '3gp' | 'heif' | 'webm' | 'avi' | 'empty' | 'unknown';

export const VIDEO_MIME_TYPES: Record<AcceptedVideoType, string> = { mp4: 'video/mp4', mov: 'video/quicktime' };

export const VIDEO_TYPE_NAMES: Record<AcceptedVideoType | RefusedVideoType, string> = {
	mp4: 'MP4',
	mov: 'MOV',
	m4a: 'M4A audio',
	'3gp': '3GP',
	heif: 'a HEIC/AVIF image',
	webm: 'WebM/MKV',
	avi: 'AVI',
	empty: 'an empty file (0 bytes)',
	unknown: 'not a recognised video',
};

export type VideoSniff = { accepted: true; type: AcceptedVideoType; mimeType: string } | { accepted: false; type: RefusedVideoType };

/**
 * Major brands of HEIF-family files: still images (HEIC, AVIF) and image sequences, which share
 * the ISO box format with MP4 but are not videos fal takes (ISO/IEC 23008-12 and the AV1 Image
 * File Format: heic/heix/heim/heis, hevc/hevx/hevm/hevs sequences, mif1/msf1, avif/avis).
 */
const HEIF_BRANDS = new Set(['heic', 'heix', 'heim', 'heis', 'hevc', 'hevx', 'hevm', 'hevs', 'mif1', 'mif2', 'msf1', 'avif', 'avis', 'avio']);

/** Boxes a QuickTime file may start with when it has no `ftyp`. */
const QUICKTIME_FIRST_BOXES = new Set(['moov', 'mdat', 'wide', 'free', 'skip', 'pnot']);

export function sniffVideoType(bytes: Uint8Array): VideoSniff {
	if (bytes.length === 0) return { accepted: false, type: 'empty' };
	const box = ascii(bytes, 4, 8);
	if (box === 'ftyp') {
		const brand = ascii(bytes, 8, 12);
		if (brand === 'qt  ') return { accepted: true, type: 'mov', mimeType: VIDEO_MIME_TYPES.mov };
		if (brand.startsWith('M4A') || brand.startsWith('M4B')) return { accepted: false, type: 'm4a' };
		if (brand.startsWith('3g')) return { accepted: false, type: '3gp' };
		if (HEIF_BRANDS.has(brand)) return { accepted: false, type: 'heif' };
		return { accepted: true, type: 'mp4', mimeType: VIDEO_MIME_TYPES.mp4 };
	}
	if (QUICKTIME_FIRST_BOXES.has(box)) return { accepted: true, type: 'mov', mimeType: VIDEO_MIME_TYPES.mov };
	if (bytes[0] === 0x1a && bytes[1] === 0x45 && bytes[2] === 0xdf && bytes[3] === 0xa3) return { accepted: false, type: 'webm' };
	if (ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 12) === 'AVI ') return { accepted: false, type: 'avi' };
	return { accepted: false, type: 'unknown' };
}
