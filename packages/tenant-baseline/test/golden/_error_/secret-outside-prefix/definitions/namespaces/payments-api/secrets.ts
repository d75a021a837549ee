import { defineSecrets } from '@platform-gen/core';

export default defineSecrets({
  secrets: [
    { name: 'db-credentials', key: 'payments/api/db' },
    { name: 'db-credentials', key: 'payments/api/db2' },
    { name: 'other', key: 'payments/apis/db' },
  ],
});
