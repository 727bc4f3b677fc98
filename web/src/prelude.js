// What every other file uses: the version, the base URL Ferry's files load from, the task state sets.
// (A return at the top level: these files run inside the one IIFE scripts/build-widget wraps them in.)
if (window.Ferry && window.Ferry.version) return; // included twice

const VERSION = "0.1.0";
const script = document.currentScript;
const BASE = new URL(".", (script && (script.dataset.base || script.src)) || location.href).href;

const ACTIVE = new Set(["queued", "hashing", "beginning", "uploading", "confirming"]);
const FINISHED = new Set(["done", "rapid"]);
