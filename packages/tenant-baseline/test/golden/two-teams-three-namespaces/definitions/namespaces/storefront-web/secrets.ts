import { defineSecrets } from '@platform-gen/core';

export default defineSecrets({
  secrets: [{ name: 'session-key', key: 'storefront/web/session' }],
});
