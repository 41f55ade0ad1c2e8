import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import MarkdownIt from 'markdown-it';

// The development manual: docs/dev/*.md rendered to HTML once, at start-up.

export function docsDir(): string {
  const candidates = [
    resolve(__dirname, '../../../../docs'),
    resolve(__dirname, '../../../docs'),
    resolve(process.cwd(), 'docs'),
  ];
  return candidates.find((dir) => existsSync(join(dir, 'dev'))) ?? candidates[0]!;
}

function page(title: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>${title} · luna-streams</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;line-height:1.5;color:#1d2330}
table{border-collapse:collapse;margin:1rem 0}td,th{border:1px solid #ccd;padding:.3rem .6rem;vertical-align:top}
code,pre{background:#f3f4f8;border-radius:3px}pre{padding:.8rem;overflow:auto}code{padding:0 .2rem}
nav{margin-bottom:1.5rem}a{color:#2451b2}
</style></head>
<body><nav><a href="index.html">development manual</a> · <a href="/docs/spec">API reference</a></nav>
${body}
</body></html>`;
}

/** Page name (`index.html`, ...) to rendered HTML. */
export function renderDevManual(dir = join(docsDir(), 'dev')): Map<string, string> {
  const markdownIt = new MarkdownIt({ html: false, linkify: true });
  const pages = new Map<string, string>();
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.md'))) {
    const markdown = readFileSync(join(dir, file), 'utf8');
    const title = /^# (.+)$/m.exec(markdown)?.[1] ?? file;
    const html = markdownIt.render(markdown.replace(/\]\(([\w-]+)\.md\)/g, ']($1.html)'));
    pages.set(file.replace(/\.md$/, '.html'), page(title, html));
  }
  return pages;
}

/** The API reference page: Redoc, served from the installed package, rendering the embedded document. */
export function redocPage(document: object): string {
  const json = JSON.stringify(document).replace(/</g, '\\u003c');
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Luna-Streams API</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>img[alt="redocly logo"]{display:none}</style></head>
<body><div id="redoc"></div>
<script src="/docs/redoc.standalone.js"></script>
<script>Redoc.init(${json}, { hideDownloadButton: false }, document.getElementById('redoc'));</script>
</body></html>`;
}
