/** The `partwise` command (placeholder until the CLI lands). */
import { VERSION } from "../version.js";

process.stdout.write(`partwise ${VERSION}\n`);
