import { defineSecrets } from '@platform-gen/core';

export default defineSecrets({
  secrets: [{ name: 'settlement-sftp', key: 'shared/settlement/sftp' }],
});
