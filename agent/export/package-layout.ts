/**
 * Where things are inside an export package (besides the BagIt tag files in bag-files.ts):
 *
 *     <export id>/
 *       bagit.txt  bag-info.txt  manifest-sha256.txt  tagmanifest-sha256.txt  README.txt
 *       signature/checkpoint.msg  signature/checkpoint.sig
 *       data/clips/<serial>/<safe name>  data/clips.json  data/ledger-events.jsonl
 *       data/checkpoint.json  data/dock-key.pub.pem
 */

/** The index of the clips (schemas/export-manifest.schema.json). */
export const CLIP_INDEX_FILE = 'data/clips.json';
/** The ledger events concerned, one JSON object a line. */
export const EVENTS_FILE = 'data/ledger-events.jsonl';
/** The signed checkpoint. */
export const CHECKPOINT_FILE = 'data/checkpoint.json';
/** The dock's public key (SPKI PEM). */
export const PUBLIC_KEY_FILE = 'data/dock-key.pub.pem';
/** The README for people, in Chinese and English. */
export const README_FILE = 'README.txt';
/** The checkpoint's signed bytes, for openssl. */
export const SIGNED_MESSAGE_FILE = 'signature/checkpoint.msg';
/** The checkpoint's Ed25519 signature, 64 raw bytes. */
export const SIGNATURE_FILE = 'signature/checkpoint.sig';
