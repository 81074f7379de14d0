// Copies the pinned dist files the pages use from node_modules to ../static/vendor/ (served by Flask,
// no CDN: agencies run on closed networks). bpmn-js-i18n ships an ES module; it becomes a plain script
// that sets window.BPMN_JS_ZH.
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const modules = join(here, "node_modules");
const vendor = join(here, "..", "static", "vendor");

const files = {
  "bootstrap/dist/css/bootstrap.min.css": "bootstrap/bootstrap.min.css",
  "bootstrap/dist/js/bootstrap.bundle.min.js": "bootstrap/bootstrap.bundle.min.js",
  "bootstrap-icons/font/bootstrap-icons.min.css": "bootstrap-icons/bootstrap-icons.min.css",
  "bootstrap-icons/font/fonts": "bootstrap-icons/fonts",
  "bpmn-js/dist/bpmn-navigated-viewer.production.min.js": "bpmn-js/bpmn-navigated-viewer.production.min.js",
  "bpmn-js/dist/bpmn-modeler.production.min.js": "bpmn-js/bpmn-modeler.production.min.js",
  "bpmn-js/dist/assets": "bpmn-js/assets",
  "bpmn-js/LICENSE": "bpmn-js/LICENSE",
  "@json-editor/json-editor/dist/jsoneditor.js": "json-editor/jsoneditor.js",
  "@json-editor/json-editor/LICENSE": "json-editor/LICENSE",
  "echarts/dist/echarts.min.js": "echarts/echarts.min.js",
  "echarts/LICENSE": "echarts/LICENSE",
};

rmSync(vendor, { recursive: true, force: true });
for (const [from, to] of Object.entries(files)) {
  mkdirSync(dirname(join(vendor, to)), { recursive: true });
  cpSync(join(modules, from), join(vendor, to), { recursive: true });
}
const zh = readFileSync(join(modules, "bpmn-js-i18n/translations/zn.js"), "utf8");
writeFileSync(join(vendor, "bpmn-js/bpmn-js-zh.js"),
  "// bpmn-js-i18n 2.3.0 translations/zn.js as a plain script\nwindow.BPMN_JS_ZH = " +
  zh.replace(/^\s*export default\s*/m, ""));
console.log(`vendor assets copied to ${vendor}`);
