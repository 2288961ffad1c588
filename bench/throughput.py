"""Throughput of the portal's pages under load, against a bare Django page, in one run (issue 18).

    make bench                  # once: 200 000 dossiers, 1 000 000 messages
    make bench-throughput       # = scripts/services.sh install-bench (wrk) + this script
    .venv/bin/python bench/throughput.py [--duration 10] [--connections 8] [--only egestion]

Starts, on free ports, the portal under gunicorn (2 sync workers, DJANGO_DEBUG=0: the production settings; the WSGI
app is wrapped by the SQL log of bench/sql_log.py) and the bare reference page of bench/bare_app.py (no middleware,
the newest 50 dossiers in a plain template, same PostgreSQL). Logs in the benchmark users (the company closest to
5 000 dossiers, the provider closest to 2 000, the busiest case manager), warms every page up (a second of load),
then drives each page with wrk (8 connections, 10 s), each page run between two runs of the bare page so that both
see the same machine. Prints
requests/s, p50, p95, the ratio to the bare page, and SQL queries and SQL time per request; exits 1 when a page
misses its target: ratio >= 0.5 (home pages and the dossier page >= 0.7, admin >= 0.25), p95 <= 150 ms and
SQL <= 5 ms per portal page.
"""

import argparse
import contextlib
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from harness import PRODUCTION_SETTINGS, ROOT, accept_current_terms, logged_in_client, setup_django

WRK_SCRIPT = ROOT / "bench" / "wrk_report.lua"
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"
# Behind the production proxy every request arrives as HTTPS (SECURE_PROXY_SSL_HEADER): no redirect to https.
PROXY_HEADERS = {"X-Forwarded-Proto": "https"}


@dataclass
class Page:
    label: str
    url: str
    audience: str  # "company", "provider", "staff"
    ratio_target: float
    portal: bool = True  # p95 and SQL targets apply

    results: dict = field(default_factory=dict)


def free_port():
    with contextlib.closing(socket.socket()) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def production_environment(sql_log):
    env = dict(os.environ)
    env.update(
        **PRODUCTION_SETTINGS,
        DJANGO_SETTINGS_MODULE="config.settings",
        BENCH_SQL_LOG=str(sql_log),
        PYTHONPATH=str(ROOT),
    )
    return env


def start_gunicorn(app, port, env, log_path, *, production_config=False):
    command = [str(GUNICORN), "--workers", "2", "--worker-class", "sync", "--bind", f"127.0.0.1:{port}"]
    if production_config:  # the production image's hooks (config/gunicorn.py: WeasyPrint warmed up per worker)
        command += ["--config", str(ROOT / "config" / "gunicorn.py")]
    # A control socket of its own (gunicorn's default path is shared by every gunicorn of the machine).
    command += ["--control-socket", f"{log_path}.ctl", "--timeout", "120"]
    command += ["--chdir", str(ROOT), "--error-logfile", str(log_path), app]
    with open(log_path, "ab") as log:
        return subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)


