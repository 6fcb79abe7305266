/**
 * Entry point under the Pulumi engine (`pulumi preview` / `pulumi up --stack staging|production`): hands the
 * engine's stack and config to {@link runEngineProgram} (src/entry.ts).
 */
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { assertFreshBuild } from "./policy-pack/lib/build";
import { runEngineProgram } from "./src/entry";

// Compiled (bin/index.js, what Pulumi.yaml runs): refuse to run older than the sources.
if (__filename.endsWith(".js")) assertFreshBuild(path.resolve(__dirname, ".."), __dirname);

export = () => runEngineProgram(pulumi.getStack(), pulumi.runtime.allConfig());
