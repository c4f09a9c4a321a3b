#!/usr/bin/env python3
"""Measures dangjian on this machine: demo generation time, latency of the main pages and
API calls at the server (loopback, keep-alive), and the server's memory afterwards.

    python3 scripts/bench.py --scale 1 [--database-url postgres://...] [--runs 200]

Prints a Markdown table for docs/benchmarks.md. Uses only the standard library.
"""
import argparse
import base64
import hashlib
import hmac
import http.client
import re
import struct
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse

PASSWORD = "benchmark-password-1"


def percentile(values, p):
    values = sorted(values)
    k = (len(values) - 1) * p
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


class Client:
    def __init__(self, port):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.headers = {}

    def enrol(self, username):
        """Logs in through the form, enrols the second factor, answers its secret."""
        conn = http.client.HTTPConnection("127.0.0.1", self.conn.port, timeout=60)
        def cookies_of(headers):
            return "; ".join(v.split(";")[0] for k, v in headers if k.lower() == "set-cookie")

        conn.request("GET", "/login")
        r = conn.getresponse()
        csrf = csrf_of(r.read())
        status, headers, _ = form_post(conn, "/login",
                                       {"_csrf": csrf, "username": username, "password": PASSWORD},
                                       cookies_of(r.getheaders()))
        cookies = cookies_of(headers)
        conn.request("GET", "/account/2fa", headers={"cookie": cookies})
        r = conn.getresponse()
        html = r.read()
        m = re.search(rb'id="totp-secret">([^<]+)<', html)
        assert m, f"no enrolment page for {username} ({r.status})"
        secret = m.group(1).decode()
        status, _, _ = form_post(conn, "/account/2fa", {"_csrf": csrf_of(html), "otp": totp(secret)}, cookies)
        assert status == 200, f"enrolment of {username}: {status}"
        # A code is taken once: the login waits for the next step.
        time.sleep(31 - time.time() % 30)
        return secret

    def request(self, method, path, body=None, headers=None):
        h = dict(self.headers)
        h.update(headers or {})
        self.conn.request(method, path, body=body, headers=h)
        r = self.conn.getresponse()
        data = r.read()
        return r.status, r.getheaders(), data

    def login(self, username):
        body = {"username": username, "password": PASSWORD}
        status, _, data = self.request("POST", "/api/v1/auth/login", json.dumps(body), {"content-type": "application/json"})
        if status == 422 and b"second_factor_enrolment_required" in data:
            # Administrative roles need a second factor: enrol it through the pages, as a
            # person would, then log in with a code.
            body["otp"] = totp(self.enrol(username))
            status, _, data = self.request("POST", "/api/v1/auth/login", json.dumps(body), {"content-type": "application/json"})
        assert status == 200, data
        token = json.loads(data)["token"]
        # The same token works as a session cookie for the pages (GET needs no CSRF token).
        self.headers = {"authorization": f"Bearer {token}", "cookie": f"dj_session={token}"}


