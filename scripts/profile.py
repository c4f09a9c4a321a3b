#!/usr/bin/env python3
"""Where one request's time goes: starts `dangjian serve` on an existing demo database with
every statement logged, logs in as the district admin, requests PATH a few times and sums the
statements of the last request by their text, slowest first.

    python3 scripts/profile.py --database-url sqlite:///path/bench.db \
        --accounts /path/accounts.json /cadres/summary

The key file is looked for beside the accounts file (`bench.key`), as `bench.py` leaves it.
Uses only the standard library.
"""
import argparse
import collections
import http.client
import json
import os
import re
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench  # noqa: E402

STATEMENT = re.compile(r'summary="(.*?)" db\.statement=.*?elapsed_secs=([0-9.e-]+)')
COLOUR = re.compile(r"\x1b\[[0-9;]*m")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("path")
    ap.add_argument("--bin", default="target/release/dangjian")
    ap.add_argument("--database-url", required=True)
    ap.add_argument("--accounts", required=True)
    ap.add_argument("--port", type=int, default=18799)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--top", type=int, default=15)
    args = ap.parse_args()

    key = os.path.join(os.path.dirname(os.path.abspath(args.accounts)), "bench.key")
    env = dict(os.environ, DANGJIAN_KEY_FILE=key, DANGJIAN_LOG="sqlx=debug")
    log_path = tempfile.mktemp(prefix="dangjian-profile-", suffix=".log")
    with open(log_path, "w") as log:
        server = subprocess.Popen(
            [args.bin, "serve", "--database-url", args.database_url, "--listen", f"127.0.0.1:{args.port}"],
            env=env, stdout=log, stderr=log)
        try:
            for _ in range(6000):
                try:
                    c = http.client.HTTPConnection("127.0.0.1", args.port, timeout=1)
                    c.request("GET", "/healthz")
                    if c.getresponse().status == 200:
                        break
                except OSError:
                    time.sleep(0.1)
            with open(args.accounts) as f:
                admin = next(a for a in json.load(f) if a["role"] == "district_admin")
            client = bench.Client(args.port)
            client.login(admin["username"])
            mark = 0
            for i in range(args.runs):
                if i == args.runs - 1:
                    time.sleep(0.2)
                    mark = os.path.getsize(log_path)
                start = time.perf_counter()
                status, _, _ = client.request("GET", args.path)
                print(f"run {i}: {status} in {(time.perf_counter() - start) * 1000:.1f} ms")
            time.sleep(0.5)
        finally:
            server.terminate()
            server.wait()

    with open(log_path, encoding="utf-8", errors="replace") as f:
        f.seek(mark)
        text = COLOUR.sub("", f.read())
    os.unlink(log_path)
    by_text = collections.defaultdict(lambda: [0, 0.0])
    for m in STATEMENT.finditer(text):
        by_text[m.group(1)][0] += 1
        by_text[m.group(1)][1] += float(m.group(2)) * 1000
    total = sum(ms for _, ms in by_text.values())
    count = sum(n for n, _ in by_text.values())
    print(f"last request: {count} statements, {total:.1f} ms of SQL")
    for text, (n, ms) in sorted(by_text.items(), key=lambda x: -x[1][1])[: args.top]:
        print(f"{ms:8.2f} ms  ×{n:<4} {text}")


if __name__ == "__main__":
    main()
