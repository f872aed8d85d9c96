/** Worker thread entry for sandboxed runs (placeholder). */
export {};
