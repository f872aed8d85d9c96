/** Replaced at build time by esbuild with the package version. */
declare const __PARTWISE_VERSION__: string;
