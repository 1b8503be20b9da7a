// Checks an updater signature as Tauri's updater does before installing (minisign, through the minisign-verify
// crate): the public key and the .sig are base64 of minisign's text files; the signature is Ed25519 over the
// file's BLAKE2b-512 hash (algorithm "ED") or over the file itself ("Ed"), and a second, global signature covers
// the first with the trusted comment (where the bundler puts the version). Node's crypto does both.
import { createHash, createPublicKey, verify } from 'node:crypto';
import { readFileSync } from 'node:fs';

/** The second line of a base64-wrapped minisign file, decoded. */
function payload(wrapped, what) {
  const lines = Buffer.from(wrapped.trim(), 'base64').toString('utf8').split('\n');
  if (!lines[0]?.startsWith('untrusted comment:') || !lines[1]) throw new Error(`${what} is not a minisign file`);
  return { bytes: Buffer.from(lines[1], 'base64'), lines };
}

/**
 * Whether `sigText` (a .sig file's content) signs the file at `path` with `publicKey` (the updater's public key
 * as a build is given it). Answers the reason it does not, or null when it does.
 */
export function signatureProblem(path, sigText, publicKey) {
  const key = payload(publicKey, 'the public key').bytes;
  if (key.length !== 42 || key.subarray(0, 2).toString() !== 'Ed') return 'the public key is not an Ed25519 minisign key';
  const { bytes: sig, lines } = payload(sigText, 'the signature');
  if (sig.length !== 74) return 'the signature line has the wrong length';
  const algorithm = sig.subarray(0, 2).toString();
  if (!sig.subarray(2, 10).equals(key.subarray(2, 10))) return 'the signature was made by another key';
  const ed25519 = createPublicKey({
    key: { kty: 'OKP', crv: 'Ed25519', x: key.subarray(10).toString('base64url') },
    format: 'jwk',
  });
  if (algorithm !== 'ED' && algorithm !== 'Ed') return `unknown signature algorithm ${algorithm}`;
  const file = readFileSync(path);
  const message = algorithm === 'ED' ? createHash('blake2b512').update(file).digest() : file;
  if (!verify(null, message, ed25519, sig.subarray(10))) return 'the signature does not match the file';
  const trusted = lines[2]?.startsWith('trusted comment: ') ? lines[2].slice('trusted comment: '.length) : null;
  if (trusted === null || !lines[3]) return 'the signature has no trusted comment';
  const global = Buffer.from(lines[3], 'base64');
  if (!verify(null, Buffer.concat([sig.subarray(10), Buffer.from(trusted)]), ed25519, global)) {
    return 'the trusted comment is not signed';
  }
  return null;
}

/** The version the signature's trusted comment binds it to, if any. */
export function signedVersion(sigText) {
  const { lines } = payload(sigText, 'the signature');
  return lines[2]?.match(/\tversion:([^\t]+)/)?.[1] ?? null;
}
