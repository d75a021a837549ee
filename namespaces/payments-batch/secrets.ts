import { defineSecrets } from '@platform-gen/core';

export default defineSecrets({
  secrets: [{ name: 'settlement-sftp', key: 'payments/batch/sftp', properties: ['host', 'username', 'private-key'] }],
});
