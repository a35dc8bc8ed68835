/** Debian's chromium: the tests never download a browser of their own. */
export const CHROMIUM_PATH = '/usr/bin/chromium';
