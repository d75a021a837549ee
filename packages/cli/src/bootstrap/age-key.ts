/**
 * Checks an age identity file (what `age-keygen` writes: `#` comment lines and `AGE-SECRET-KEY-1…` lines)
 * before it becomes the `sops-age` Secret. The file is a private key: nothing here ever returns, prints or
 * quotes its content; problems name a line number at most.
 */

/** An X25519 identity: the HRP, then Bech32 data in upper case. */
const IDENTITY = /^AGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]+$/;

/** What is wrong with the file, without a word of its content; undefined when it holds at least one identity. */
export function getAgeKeyFileProblem(content: string): string | undefined {
  let identities = 0;
  const lines = content.split(/\r?\n/);
  for (const [index, raw] of lines.entries()) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    if (IDENTITY.test(line)) {
      identities++;
      continue;
    }
    if (line.startsWith('age1')) {
      return `line ${index + 1} is an age recipient (a public key), not an identity: pass the file age-keygen wrote, which holds the AGE-SECRET-KEY-1… line`;
    }
    // sops and KSOPS refuse a keys file with a line they cannot parse.
    return `line ${index + 1} is neither a comment (#) nor an age identity (AGE-SECRET-KEY-1…)`;
  }
  if (identities === 0) return 'it holds no age identity (no AGE-SECRET-KEY-1… line)';
  return undefined;
}
