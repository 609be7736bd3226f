// Real token counts of the corpus, computed once at development time (npm install js-tiktoken,
// which ships the cl100k_base and o200k_base ranks). Writes counts.json beside this file.
const path = require("path");
const fs = require("fs");
const { Tiktoken } = require("js-tiktoken/lite");
const cl100k = new Tiktoken(require("js-tiktoken/ranks/cl100k_base"));
const o200k = new Tiktoken(require("js-tiktoken/ranks/o200k_base"));
const counts = {};
for (const name of fs.readdirSync(__dirname).filter((n) => n.endsWith(".txt")).sort()) {
  const text = fs.readFileSync(path.join(__dirname, name), "utf8");
  counts[name] = {
    bytes: Buffer.byteLength(text, "utf8"),
    cl100k: cl100k.encode(text).length,
    o200k: o200k.encode(text).length,
  };
}
fs.writeFileSync(path.join(__dirname, "counts.json"), JSON.stringify(counts, null, 1) + "\n");
