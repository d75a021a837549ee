import { defineSecrets } from '@platform-gen/core';

export default defineSecrets({
  secrets: [
    { name: 'db-credentials', key: 'payments/api/db', refreshInterval: '1 hour' },
    { name: 'Bad_Name', key: 42 },
  ],
});
