import * as path from "node:path";

/** The repository's root folder: scripts and tests find the project's files from it. */
export const repoDir = path.resolve(__dirname, "..", "..");
