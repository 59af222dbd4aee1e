// The `outcome-lens` command (bundled to dist/cli.js).
import { runCli } from './main';

runCli();
