/** The package version (replaced at build time; `0.0.0-dev` when run from source). */
export const VERSION: string = typeof __PARTWISE_VERSION__ === "string" ? __PARTWISE_VERSION__ : "0.0.0-dev";
