import { defineSecrets } from '@platform-gen/core';

export default defineSecrets({
  secrets: [
    { name: 'db-credentials', key: 'payments/api/db', properties: ['username', 'password'] },
    { name: 'psp-api-key', key: 'payments/api/psp', refreshInterval: '15m' },
  ],
});
