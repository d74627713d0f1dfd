import { sanitizeHtml } from "@goggles/core";
import createDOMPurify from "dompurify";
import { JSDOM } from "jsdom";
import sanitizeHtmlPeer from "sanitize-html";
import xss from "xss";
import { defineSuite } from "../suite.js";

// A benign user comment of about 2 KiB: paragraphs, inline formatting, a list, a quote, code, a link, an image.
const parts = [
  "<p>Thanks for the <b>quick</b> fix! I tried it on <i>Firefox</i> and <em>Chrome</em>; both work &amp; the page loads faster.</p>",
  "<p>Steps to reproduce:</p><ol><li>Open the settings</li><li>Click <strong>Save</strong></li><li>Reload the page</li></ol>",
  "<blockquote>Premature optimization is the root of all evil.</blockquote>",
  '<p>See the <a href="https://example.com/changelog#v2" title="changelog">changelog</a> for details.</p>',
  "<pre><code>const x = a &lt; b &amp;&amp; c &gt; d;\nconsole.log(x);\n</code></pre>",
  '<p>Screenshot:<br><img src="https://images.example.com/shot.png" alt="the dialog" width="640" height="480"></p>',
  "<ul><li>Faster start-up</li><li>Smaller memory footprint, fewer allocations</li><li>Caf\u00e9 na\u00efve \u2014 \u201cquotes\u201d</li></ul>",
];
let comment = "";
for (let i = 0; comment.length < 2048; i++) comment += parts[i % parts.length];

const allow: Record<string, string[]> = {
  a: ["href", "title"],
  img: ["src", "alt", "title", "width", "height"],
  blockquote: ["cite"],
  th: ["colspan", "rowspan"],
  td: ["colspan", "rowspan"],
};
for (const tag of "b i em strong p br ul ol li code pre h1 h2 h3 h4 h5 h6 table caption thead tbody tfoot tr".split(
  " ",
))
  allow[tag] = [];
const sanitizeHtmlOptions: sanitizeHtmlPeer.IOptions = {
  allowedTags: Object.keys(allow),
  allowedAttributes: allow,
  allowedSchemes: ["http", "https", "mailto"],
  allowedSchemesByTag: { img: ["http", "https"] },
};
const purify = createDOMPurify(new JSDOM("").window);

export default defineSuite({
  name: "sanitize",
  repeat: 3,
  description: `Sanitizing a benign ${comment.length}-character user comment (formatting, a list, a quote, code, a link, an image) with each library's allowlist sanitizer.`,
  cases: [
    { name: "goggles sanitizeHtml", fn: () => sanitizeHtml(comment) },
    { name: "xss (js-xss)", peer: "xss", fn: () => xss(comment) },
    {
      name: "sanitize-html",
      peer: "sanitize-html",
      fn: () => sanitizeHtmlPeer(comment, sanitizeHtmlOptions),
    },
    { name: "DOMPurify + jsdom", peer: "dompurify", fn: () => purify.sanitize(comment) },
  ],
  ratios: [
    { ours: "goggles sanitizeHtml", peer: "xss (js-xss)", min: 1, target: "at least js-xss's throughput" },
    { ours: "goggles sanitizeHtml", peer: "sanitize-html", min: 5, target: "at least 5× sanitize-html" },
    { ours: "goggles sanitizeHtml", peer: "DOMPurify + jsdom", target: "reference (DOMPurify needs a DOM)" },
  ],
  facts: () => ({
    "input characters": String(comment.length),
    "goggles output equals input (except rel on links)": String(
      sanitizeHtml(comment, { linkRel: false }) === comment,
    ),
  }),
  notes: [
    "sanitize-html is given the same allowlist as goggles' default; js-xss and DOMPurify run with their defaults.",
  ],
});
