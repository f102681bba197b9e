/**
 * The layer rules of docs/DESIGN.md ("Layers"), checked by `npm run lint` (so by CI).
 * @type {import('dependency-cruiser').IConfiguration}
 */
module.exports = {
  forbidden: [
    {
      name: "no-circular",
      severity: "error",
      comment: "An import circle ties modules into one unit that can only be understood and loaded together.",
      from: { path: "^src/" },
      to: { circular: true },
    },
    {
      name: "no-import-of-http-from-below",
      severity: "error",
      comment:
        "src/http is the transport; only it and the app that wires everything (src/app, src/cli, src/index.ts) may import it.",
      from: {
        path: "^src/",
        pathNot: [
          "^src/http/",
          "^src/app/",
          "^src/app\\.ts$",
          "^src/cli/",
          "^src/index\\.ts$",
          "^src/test-support/",
          "\\.test\\.ts$",
        ],
      },
      to: { path: "^src/http/" },
    },
    {
      name: "records-below-api-and-hooks",
      severity: "error",
      comment:
        "records/ is the model layer (writer, query): it defines the small interfaces it needs (records/model-hooks.ts) and the layers above implement them.",
      from: { path: "^src/records/", pathNot: "\\.test\\.ts$" },
      to: { path: "^src/(api|app|hooks|http)/" },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: ["^admin/", "^dist/", "^bench/"] },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "default", "types"],
      extensions: [".ts", ".js"],
    },
    reporterOptions: {},
  },
};
