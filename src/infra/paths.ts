import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The installed package's root (this file is dist/infra/paths.js once built). */
export const packageRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
/** The executable git runs as the merge driver. */
export const cliEntry = resolve(packageRoot, "bin", "memory.js");
export const templatesDir = resolve(packageRoot, "templates");
