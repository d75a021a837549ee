/** See prebuilt.js. */
export function freshPrebuilt(cli: URL, part: 'fastPath' | 'main'): URL | undefined;