def totp(secret, at=None):
    """RFC 6238 code (SHA-1, 6 digits, 30 s) of a base32 secret."""
    key = base64.b32decode(secret.upper() + "=" * (-len(secret) % 8))
    msg = struct.pack(">Q", int((at or time.time()) // 30))
    h = hmac.new(key, msg, hashlib.sha1).digest()
    o = h[-1] & 0x0F
    return f"{(struct.unpack('>I', h[o:o + 4])[0] & 0x7FFFFFFF) % 1_000_000:06d}"


def form_post(conn, path, fields, cookie):
    body = urllib.parse.urlencode(fields)
    conn.request("POST", path, body=body, headers={
        "content-type": "application/x-www-form-urlencoded", "cookie": cookie})
    r = conn.getresponse()
    return r.status, r.getheaders(), r.read()


def csrf_of(html):
    m = re.search(rb'name="_csrf" value="([^"]*)"', html)
    return m.group(1).decode() if m else ""


def timed(client, path, runs):
    times = []
    for _ in range(5):
        client.request("GET", path)
    for _ in range(runs):
        start = time.perf_counter()
        status, _, _ = client.request("GET", path)
        times.append((time.perf_counter() - start) * 1000)
        assert status == 200, (path, status)
    return statistics.median(times), percentile(times, 0.95)


def timed_many(client, paths, runs):
    times = []
    for i in range(runs):
        path = paths[i % len(paths)]
        start = time.perf_counter()
        status, _, _ = client.request("GET", path)
        times.append((time.perf_counter() - start) * 1000)
        assert status == 200, (path, status)
    return statistics.median(times), percentile(times, 0.95)


def record_meetings(client, runs):
    """Times POST /api/v1/meetings for the largest branch among the first members listed,
    every member listed as present."""
    _, _, data = client.request("GET", "/api/v1/members?per_page=100&sort=join_date")
    branches = {m["org_id"] for m in json.loads(data)["items"]}
    best, members = None, []
    for b in branches:
        _, _, d = client.request("GET", f"/api/v1/members?org={b}&per_page=100")
        ids = [m["id"] for m in json.loads(d)["items"]]
        if len(ids) > len(members):
            best, members = b, ids
    body = json.dumps({
        "org_id": best, "kind": "study_session", "held_on": time.strftime("%Y-%m-%d"), "topic": "benchmark",
        "attendance": [{"member_id": i, "status": "present"} for i in members],
    })
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        status, _, out = client.request("POST", "/api/v1/meetings", body, {"content-type": "application/json"})
        times.append((time.perf_counter() - start) * 1000)
        assert status == 201, out
    return (f"POST /api/v1/meetings with {len(members)} attendees", statistics.median(times), percentile(times, 0.95))


def submit_requests(client, runs):
    """Times POST /api/v1/public/requests as residents would send them: a fresh challenge
    each (fetched untimed), a different phone, place and client address each, so that the
    rate limits are not what is measured."""
    times = []
    anonymous = Client(client.conn.port)
    for i in range(runs):
        _, _, data = anonymous.request("GET", "/api/v1/public/request-form")
        form = json.loads(data)
        a, b = [int(x) for x in form["challenge"]["question"].replace("加", " ").replace("等于几？", " ").split()]
        body = json.dumps({
            "category_id": form["categories"][i % len(form["categories"])][0],
            "community_id": form["communities"][i % len(form["communities"])][0],
            "address": f"压测小区 {i} 号", "description": "压测提交的群众诉求内容",
            "phone": f"139{i:08d}", "challenge": form["challenge"]["token"], "answer": str(a + b),
        })
        headers = {"content-type": "application/json", "x-real-ip": f"10.9.{i // 250}.{i % 250 + 1}"}
        start = time.perf_counter()
        status, _, out = anonymous.request("POST", "/api/v1/public/requests", body, headers)
        times.append((time.perf_counter() - start) * 1000)
        assert status == 201, out
    return ("POST /api/v1/public/requests (resident submits)", statistics.median(times), percentile(times, 0.95))


def record_books_job(client, org, runs):
    """Times a level's record books made in the background as one file: from the POST that
    starts the job to the moment its file is downloaded, polling every 50 ms."""
    times, total = [], 0
    for _ in range(runs):
        start = time.perf_counter()
        status, _, out = client.request("POST", "/api/v1/documents/record-books",
                                        json.dumps({"org": org}), {"content-type": "application/json"})
        assert status == 202, out
        job = json.loads(out)
        total = job["total"]
        while job["state"] == "running":
            time.sleep(0.05)
            _, _, out = client.request("GET", f"/api/v1/documents/{job['id']}")
            job = json.loads(out)
        assert job["state"] == "done", job
        status, _, _ = client.request("GET", f"/api/v1/documents/{job['id']}/file")
        assert status == 200
        times.append((time.perf_counter() - start) * 1000)
    return (f"文书: 三会一课记录本合订, one town ({total} branches), start to file", statistics.median(times), percentile(times, 0.95))


def rss_mb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default="target/release/dangjian")
    ap.add_argument("--scale", default="1")
    ap.add_argument("--database-url")
    ap.add_argument("--runs", type=int, default=200)
    ap.add_argument("--demo-runs", type=int, default=3)
    ap.add_argument("--port", type=int, default=18765)
    ap.add_argument("--accounts", help="accounts JSON of an existing demo database (with --demo-runs 0)")
    ap.add_argument("--only", help="time only the requests whose label contains this text")
    args = ap.parse_args()
    if args.demo_runs == 0 and not (args.database_url and args.accounts):
        ap.error("--demo-runs 0 needs --database-url and --accounts of an existing demo")

    tmp = tempfile.mkdtemp(prefix="dangjian-bench-")
    url = args.database_url or f"sqlite://{tmp}/bench.db"
    accounts = args.accounts or os.path.join(tmp, "accounts.json")
    key_dir = os.path.dirname(os.path.abspath(args.accounts)) if args.accounts else tmp
    env = dict(os.environ, DANGJIAN_KEY_FILE=os.path.join(key_dir, "bench.key"), DANGJIAN_LOG="warn")

    demo_times = []
    for _ in range(args.demo_runs):
        start = time.perf_counter()
        subprocess.run(
            [args.bin, "demo", "--scale", args.scale, "--seed", "2021", "--database-url", url,
             "--password", PASSWORD, "--accounts-json", accounts, "--no-serve"],
            check=True, env=env, stdout=subprocess.DEVNULL)
        demo_times.append(time.perf_counter() - start)

    server = subprocess.Popen([args.bin, "serve", "--database-url", url, "--listen", f"127.0.0.1:{args.port}"],
                              env=env, stdout=subprocess.DEVNULL)
    try:
        # A first start after an upgrade may recount the rollup: allow it ten minutes.
        for _ in range(6000):
            try:
                c = http.client.HTTPConnection("127.0.0.1", args.port, timeout=1)
                c.request("GET", "/healthz")
                if c.getresponse().status == 200:
                    break
            except OSError:
                time.sleep(0.1)
        with open(accounts) as f:
            accs = json.load(f)
        admin = next(a for a in accs if a["role"] == "district_admin")
        town = next(a for a in accs if a["username"] == "town-500102013")
        client = Client(args.port)
        client.login(admin["username"])

        # Names to search: prefixes of real names taken from the first pages.
        _, _, data = client.request("GET", "/api/v1/members?per_page=100&sort=join_date")
        names = [m["name"][:2] for m in json.loads(data)["items"]]
        random.seed(1)
        random.shuffle(names)
        search_paths = [f"/api/v1/members?q={urllib.parse.quote(n)}" for n in names[:50]]

        rows = [
            ("home page 云中心 (district)", "/"),
            ("GET /api/v1/stats/overview (district)", "/api/v1/stats/overview"),
            ("member list page 1, district (page)", "/members"),
            ("GET /api/v1/members page 1, district", "/api/v1/members"),
            ("member list page 1, one town (page)", f"/members?org={town['scope_org_id']}"),
            ("GET /api/v1/members page 1, one town", f"/api/v1/members?org={town['scope_org_id']}"),
            ("stats overview, one town", f"/api/v1/stats/overview?org={town['scope_org_id']}"),
            ("组织生活 compliance page, district, this year", "/life"),
            ("GET /api/v1/life/compliance, district, this year", "/api/v1/life/compliance"),
            ("GET /api/v1/life/compliance, one town", f"/api/v1/life/compliance?org={town['scope_org_id']}"),
            ("compliance xlsx export, district, this year", "/api/v1/life/compliance.xlsx"),
            ("联系群众 page (coverage), district", "/masses"),
            ("GET /api/v1/masses/coverage, district", "/api/v1/masses/coverage"),
            ("households page 1, district (page)", "/households"),
            ("GET /api/v1/households page 1, district", "/api/v1/households"),
            ("GET /api/v1/households unpaired, one town", f"/api/v1/households?org={town['scope_org_id']}&unpaired=true"),
            ("grids page 1, district (page)", "/grids"),
            ("GET /api/v1/deeds page 1, district", "/api/v1/deeds"),
            ("GET /api/v1/deeds page 1, one town", f"/api/v1/deeds?org={town['scope_org_id']}"),
            ("requests page 1, district (page)", "/requests"),
            ("GET /api/v1/requests page 1, district", "/api/v1/requests"),
            ("GET /api/v1/requests open, one town", f"/api/v1/requests?org={town['scope_org_id']}&state=open"),
            ("GET /api/v1/requests overdue, district", "/api/v1/requests?state=overdue"),
            ("requests dashboard, district (page)", "/requests/dashboard"),
            ("GET /api/v1/requests/dashboard, one town", f"/api/v1/requests/dashboard?org={town['scope_org_id']}"),
            ("GET /api/v1/public/requests (published list)", "/api/v1/public/requests"),
        ]
        # 星级评定: the boards, one branch's sheet (its figures computed from its records),
        # and the export that computes every organization's items in one pass.
        year = time.localtime().tm_year
        _, _, data = client.request("GET", f"/api/v1/stars?org={town['scope_org_id']}&year={year - 1}")
        rated = json.loads(data)["items"][0]["org_id"]
        rows += [(f"组织建设: {label}", path) for label, path in [
            ("stars board page, district, last year", f"/stars?year={year - 1}"),
            ("GET /api/v1/stars, district, this year", "/api/v1/stars"),
            ("GET /api/v1/stars, one town, last year", f"/api/v1/stars?org={town['scope_org_id']}&year={year - 1}"),
            ("star sheet page, one organization, this year", f"/stars/{rated}"),
            ("GET /api/v1/stars/{org}, last year", f"/api/v1/stars/{rated}?year={year - 1}"),
            ("stars xlsx, district, this year (every org's items computed)", "/api/v1/stars.xlsx"),
            ("weak list page, district, last year", f"/weak?year={year - 1}"),
            ("GET /api/v1/weak/screening, one town, last year", f"/api/v1/weak/screening?org={town['scope_org_id']}&year={year - 1}"),
            ("red flags page, district", "/red-flags"),
            ("contact points page, district", "/contact-points"),
            ("problem ledger page 1, district", "/problems"),
            ("GET /api/v1/problems/rates, district, last year", f"/api/v1/problems/rates?year={year - 1}"),
            ("GET /api/v1/assessment/summary, district", "/api/v1/assessment/summary"),
            ("GET /api/v1/secretary-ratings, one town", f"/api/v1/secretary-ratings?org={town['scope_org_id']}"),
            ("secretary ratings page, district (its towns), latest round", "/secretary-ratings"),
            ("service projects page 1, district", "/service-projects"),
            ("problem ledger xlsx, district, last year", f"/problems/export.xlsx?year={year - 1}"),
        ]]
        # 干部人才: the villages' committees with the district's structure, one village, the
        # elections and their statistics (new against previous term by town), the pools.
        _, _, data = client.request("GET", f"/api/v1/villages/committees?org={town['scope_org_id']}")
        village = json.loads(data)["items"][0]["id"]
        _, _, data = client.request("GET", "/api/v1/resident-teams")
        team = json.loads(data)["items"][0]["id"]
        _, _, data = client.request("GET", "/api/v1/studios")
        studio = json.loads(data)["items"][0]["id"]
        rows += [(f"干部人才: {label}", path) for label, path in [
            ("两委 page 1, district", "/cadres/villages"),
            ("GET /api/v1/villages/committees, district", "/api/v1/villages/committees"),
            ("one village's committees (page)", f"/cadres/villages/{village}"),
            ("elections page 1, district", "/cadres/elections"),
            ("election statistics page, district, 2021", "/cadres/elections/stats?year=2021"),
            ("GET /api/v1/elections/stats, one town, 2021", f"/api/v1/elections/stats?org={town['scope_org_id']}&year=2021"),
            ("reserve cadres page 1, district", "/cadres/reserves"),
            ("reserve pools page 1, district", "/cadres/reserve-pools"),
            ("两委 xlsx, district", "/cadres/villages/export.xlsx"),
            ("home page 云中心 (district), without the cadres panel", "/"),
            ("云中心's cadres panel (loaded after the page), district", "/cadres/summary"),
            ("GET /api/v1/cadres/summary, district", "/api/v1/cadres/summary"),
            ("resident teams page 1, district", "/cadres/residents"),
            ("GET /api/v1/resident-teams, district", "/api/v1/resident-teams"),
            ("one resident team (page)", f"/cadres/residents/{team}"),
            ("talents page 1, district", "/cadres/talents"),
            ("GET /api/v1/talent-programme, district", "/api/v1/talent-programme"),
            ("promotions page 1, district", "/cadres/promotions"),
            ("studios page 1, district", "/cadres/studios"),
            ("one studio (page)", f"/cadres/studios/{studio}"),
        ]]
        # 两新组织, 志愿服务, 突击队: the register with its coverages, the helpers' month, the
        # activities with the person-times from the counters, the teams, and their panels.
        _, _, data = client.request("GET", "/api/v1/volunteers/activities")
        activity = json.loads(data)["items"][0]["id"]
        _, _, data = client.request("GET", "/api/v1/task-forces?year=2020")
        task_force = json.loads(data)["items"][0]["id"]
        rows += [(f"两新、志愿、突击队: {label}", path) for label, path in [
            ("enterprises page 1 with coverages, district", "/enterprises"),
            ("GET /api/v1/enterprises/coverage, district", "/api/v1/enterprises/coverage"),
            ("instructors' month page, district", "/enterprises/helpers"),
            ("云中心's 两新组织 panel, district", "/enterprises/panel"),
            ("volunteer activities page 1 with person-times, district", "/volunteers"),
            ("GET /api/v1/volunteers/summary, district", "/api/v1/volunteers/summary"),
            ("云中心's volunteer panel, district", "/volunteers/panel"),
            ("volunteer panel, one town", f"/volunteers/panel?org={town['scope_org_id']}"),
            ("one activity with its sign-ups (page)", f"/volunteers/{activity}"),
            ("task forces page 1, district", "/task-forces"),
            ("云中心's task force panel, district", "/task-forces/panel"),
            ("one task force (page)", f"/task-forces/{task_force}"),
        ]]
        # 大屏: the live part a screen polls every minute, and its JSON, for the district and
        # one town; and the whole page once.
        root = admin["scope_org_id"]
        rows += [(f"大屏: {label}", path) for label, path in [
            ("screen page, district", f"/screen/{root}"),
            ("screen refresh (live part), district", f"/screen/{root}/live"),
            ("screen refresh (live part), one town", f"/screen/{town['scope_org_id']}/live"),
            ("GET /api/v1/screen, district, coloured by members", f"/api/v1/screen/{root}?measure=members"),
        ]]
        # Documents: a branch's record book of the year, typeset as PDF.
        branch = next(a for a in accs if a["username"] == "baitao-secretary")["scope_org_id"]
        this_year = time.strftime("%Y")
        rows += [(f"文书: {label}", path) for label, path in [
            ("三会一课记录本 PDF, one branch, this year", f"/api/v1/life/record-book.pdf?org={branch}"),
            ("党费收缴台账 PDF, one branch, this year", f"/api/v1/dues/book.pdf?org={branch}"),
            ("问题台账 PDF, district", "/api/v1/problems/ledger.pdf"),
            ("党内统计年报 JSON, district", "/api/v1/stats/annual"),
            ("党内统计年报 PDF, district", "/api/v1/stats/annual.pdf"),
            ("党内统计年报 xlsx, district", "/api/v1/stats/annual.xlsx"),
            ("党建工作月报 JSON, district, last month", "/api/v1/stats/report"),
            ("党建工作年报 PDF, district, this year", f"/api/v1/stats/report.pdf?period={this_year}"),
            ("党建工作年报 PDF, one town, this year", f"/api/v1/stats/report.pdf?org={town['scope_org_id']}&period={this_year}"),
        ]]
        if args.only:
            rows = [r for r in rows if args.only in r[0]]
        results = [(label, *timed(client, path, args.runs)) for label, path in rows]
        if not args.only or args.only in "文书":
            results.append(record_books_job(client, town["scope_org_id"], min(args.runs, 5)))
        if not args.only:
            results.append(("member search by name (50 prefixes)", *timed_many(client, search_paths, args.runs)))
            results.append(record_meetings(client, min(args.runs, 100)))
            results.append(submit_requests(client, args.runs))
        mem = rss_mb(server.pid)
    finally:
        server.terminate()
        server.wait()

    engine = "PostgreSQL" if url.startswith("postgres") else "SQLite"
    demo = (f"median {statistics.median(demo_times):.1f} s of {len(demo_times)} runs "
            f"({', '.join(f'{t:.1f}' for t in demo_times)})" if demo_times else "not run (existing database)")
    print(f"scale {args.scale}, {engine}, {os.cpu_count()} cores; demo --no-serve: {demo}")
    print()
    print("| request | median ms | p95 ms |")
    print("|---|---:|---:|")
    for label, med, p95 in results:
        print(f"| {label} | {med:.2f} | {p95:.2f} |")
    print()
    print(f"server RSS after the run: {mem:.0f} MB")


if __name__ == "__main__":
    sys.exit(main())
