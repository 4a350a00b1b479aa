/**
 * Crier's layering, checked by dependency-cruiser (`npm run lint:deps`, run by `npm test` and
 * .ci/run): a rule broken fails the build. The rooms and why they are kept apart: docs/architecture.md.
 * Type-only imports count (tsPreCompilationDeps): a type is a dependency too.
 * The rules hold the shipped code, src/ and adapters/. Tests (*.test.ts) may wire rooms together
 * (an adapter's test fits an image with delivery's fitImage, a config test loads a real adapter),
 * and the helpers under test/ are not checked.
 */
const TEST = "\\.test\\.ts$";

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "no-circular",
      severity: "error",
      comment: "No circular imports anywhere: each module can be understood (and loaded) after what it imports.",
      from: {},
      to: { circular: true },
    },
    {
      name: "adapters-use-core-only",
      severity: "error",
      comment:
        "An adapter is a platform's rules and client, nothing else: it never reaches into the store, the scheduler, intake, " +
        "delivery, the services, WebSub, the HTTP listener or the CLI. It imports src/core (and the pure helpers src/text, src/render).",
      from: { path: "^adapters/", pathNot: TEST },
      to: { path: "^src/(store|scheduler|intake|delivery|services|websub|http|cli)(/|\\.ts$)" },
    },
    {
      name: "core-is-self-contained",
      severity: "error",
      comment: "src/core is what adapters may import: it imports nothing else of src.",
      from: { path: "^src/core/" },
      to: { path: "^src/", pathNot: "^src/core/" },
    },
    {
      name: "scheduler-websub-http-know-no-service",
      severity: "error",
      comment: "The scheduler, the WebSub listener and the HTTP listener receive small interfaces through their constructors; they never import a service.",
      from: { path: "^src/(scheduler|websub|http)/" },
      to: { path: "^src/services/" },
    },
    {
      name: "intake-not-delivery",
      severity: "error",
      comment: "The two flows meet only in the store and the services: intake never imports delivery.",
      from: { path: "^src/intake/" },
      to: { path: "^src/delivery/" },
    },
    {
      name: "delivery-not-intake",
      severity: "error",
      comment: "The two flows meet only in the store and the services: delivery never imports intake.",
      from: { path: "^src/delivery/" },
      to: { path: "^src/intake/" },
    },
    {
      name: "store-imports-core-only",
      severity: "error",
      comment: "The store (interfaces and implementations) imports only src/core and itself: any stage can use it, it uses no stage.",
      from: { path: "^src/store/" },
      to: { path: "^src/", pathNot: "^src/(store|core)/" },
    },
    {
      name: "only-entry-points-name-adapters",
      severity: "error",
      comment:
        "The registry of adapters is passed in by the entry points (the CLI; the docs generator, which documents every " +
        "adapter's config): the rest of src never names a platform.",
      from: { path: "^src/", pathNot: ["^src/cli\\.ts$", "^src/cli/", "^src/docs/generate\\.ts$", TEST] },
      to: { path: "^adapters/" },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: ["^dist/", "^node_modules/", "^test/"] },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.test.json" },
    enhancedResolveOptions: { extensions: [".ts", ".js", ".mjs", ".json"] },
  },
};
