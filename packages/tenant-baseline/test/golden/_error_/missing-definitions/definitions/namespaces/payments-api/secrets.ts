import { defineSecrets } from '@platform-gen/core';

// Not data: a Date where a string belongs (typecheck would catch it; the loader must too).
export default defineSecrets({
  secrets: [{ name: 'db', key: 'payments/api/db', properties: [new Date(0) as unknown as string] }],
});
