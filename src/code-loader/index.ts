export { CodeLoadError, type CodeProblem } from "./code-load-error.js";
export { type CompiledModule, compileModule } from "./compile.js";
export { type LoadModuleOptions, loadModule } from "./load-module.js";
