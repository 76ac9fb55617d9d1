// Serves the contract pages on 127.0.0.1:$PAGE_PORT: the typed GIS page
// (index.html + build/gis-page.js) and Google's Calendar quickstart, whose
// only changes are its client ID and API key placeholders (the emulator
// refuses a key not of Google's shape, as Google refuses an unknown one).
import http from 'node:http';
import fs from 'node:fs';

const port = Number(process.env.PAGE_PORT || 5174);
const clientId = 'contract-suite.apps.googleusercontent.com';
const apiKey = 'AIzaSyContractSuiteEmulatorKey000000000'; // AIza + 35, Google's shape
const file = (p) => fs.readFileSync(new URL(p, import.meta.url));
const pages = {
  '/': ['text/html; charset=utf-8', () => file('./index.html')],
  '/build/gis-page.js': ['text/javascript; charset=utf-8', () => file('./build/gis-page.js')],
  '/quickstart/': ['text/html; charset=utf-8', () => file('./quickstart/index.html').toString().replace("'<YOUR_CLIENT_ID>'", `'${clientId}'`).replace("'<YOUR_API_KEY>'", `'${apiKey}'`)],
};
http
  .createServer((req, res) => {
    const page = pages[req.url.split('?')[0]];
    if (!page) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, { 'Content-Type': page[0], 'Cache-Control': 'no-store' }).end(page[1]());
  })
  .listen(port, '127.0.0.1', () => console.log(`contract pages: http://127.0.0.1:${port}`));
