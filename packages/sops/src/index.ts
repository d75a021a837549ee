export type { EncryptionRule } from './_metadata.js';
export {
  ageRecipientOf,
  formatAgeIdentityFile,
  generateAgeIdentity,
  isAgeIdentity,
  isAgeRecipient,
  parseAgeIdentityFile,
} from './age.js';
export { SopsError, type SopsErrorCode } from './errors.js';
export { inspectDocument, type SopsInspection, type SopsInspectionIssue } from './inspect.js';
export {
  DEFAULT_ENCRYPTED_REGEX,
  decryptDocument,
  type EncryptOptions,
  encryptDocument,
  rewrapDocument,
  SOPS_VERSION_WRITTEN,
} from './sops.js';
