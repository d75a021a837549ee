/** See prebuilt.js. */
export function freshPrebuilt(cli: URL): URL | undefined;
