// Reads the checks.json of one conformance run and decides whether it passed.
//
// Usage: node verdict.mjs RESULT_DIR SCENARIO EXPECTED_FAILURES_YML
//
// It prints one line: the counts by status, then every failed check. It exits
// 1 when a check failed that is not excused, when a check is excused but did
// not fail as "not testable", or when the run produced no checks at all.
// Warnings (SHOULD-level findings) are printed but do not fail the run, as in
// the conformance CLI itself.
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";

const [dir, scenario, baselinePath] = process.argv.slice(2);
if (!dir || !scenario || !baselinePath) {
  console.error("usage: node verdict.mjs RESULT_DIR SCENARIO EXPECTED_FAILURES_YML");
  process.exit(2);
}

// The checks of this scenario that expected-failures.yml excuses. The file is
// a YAML list of "scenario:check-id" strings; a line parser is enough.
const excused = new Set();
for (const line of readFileSync(baselinePath, "utf8").split("\n")) {
  const m = line.match(/^\s*-\s*([A-Za-z0-9_.\/-]+):([A-Za-z0-9_.-]+)\s*(#.*)?$/);
  if (m && m[1] === scenario) excused.add(m[2]);
}

function findChecks(d) {
  for (const name of readdirSync(d)) {
    const p = join(d, name);
    if (name === "checks.json") return p;
    if (statSync(p).isDirectory()) {
      const found = findChecks(p);
      if (found) return found;
    }
  }
  return null;
}

const file = findChecks(dir);
if (!file) {
  console.log("no checks.json: the scenario did not run");
  process.exit(1);
}
const checks = JSON.parse(readFileSync(file, "utf8"));
if (!Array.isArray(checks) || checks.length === 0) {
  console.log("checks.json holds no checks");
  process.exit(1);
}

const counts = {};
const problems = [];
const notes = [];
for (const c of checks) {
  let status = c.status;
  if (status === "FAILURE" && excused.has(c.id) && c.details?.untestable === true) status = "EXCUSED";
  counts[status] = (counts[status] ?? 0) + 1;
  if (status === "EXCUSED") {
    notes.push(`excused, not testable here: ${c.id}: ${c.errorMessage ?? ""}`);
  } else if (status === "FAILURE") {
    if (excused.has(c.id)) {
      problems.push(`${c.id}: excused only when not testable, but it failed: ${c.errorMessage ?? ""}`);
    } else {
      problems.push(`${c.id}: ${c.errorMessage ?? c.description}`);
    }
  } else if (c.status === "WARNING") {
    notes.push(`warning: ${c.id}: ${c.errorMessage ?? c.description}`);
  }
}
const order = ["SUCCESS", "FAILURE", "EXCUSED", "WARNING", "SKIPPED", "INFO"];
const summary = Object.keys(counts)
  .sort((a, b) => order.indexOf(a) - order.indexOf(b))
  .map((s) => `${counts[s]} ${s.toLowerCase()}`)
  .join(", ");
console.log(`${summary} (${file})`);
for (const n of notes) console.log(`    ${n}`);
for (const p of problems) console.log(`    FAILED ${p}`);
process.exit(problems.length > 0 ? 1 : 0);
