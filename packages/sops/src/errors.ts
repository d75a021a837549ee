/**
 * Stable error codes of `@platform-gen/sops`. Callers branch on `code`, never on the message.
 *
 * - `E_SOPS_NOT_SOPS`: the text is not YAML, not a mapping, or has no top-level `sops` mapping.
 * - `E_SOPS_MALFORMED`: it is a SOPS file, but its metadata or an `ENC[…]` value is broken.
 * - `E_SOPS_MAC_MISMATCH`: the file's MAC does not verify (something was edited outside SOPS).
 * - `E_SOPS_VALUE_TAMPERED`: an encrypted value fails its AES-GCM authentication (edited, moved or swapped).
 * - `E_SOPS_NO_IDENTITY`: none of the given age identities matches a recipient of the file.
 * - `E_SOPS_UNSUPPORTED`: valid SOPS we do not implement (PGP/KMS only, Shamir key groups, comment rules, …).
 * - `E_SOPS_BAD_KEY`: a string that should be an age identity or recipient is not one.
 * - `E_SOPS_ALREADY_ENCRYPTED`: the document to encrypt already has a top-level `sops` key.
 * - `E_SOPS_BAD_INPUT`: the document or options cannot be encrypted (e.g. a `Date` value, no recipients).
 */
export type SopsErrorCode =
  | 'E_SOPS_NOT_SOPS'
  | 'E_SOPS_MALFORMED'
  | 'E_SOPS_MAC_MISMATCH'
  | 'E_SOPS_VALUE_TAMPERED'
  | 'E_SOPS_NO_IDENTITY'
  | 'E_SOPS_UNSUPPORTED'
  | 'E_SOPS_BAD_KEY'
  | 'E_SOPS_ALREADY_ENCRYPTED'
  | 'E_SOPS_BAD_INPUT';

/**
 * The one error class of this package, shaped like core's `PlatformError` (stable `code`, `cause`, a message
 * that says what, where and how to fix). It does not extend `PlatformError` on purpose: this package has no
 * dependency on `@platform-gen/core`, and the CLI treats a bare `PlatformError` as an internal bug, whereas a
 * tampered file is a user error the caller must report as such.
 *
 * Messages never contain key material: identities are referred to by position, never quoted.
 */
export class SopsError extends Error {
  override readonly name = 'SopsError';
  readonly code: SopsErrorCode;

  constructor(code: SopsErrorCode, message: string, options: { cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
  }
}
