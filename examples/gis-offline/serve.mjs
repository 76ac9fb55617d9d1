// Serves index.html on 127.0.0.1:$PAGE_PORT: the page under test. Any static
// server does; this one needs nothing but Node.
import http from 'node:http';
import fs from 'node:fs';

const page = fs.readFileSync(new URL('./index.html', import.meta.url));
const port = Number(process.env.PAGE_PORT || 5173);
http
  .createServer((req, res) => {
    if (req.url !== '/' && req.url !== '/index.html') {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end(page);
  })
  .listen(port, '127.0.0.1', () => console.log(`page: http://127.0.0.1:${port}`));
