// Builds static/vendor from the npm packages: one compiled stylesheet (GOV.UK Frontend,
// MOJ Frontend and ours), their scripts, fonts and images. Run by `make assets`.
import { cpSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { compile } from "sass";

const out = "static/vendor";
rmSync(out, { recursive: true, force: true });
mkdirSync(`${out}/assets`, { recursive: true });

const css = compile("static/src/application.scss", {
  loadPaths: ["."],
  style: "compressed",
  quietDeps: true,
  silenceDeprecations: ["import", "global-builtin", "if-function"],
});
writeFileSync(`${out}/application.css`, css.css);

const govuk = "node_modules/govuk-frontend/dist/govuk";
const moj = "node_modules/@ministryofjustice/frontend/moj";
cpSync(`${govuk}/assets/fonts`, `${out}/assets/fonts`, { recursive: true });
cpSync(`${govuk}/assets/images`, `${out}/assets/images`, { recursive: true });
cpSync(`${govuk}/assets/manifest.json`, `${out}/assets/manifest.json`);
cpSync(`${moj}/assets/images`, `${out}/assets/images`, { recursive: true });
for (const file of ["govuk-frontend.min.js", "govuk-frontend.min.js.map"]) {
  cpSync(`${govuk}/${file}`, `${out}/${file}`);
}
for (const file of ["moj-frontend.min.js", "moj-frontend.min.js.map"]) {
  cpSync(`${moj}/${file}`, `${out}/${file}`);
}
// An open font covering Latin Extended, Greek and Cyrillic, for the PDFs (letters, scorecard):
// every name the council's communities have prints as written (cme_tracker/core/pdf.py).
mkdirSync(`${out}/pdf-fonts`, { recursive: true });
for (const file of ["DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "LICENSE"]) {
  const from = file === "LICENSE" ? "node_modules/dejavu-fonts-ttf/LICENSE" : `node_modules/dejavu-fonts-ttf/ttf/${file}`;
  cpSync(from, `${out}/pdf-fonts/${file}`);
}
console.log(`built ${out}: application.css (${css.css.length} bytes), scripts, fonts, images`);
