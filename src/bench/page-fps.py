#!/usr/bin/env python3
"""Frames per second and the footer's latency of a Duplex page in headless Chromium.

Drives Debian's chromedriver over the plain WebDriver HTTP protocol (Python's standard library
only), opens the page at each window size, waits 5 s, then counts requestAnimationFrame callbacks
for --seconds and reads the live page's footer (#p50, #p99, #rate, #protocol) and how many board
rows are shown. One line per case. The server must already run (e.g. `mvn -Prun`, simulators on).

  src/bench/page-fps.py --base http://127.0.0.1:8080 \\
      "1280x900 /live.html?protocol=binary" "1280x900 /live.html?protocol=json" "390x844 /live.html?protocol=binary"
"""
import argparse
import json
import subprocess
import tempfile
import time
import urllib.request

CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
                 '--disable-background-networking', '--disable-component-update', '--disable-sync']

COUNT_FRAMES = '''const done = arguments[arguments.length - 1]; const seconds = arguments[0];
let frames = 0; const t0 = performance.now(); let longest = 0; let last = t0;
const text = (id) => { const e = document.getElementById(id); return e ? e.textContent : null; };
function frame(t) {
  frames++; longest = Math.max(longest, t - last); last = t;
  if (t - t0 < seconds * 1000) { requestAnimationFrame(frame); return; }
  done({fps: frames / ((t - t0) / 1000), longest_frame_ms: longest,
        rows: document.querySelectorAll('#boardBody tr:not([hidden])').length,
        p50: text('p50'), p99: text('p99'), updates_per_s: text('rate'), protocol: text('protocol')});
}
requestAnimationFrame(frame);'''


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--base', default='http://127.0.0.1:8080')
    parser.add_argument('--seconds', type=int, default=10)
    parser.add_argument('--driver-port', type=int, default=9515)
    parser.add_argument('cases', nargs='+', help='"WIDTHxHEIGHT /path?query"')
    args = parser.parse_args()
    driver = subprocess.Popen(['/usr/bin/chromedriver', f'--port={args.driver_port}'],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def call(method, path, body=None):
        request = urllib.request.Request(f'http://127.0.0.1:{args.driver_port}{path}', method=method,
                                         data=None if body is None else json.dumps(body).encode(),
                                         headers={'Content-Type': 'application/json'})
        return json.loads(urllib.request.urlopen(request, timeout=120).read())['value']

    try:
        for attempt in range(50):
            try:
                call('GET', '/status')
                break
            except OSError:
                time.sleep(0.2)
        for case in args.cases:
            size, path = case.split(' ', 1)
            width, height = size.split('x')
            options = {'binary': '/usr/bin/chromium',
                       'args': CHROMIUM_ARGS + [f'--user-data-dir={tempfile.mkdtemp()}', f'--window-size={width},{height}']}
            session = call('POST', '/session', {'capabilities': {'alwaysMatch': {
                'browserName': 'chrome', 'goog:chromeOptions': options}}})['sessionId']
            try:
                call('POST', f'/session/{session}/url', {'url': args.base + path})
                time.sleep(5)
                call('POST', f'/session/{session}/timeouts', {'script': (args.seconds + 30) * 1000})
                result = call('POST', f'/session/{session}/execute/async', {'script': COUNT_FRAMES, 'args': [args.seconds]})
                print(json.dumps({'case': case, **result}), flush=True)
            finally:
                call('DELETE', f'/session/{session}')
    finally:
        driver.terminate()


if __name__ == '__main__':
    main()
