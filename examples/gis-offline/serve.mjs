// Serves index.html on 127.0.0.1:$PAGE_PORT: the page under test. Any static
// server does; this one needs nothing but Node.
import http from 'node:http';
import fs from 'node:fs';

const page = fs.readFileSync(new URL('./index.html', import.meta.url), 'utf8');
const port = Number(process.env.PAGE_PORT || 5173);
http
  .createServer((req, res) => {
    const url = new URL(req.url, 'http://localhost');
    if (url.pathname !== '/' && url.pathname !== '/index.html') {
      res.writeHead(404).end('not found');
      return;
    }
    // ?emulator=<origin>: the page calls the emulator's origin itself
    // instead of Google's (no route; cors.spec.ts).
    const emulator = url.searchParams.get('emulator');
    let html = page;
    if (emulator && /^https?:\/\/[\w.:-]+$/.test(emulator)) {
      // Google's hosts, not its scope names (https://www.googleapis.com/auth/…).
      html = html.replaceAll('https://accounts.google.com/', `${emulator}/`).replaceAll('https://www.googleapis.com/calendar/', `${emulator}/calendar/`);
    }
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end(html);
  })
  .listen(port, '127.0.0.1', () => console.log(`page: http://127.0.0.1:${port}`));
