#!/usr/bin/env python3
"""Import and export of a district roster, timed: a Fuling-scale demo is exported (with full
ID numbers), the roster is rewritten with new people, and imported into a copy of the demo.

    python3 scripts/roster_bench.py --bin target/release/dangjian --dir /tmp/roster-bench --runs 3

Needs openpyxl (pip install openpyxl) to write the roster of new people.
"""
import argparse
import os
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time

WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]


def check_char(body):
    return "10X98765432"[sum(int(d) * w for d, w in zip(body, WEIGHTS)) % 11]


def timed(cmd):
    """Runs cmd under /usr/bin/time -v; returns (seconds, max RSS in MB, output)."""
    start = time.monotonic()
    p = subprocess.run(["/usr/bin/time", "-v", *cmd], capture_output=True, text=True)
    secs = time.monotonic() - start
    if p.returncode != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{p.stdout}\n{p.stderr}")
    rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", p.stderr)
    return secs, int(rss.group(1)) / 1024 if rss else float("nan"), p.stdout


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default="target/release/dangjian")
    ap.add_argument("--dir", default="/tmp/roster-bench")
    ap.add_argument("--runs", type=int, default=3)
    a = ap.parse_args()
    os.makedirs(a.dir, exist_ok=True)
    demo = os.path.join(a.dir, "demo.db")
    url = lambda path: f"sqlite://{path}"
    if not os.path.exists(demo):
        subprocess.run([a.bin, "demo", "--scale", "1", "--no-serve", "--database-url", url(demo),
                        "--password", "Bench-Passw0rd-2026"], check=True, capture_output=True)
    exported = os.path.join(a.dir, "all.xlsx")
    export_runs = []
    for _ in range(a.runs):
        export_runs.append(timed([a.bin, "export", "--database-url", url(demo), "members", "--org", "500102",
                                  exported, "--unmask-reason", "基准测试：导出全区名册"]))
    print("export  (s, MB):", [(round(s, 2), round(m)) for s, m, _ in export_runs])

    import openpyxl
    book = openpyxl.load_workbook(exported, read_only=True)
    rows = list(book["党员名册"].iter_rows(values_only=True))
    header, body = rows[0], rows[1:]
    fresh = os.path.join(a.dir, "new.xlsx")
    out = openpyxl.Workbook(write_only=True)
    sheet = out.create_sheet("党员名册")
    sheet.append(list(header))
    seq = {}
    for r in body:
        r = list(r)
        birth = r[1][6:14]
        n = seq.get(birth, 0)
        seq[birth] = n + 1
        core = f"110101{birth}{n:03d}"
        r[1] = core + check_char(core)
        r[2] = "男" if n % 2 else "女"
        sheet.append(["" if v is None else v for v in r])
    out.save(fresh)
    print(f"roster of {len(body)} new people: {os.path.getsize(fresh) / 1e6:.1f} MB")

    check_runs, import_runs = [], []
    for _ in range(a.runs):
        check_runs.append(timed([a.bin, "import", "--database-url", url(demo), "members", fresh,
                                 "--org", "500102", "--dry-run"]))
        run = os.path.join(a.dir, "run.db")
        for ext in ("", "-wal", "-shm"):
            if os.path.exists(run + ext):
                os.remove(run + ext)
        # The copy must hold everything: fold the write-ahead log into the file first.
        sqlite3.connect(demo).execute("PRAGMA wal_checkpoint(TRUNCATE)").close()
        shutil.copy(demo, run)
        shutil.copy(demo + ".key", run + ".key")
        import_runs.append(timed([a.bin, "import", "--database-url", url(run), "members", fresh, "--org", "500102"]))
    print("check   (s, MB):", [(round(s, 2), round(m)) for s, m, _ in check_runs])
    print("import  (s, MB):", [(round(s, 2), round(m)) for s, m, _ in import_runs])
    print(import_runs[-1][2].strip())
    med = lambda xs: statistics.median(xs)
    for name, runs in (("export", export_runs), ("check", check_runs), ("import", import_runs)):
        print(f"{name}: median {med([s for s, _, _ in runs]):.2f} s, max RSS {max(m for _, m, _ in runs):.0f} MB")


if __name__ == "__main__":
    main()