def wait_until_up(port, process, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn on port {port} stopped (exit {process.returncode})")
        # The master listens before its workers have loaded the app: wait for an answer, not a connection.
        if get(f"http://127.0.0.1:{port}/") is not None:
            return
        time.sleep(0.3)
    raise SystemExit(f"gunicorn on port {port} did not start in {seconds} s")


def get(url, cookie=None):
    request = urllib.request.Request(url, headers={**PROXY_HEADERS, **({"Cookie": cookie} if cookie else {})})

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    try:
        with urllib.request.build_opener(NoRedirect).open(request, timeout=120) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:  # not listening yet, or the connection closed without an answer
        return None


WARM_UP_SECONDS = 1


def run_wrk(url, cookie, duration, connections):
    command = ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--timeout", "10s", "-s", str(WRK_SCRIPT)]
    for name, value in PROXY_HEADERS.items():
        command += ["-H", f"{name}: {value}"]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    output = subprocess.run(command + [url], capture_output=True, text=True, check=True).stdout
    line = next(line for line in output.splitlines() if line.startswith("WRK_JSON "))
    data = json.loads(line.removeprefix("WRK_JSON "))
    return {
        "rps": data["requests"] / (data["duration_us"] / 1e6),
        "p50": data["p50_us"] / 1000,
        "p95": data["p95_us"] / 1000,
        "errors": data["status_errors"] + data["errors"],
    }


def read_sql_log(path):
    """(requests, mean queries, mean SQL ms, statuses) of the portal requests logged since the file was emptied."""
    rows = [line.split("\t") for line in path.read_text().splitlines() if line]
    path.write_text("")
    if not rows:
        return 0, 0.0, 0.0, set()
    return (
        len(rows),
        statistics.fmean(int(row[1]) for row in rows),
        statistics.fmean(float(row[2]) for row in rows),
        {row[0] for row in rows},
    )


def git_revision():
    result = subprocess.run(["git", "describe", "--always", "--dirty"], cwd=ROOT, capture_output=True, text=True)
    return result.stdout.strip() or "unknown"


def database_url():
    from django.db import connection

    db = connection.settings_dict
    return f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


# --- the benchmark users and their pages ---------------------------------------------------------------------------


def session_cookie(user):
    from django.conf import settings

    client = logged_in_client(user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def cfa_user(provider_user):
    """Digit Invest is for CFA users: the benchmark provider's user when their establishment is a CFA, else the
    demo's CFA referent; with the Digit Invest terms in force accepted."""
    from accounts.models import User
    from invest import services as invest

    user = provider_user
    if not invest.user_cfa_memberships(user):
        user = User.objects.get(email="referent@demo.constructys.fr")
        accept_current_terms(user)
    if version := invest.terms_to_accept(user):
        invest.accept_terms(user, version)
    return user


def benchmark_pages():
    """The pages of issue 18 for the benchmark users, and a session cookie per audience."""
    from admin_pages import staff_user
    from django.db.models import Count
    from dossier_pages import benchmark_audiences

    from accounts.models import User
    from dossiers.models import Dossier

    company, provider, company_user, provider_user = benchmark_audiences()
    busiest_manager = (
        Dossier.objects.exclude(case_manager=None).values("case_manager").annotate(n=Count("id")).order_by("-n").first()
    )
    manager = staff_user(User.objects.get(pk=busiest_manager["case_manager"]).email)
    for user in (company_user, provider_user, manager):
        accept_current_terms(user)
    thread = (
        Dossier.objects.for_company_user(company_user)
        .annotate(thread=Count("messages"))
        .order_by("-thread")
        .values_list("pk", "number", "thread")
        .first()
    )
    scheme = Dossier.objects.for_company_user(company_user).values_list("scheme", flat=True).first()
    dossier_page = f"/egestion/dossiers/{thread[1]}/"
    pages = [
        Page("eGestion home", "/egestion/", "company", 0.7),
        Page("eGestion list, page 1", "/egestion/dossiers/", "company", 0.5),
        Page("eGestion list, filtered + sorted", f"/egestion/dossiers/?dispositif={scheme}&tri=ville", "company", 0.5),
        Page("eGestion list, HISTORIQUE page 3", "/egestion/dossiers/?onglet=historique&page=3", "company", 0.5),
        Page(f"eGestion dossier page ({thread[2]} messages)", dossier_page, "company", 0.7),
    ]
    pages += [
        Page(f"eGestion dossier tab {tab}", f"{dossier_page}onglet/{tab}/", "company", 0.7)
        for tab in ("reglements", "documents-emis", "documents-recus", "messages")
    ]
    pages += [
        Page("eGestion Messagerie", "/egestion/messagerie/", "company", 0.5),
        Page("eGestion payments", "/egestion/reglements/", "company", 0.5),
        Page("eGestion establishments", "/egestion/etablissements/", "company", 0.5),
        Page("eGestion contributions", "/egestion/contributions/", "company", 0.5),
        Page("oGestion home", "/ogestion/", "provider", 0.7),
        Page("oGestion list, page 1", "/ogestion/dossiers/", "provider", 0.5),
        Page("oGestion payments", "/ogestion/reglements/", "provider", 0.5),
        Page("oGestion establishments", "/ogestion/etablissements/", "provider", 0.5),
        Page("oGestion users", "/ogestion/utilisateurs/", "provider", 0.5),
        Page("Digit Invest home", "/digit-invest/", "cfa", 0.7),
        Page("admin dossier changelist", "/admin/dossiers/dossier/", "staff", 0.25, portal=False),
        Page("admin dossier change page", f"/admin/dossiers/dossier/{thread[0]}/change/", "staff", 0.25, portal=False),
    ]
    users = {"company": company_user, "provider": provider_user, "staff": manager, "cfa": cfa_user(provider_user)}
    sizes = (
        f"company {company_user.email} ({company['total']} dossiers), provider {provider_user.email} "
        f"({provider['total']} dossiers), case manager {manager.email} ({busiest_manager['n']} dossiers)"
    )
    return pages, users, sizes


# --- the run -------------------------------------------------------------------------------------------------------


def verdicts(page):
    r = page.results
    misses = []
    if r["ratio"] < page.ratio_target:
        misses.append(f"ratio {r['ratio']:.2f} < {page.ratio_target}")
    if page.portal and r["p95"] > 150:
        misses.append(f"p95 {r['p95']:.0f} ms > 150")
    if page.portal and r["sql_ms"] > 5:
        misses.append(f"SQL {r['sql_ms']:.1f} ms > 5")
    if r["errors"] or r["statuses"] - {"200"}:
        misses.append(f"errors {r['errors']}, statuses {sorted(r['statuses'])}")
    return misses


def print_table(pages, bare_runs):
    print()
    print(f"bare page: {statistics.fmean(b['rps'] for b in bare_runs):.1f} req/s on average over {len(bare_runs)} runs")
    header = f"{'page':<44} {'req/s':>7} {'p50':>7} {'p95':>7} {'ratio':>6} {'target':>6} {'SQL q':>6} {'SQL ms':>7}"
    print(header)
    print("-" * len(header))
    failed = 0
    for page in pages:
        if not page.results:
            continue
        r = page.results
        misses = verdicts(page)
        failed += bool(misses)
        print(
            f"{page.label[:44]:<44} {r['rps']:7.1f} {r['p50']:7.1f} {r['p95']:7.1f} {r['ratio']:6.2f} "
            f"{page.ratio_target:6.2f} {r['queries']:6.1f} {r['sql_ms']:7.2f}  "
            + ("MISSED: " + "; ".join(misses) if misses else "OK")
        )
    return failed


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds of load per run (10)")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--only", default="", help="only the pages whose label contains this text")
    parser.add_argument("--json", help="also write the results to this file (what --compare-scales reads)")
    parser.add_argument(
        "--compare-scales",
        nargs=2,
        metavar=("SMALL_DATABASE_URL", "LARGE_DATABASE_URL"),
        help="run every page against two databases (e.g. 200 000 and 1 000 000 dossiers, see bench/README.md) and "
        "print each page's time on both; exits 1 when a page's p50 grows by more than 20 %%",
    )
    args = parser.parse_args()
    if args.compare_scales:
        sys.exit(compare_scales(args))
    if shutil.which("wrk") is None:
        raise SystemExit("wrk not found: scripts/services.sh install-bench (make bench-throughput does it)")

    work = tempfile.mkdtemp(prefix="bench-throughput-")
    sql_log = Path(work) / "sql.log"
    sql_log.write_text("")
    env = production_environment(sql_log)
    os.environ.update(PRODUCTION_SETTINGS)
    setup_django()
    # The bare page reads the portal's database, also when DATABASE_URL is left to the settings' default.
    env.setdefault("DATABASE_URL", database_url())
    pages, users, sizes = benchmark_pages()
    pages = [page for page in pages if args.only.lower() in page.label.lower()]
    cookies = {audience: session_cookie(user) for audience, user in users.items()}
    from django.db import connections

    connections.close_all()

    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    portal_port, bare_port = free_port(), free_port()
    servers = [
        start_gunicorn("bench.sql_log:application", portal_port, env, f"{work}/portal.log", production_config=True),
        start_gunicorn("bench.bare_app:application", bare_port, env, f"{work}/bare.log"),
    ]
    try:
        wait_until_up(portal_port, servers[0])
        wait_until_up(bare_port, servers[1])
        portal, bare = f"http://127.0.0.1:{portal_port}", f"http://127.0.0.1:{bare_port}/"
        print(sizes)
        print(f"load: wrk, {args.connections} connections, {args.duration} s per run; logs in {work}")
        # What a reader needs to trust the figures: which code, and whether the machine was quiet.
        print(f"code {git_revision()}; machine load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
        for page in pages:
            status = get(portal + page.url, cookies[page.audience])
            if status != 200:
                raise SystemExit(f"{page.label}: {page.url} answered {status} (expected 200)")
        # Every page served for a second by both workers before it is measured, as by a production worker that has
        # been up for a while: a page's first requests in a worker build its prepared queries and templates.
        run_wrk(bare, None, WARM_UP_SECONDS, args.connections)
        for page in pages:
            run_wrk(portal + page.url, cookies[page.audience], WARM_UP_SECONDS, args.connections)
        read_sql_log(sql_log)
        bare_runs = [run_wrk(bare, None, args.duration, args.connections)]
        for page in pages:
            run = run_wrk(portal + page.url, cookies[page.audience], args.duration, args.connections)
            requests, queries, sql_ms, statuses = read_sql_log(sql_log)
            bare_runs.append(run_wrk(bare, None, args.duration, args.connections))
            reference = statistics.fmean(b["rps"] for b in bare_runs[-2:])
            page.results = {**run, "ratio": run["rps"] / reference, "queries": queries, "sql_ms": sql_ms}
            page.results["bare_rps"] = reference  # the machine's speed around this page (--compare-scales)
            page.results["statuses"] = statuses
            print(
                f"  {page.label:<44} {run['rps']:7.1f} req/s  p95 {run['p95']:6.1f} ms  bare {reference:7.1f} req/s  "
                f"ratio {page.results['ratio']:.2f}  SQL {queries:.1f} q {sql_ms:.2f} ms",
                flush=True,
            )
        failed = print_table(pages, bare_runs)
        if args.json:
            results = {page.label: {**page.results, "statuses": sorted(page.results["statuses"])} for page in pages}
            bare_rps = statistics.fmean(b["rps"] for b in bare_runs)
            Path(args.json).write_text(json.dumps({"sizes": sizes, "bare_rps": bare_rps, "pages": results}))
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            server.wait(timeout=30)
    print(f"machine load average at the end {os.getloadavg()[0]:.1f}")
    print(f"\n{failed} page(s) missed a target" if failed else "\nevery page met its targets")
    sys.exit(1 if failed else 0)


# --- the same pages on two data sizes ---------------------------------------------------------------------------

GROWTH_TARGET = 0.20  # issue 18: a page may take at most 20 % longer on five times the data


def scaled_growth(a, b) -> float:
    """A page's p50 growth from the small run (a) to the large one (b), judged against the machine: each p50 is scaled
    by the bare page's throughput in the runs just around that page, so that a machine slower during one of the two
    runs is not read as the data's cost."""
    if not a["p50"]:
        return 0.0
    return (b["p50"] * b["bare_rps"]) / (a["p50"] * a["bare_rps"]) - 1


def compare_scales(args) -> int:
    """Runs this script once per database (DATABASE_URL), then compares each page's p50 and SQL time. The benchmark
    users are chosen the same way in both (the company closest to 5 000 dossiers...), so what changes is the size
    of the tables around them, which must not show."""
    runs = []
    for url in args.compare_scales:
        out = Path(tempfile.mkdtemp(prefix="bench-scales-")) / "results.json"
        command = [sys.executable, str(Path(__file__).resolve()), "--json", str(out), "--duration", str(args.duration)]
        command += ["--connections", str(args.connections), "--only", args.only]
        print(f"\n=== {url.rsplit('/', 1)[-1]} ===", flush=True)
        subprocess.run(command, env={**os.environ, "DATABASE_URL": url}, check=False)
        if not out.exists():
            print(f"no results for {url}: see the output above")
            return 2
        runs.append(json.loads(out.read_text()))
    small, large = runs
    names = [url.rsplit("/", 1)[-1] for url in args.compare_scales]
    print(f"\n{names[0]}: {small['sizes']}\n{names[1]}: {large['sizes']}")
    print(f"bare page: {small['bare_rps']:.1f} / {large['bare_rps']:.1f} req/s")
    header = f"{'page':<44} {'p50 small':>9} {'p50 large':>9} {'growth':>7} {'scaled':>7} {'SQL ms':>13} {'ratio':>11}"
    print(header)
    print("-" * len(header))
    failed = 0
    for label, a in small["pages"].items():
        b = large["pages"].get(label) or next(
            (v for k, v in large["pages"].items() if k.split(" (")[0] == label.split(" (")[0]), None
        )
        if b is None:
            continue
        growth = b["p50"] / a["p50"] - 1 if a["p50"] else 0.0
        scaled = scaled_growth(a, b)
        over = scaled > GROWTH_TARGET
        failed += over
        print(
            f"{label[:44]:<44} {a['p50']:9.1f} {b['p50']:9.1f} {growth:+7.0%} {scaled:+7.0%} "
            f"{a['sql_ms']:6.2f}/{b['sql_ms']:6.2f} {a['ratio']:5.2f}/{b['ratio']:5.2f}  "
            + (f"GREW more than {GROWTH_TARGET:.0%}" if over else "OK")
        )
    print(f"\n{failed} page(s) grew by more than {GROWTH_TARGET:.0%}" if failed else "\nno page grew beyond 20 %")
    return 1 if failed else 0


if __name__ == "__main__":
    main()
