#!/usr/bin/python3
"""Side-by-side load benchmark: Yardmaster's master against Buildbot's (3.7).

For every load (N workers connecting at a rate) and every master: start a fresh
master on a free 127.0.0.1 port with N workers configured, wait until it
listens and is ready, run ym-loadgen against it, send SIGTERM while the
workers are still attached and time the exit, then print one table with both
columns and their ratio. Everything started is stopped again, always.

Standard library only (Debian's /usr/bin/python3). See bench/README.md and
docs/benchmarks.md.
"""

import argparse
import json
import os
import re
import resource
import secrets
import shutil
import signal
import socket
import string
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
BB_TEMPLATE = os.path.join(HERE, "buildbot", "master.cfg.in")
DEFAULT_LOADS = "200@0,1000@0,2000@0,2000@30,10000@0"
PW_ENV = "YM_BENCH_PW"
PREFIX = "w"
KILL_AFTER_S = 10.0
# Buildbot attaches 0 of 2,000 workers connecting at once (issue 3): larger
# loads are not run against it.
BUILDBOT_MAX_N = 2000
YM_READY = "listening for workers"
BB_READY = "BuildMaster is running"
YM_ATTACHED = re.compile(r"^ym-loadgen: \S+: attached$", re.M)

# Targets of issue 3 for Yardmaster.
TARGET_ALL_ATTACHED_S = 5.0
TARGET_CPU_MS_PER_ATTACH = 0.3
TARGET_RSS_KB_PER_WORKER = 8.0
TARGET_LISTEN_S = 0.5
TARGET_EXIT_S = 2.0
TARGET_IDLE_CPU_PCT = 1.0  # "near zero"


class Fail(Exception):
    pass


def log(msg):
    print(f"[compare] {msg}", file=sys.stderr, flush=True)


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def raise_fd_limit():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)


def parse_loads(text):
    loads = []
    for part in text.split(","):
        part = part.strip()
        m = re.fullmatch(r"(\d+)@(\d+(?:\.\d+)?)", part)
        if not m or int(m.group(1)) <= 0:
            raise SystemExit(f"compare.py: --loads: '{part}' is not COUNT@RATE (e.g. 2000@30)")
        loads.append((int(m.group(1)), float(m.group(2))))
    return loads


def load_name(n, rate):
    return f"{n}@{rate:g}"


class Procs:
    """Every process this script started, so all of them can be stopped."""

    def __init__(self):
        self.live = []

    def start(self, cmd, **kw):
        p = subprocess.Popen(cmd, start_new_session=True, stdin=subprocess.DEVNULL, **kw)
        self.live.append(p)
        return p

    def kill_all(self):
        for p in self.live:
            if p.poll() is None:
                try:
                    os.killpg(p.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                try:
                    p.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    log(f"process {p.pid} did not go away after SIGKILL")
        self.live = [p for p in self.live if p.poll() is None]


def tcp_accepts(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.2):
            return True
    except OSError:
        return False


def file_has(path, text):
    try:
        with open(path, "r", errors="replace") as f:
            return text in f.read()
    except OSError:
        return False


def log_tail(path, lines=15):
    try:
        with open(path, "r", errors="replace") as f:
            return "".join(f.readlines()[-lines:])
    except OSError:
        return "(no log)"


# ---------------------------------------------------------------- masters


class Master:
    """One master under test: prepare(), start(), wait_ready(), stop()."""

    label = "?"

    def __init__(self, procs, workdir, n, port, keepalive):
        self.procs, self.dir, self.n, self.port, self.keepalive = procs, workdir, n, port, keepalive
        self.proc = None
        self.t0 = 0.0

    def start(self):
        self.t0 = time.monotonic()
        self.proc = self.procs.start(self.command(), cwd=self.dir, stdout=self.out, stderr=subprocess.STDOUT)

    def wait_ready(self, deadline_s):
        """Returns (listen_s, ready_s); raises Fail when not ready in time."""
        listen_s = ready_s = None
        end = self.t0 + deadline_s
        while time.monotonic() < end:
            if self.proc.poll() is not None:
                raise Fail(f"{self.label} exited with status {self.proc.returncode} while starting:\n"
                           + log_tail(self.log_path))
            now = time.monotonic()
            if listen_s is None and tcp_accepts(self.port):
                listen_s = now - self.t0
            if ready_s is None and file_has(self.log_path, self.ready_line):
                ready_s = time.monotonic() - self.t0
            if listen_s is not None and ready_s is not None:
                return listen_s, ready_s
            time.sleep(0.01 if now - self.t0 < 2 else 0.1)
        raise Fail(f"{self.label} not ready within {deadline_s:.0f} s (listening: "
                   f"{'yes' if listen_s is not None else 'no'}):\n" + log_tail(self.log_path))

    def stop(self):
        """SIGTERM, then time the exit; SIGKILL after KILL_AFTER_S."""
        if self.proc is None or self.proc.poll() is not None:
            return {"exit_s": None, "exit": "already gone"}
        t = time.monotonic()
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=KILL_AFTER_S)
            return {"exit_s": round(time.monotonic() - t, 3), "exit": f"status {self.proc.returncode}"}
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)
            return {"exit_s": None, "exit": "did not exit (killed)"}


class Yardmaster(Master):
    label = "Yardmaster"
    ready_line = YM_READY

    def __init__(self, binary, *a):
        super().__init__(*a)
        self.binary = binary
        self.log_path = os.path.join(self.dir, "yardmaster.log")

    def prepare(self):
        workers = [{"name": f"{PREFIX}{i:05d}", "password": {"env": PW_ENV},
                    "keepalive_interval": self.keepalive} for i in range(self.n)]
        cfg = {"master": {"protocols": {"msgpack": {"port": self.port, "bind": "127.0.0.1"}},
                          "database": "state.sqlite", "control_socket": "ctl.sock",
                          "secrets_dir": "secrets"},
               "workers": workers}
        self.config = os.path.join(self.dir, "master.json")
        with open(self.config, "w") as f:
            json.dump(cfg, f)
        os.chmod(self.config, 0o600)
        self.out = open(self.log_path, "w")

    def command(self):
        return [self.binary, "--headless", "--config", self.config]


class Buildbot(Master):
    label = "Buildbot"
    ready_line = BB_READY

    def __init__(self, template_dir, *a):
        super().__init__(*a)
        self.template_dir = template_dir
        self.log_path = os.path.join(self.dir, "twistd.log")

    def prepare(self):
        shutil.rmtree(self.dir)
        shutil.copytree(self.template_dir, self.dir)
        with open(BB_TEMPLATE) as f:
            text = string.Template(f.read()).substitute(
                count=self.n, prefix=PREFIX, first_index=0, password_env=PW_ENV,
                port=self.port, keepalive=self.keepalive if self.keepalive != 3600 else 0)
        with open(os.path.join(self.dir, "master.cfg"), "w") as f:
            f.write(text)
        self.out = open(os.path.join(self.dir, "twistd.out"), "w")

    def command(self):
        return [twistd_binary(), "--nodaemon", "--no_save", "-y", "buildbot.tac"]


def twistd_binary():
    for b in ("/usr/bin/twistd3", "/usr/bin/twistd"):
        if os.path.exists(b):
            return b
    raise Fail("twistd not found (apt-get install -y buildbot)")


def buildbot_template(procs, root):
    """One `buildbot create-master` per run; every load copies it (fresh DB)."""
    if not os.path.exists("/usr/bin/buildbot"):
        raise Fail("Buildbot is not installed (apt-get install -y buildbot)")
    tdir = os.path.join(root, "buildbot-template")
    p = procs.start(["/usr/bin/buildbot", "create-master", "-r", tdir],
                    stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        out, _ = p.communicate(timeout=300)
    except subprocess.TimeoutExpired:
        procs.kill_all()
        raise Fail("buildbot create-master took more than 300 s")
    if p.returncode != 0:
        raise Fail(f"buildbot create-master failed:\n{out}")
    return tdir


# ---------------------------------------------------------------- one run


SETTLE_S = 3.0


def rss_kb(pid):
    """VmRSS of a live process in kB, or None."""
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def run_loadgen(procs, args, master, n, rate, hold, wait_attached_then_term):
    """Runs ym-loadgen; with wait_attached_then_term, SIGTERMs the master once
    every worker attached (or the attach timeout passed) while the load
    generator still holds the connections. Returns (report, stop_result)."""
    cmd = [args.loadgen, "--host", "127.0.0.1", "--port", str(master.port), "--count", str(n),
           "--name-prefix", PREFIX, "--first-index", "0", "--password-env", PW_ENV,
           "--rate", f"{rate:g}", "--timeout", f"{args.timeout:g}", "--hold", f"{hold:g}",
           "--master-pid", str(master.proc.pid), "--json", "--verbose",
           "--retry" if args.retry else "--no-retry"]
    if n > 5000:
        cmd += ["--procs", "2"]
    err_path = os.path.join(master.dir, "loadgen.log")
    out_path = os.path.join(master.dir, "loadgen.json")
    with open(err_path, "w") as err, open(out_path, "w") as out:
        lg = procs.start(cmd, stdout=out, stderr=err)
    t0 = time.monotonic()
    stop = None
    hard_end = t0 + args.timeout + hold + 60
    if wait_attached_then_term:
        attach_end = t0 + args.timeout + 2
        while time.monotonic() < attach_end and lg.poll() is None:
            with open(err_path, "r", errors="replace") as f:
                if len(YM_ATTACHED.findall(f.read())) >= n:
                    break
            time.sleep(0.2)
        # Let the burst settle (Yardmaster gives the burst's free heap back a
        # second after it), then read the RSS of the master holding its workers.
        time.sleep(SETTLE_S)
        connected_rss = rss_kb(master.proc.pid)
        stop = master.stop()
        stop["rss_kb_connected"] = connected_rss
        lg.send_signal(signal.SIGTERM)  # ends its hold; it prints the report
    while lg.poll() is None and time.monotonic() < hard_end:
        time.sleep(0.1)
    if lg.poll() is None:
        os.killpg(lg.pid, signal.SIGKILL)
        lg.wait(timeout=10)
        raise Fail(f"ym-loadgen did not finish within {hard_end - t0:.0f} s")
    with open(out_path) as f:
        lines = [ln for ln in f.read().splitlines() if ln.startswith("{")]
    if not lines:
        raise Fail(f"ym-loadgen exited with status {lg.returncode} without a report:\n"
                   + log_tail(err_path))
    return json.loads(lines[-1]), stop


def measure(procs, args, root, kind, n, rate, keepalive=3600, hold=None):
    """One fresh master, one load. Returns a result dict."""
    wdir = tempfile.mkdtemp(prefix=f"{kind[:2]}-{n}-", dir=root)
    port = free_port()
    if kind == "yardmaster":
        m = Yardmaster(args.yardmaster, procs, wdir, n, port, keepalive)
        ready_deadline = 60
    else:
        m = Buildbot(args.bb_template, procs, wdir, n, port, keepalive)
        ready_deadline = min(900, 120 + 0.25 * n)
    res = {"master": kind, "count": n, "rate": rate, "port": port}
    try:
        m.prepare()
        m.start()
        res["listen_s"], res["ready_s"] = (round(x, 3) for x in m.wait_ready(ready_deadline))
        log(f"{m.label} {load_name(n, rate)}: listening after {res['listen_s']} s, "
            f"ready after {res['ready_s']} s")
        if hold is None:  # attach load: SIGTERM while attached
            report, stop = run_loadgen(procs, args, m, n, rate, 15, True)
        else:  # steady state: hold, then stop
            report, _ = run_loadgen(procs, args, m, n, rate, hold, False)
            stop = m.stop()
        res["loadgen"] = report
        res.update(stop)
        log(f"{m.label} {load_name(n, rate)}: attached {report.get('attached')}/{n}, "
            f"SIGTERM: {stop['exit']}" + (f" after {stop['exit_s']} s" if stop["exit_s"] is not None else ""))
    except Fail as e:
        res["error"] = str(e).splitlines()[0]
        log(f"{m.label} {load_name(n, rate)}: {e}")
        if m.proc is not None and m.proc.poll() is None:
            res.update(m.stop())
    finally:
        procs.kill_all()
        if not args.keep:
            shutil.rmtree(wdir, ignore_errors=True)
    return res


# ---------------------------------------------------------------- results


def derived(res):
    """The table's metrics from one result (None where unknown)."""
    if res is None or "skipped" in res:
        return None
    r = res.get("loadgen") or {}
    mst = r.get("master") or {}
    att = r.get("attached")
    d = {"attached": att, "never_attached": r.get("never_attached"), "refused": r.get("refused"),
         "all_attached_s": r.get("all_attached_s"),
         "p50": (r.get("attach_ms") or {}).get("p50"), "p99": (r.get("attach_ms") or {}).get("p99"),
         "listen_s": res.get("listen_s"), "ready_s": res.get("ready_s"),
         "exit_s": res.get("exit_s"), "exit": res.get("exit"), "error": res.get("error")}
    d["cpu_ms_attach"] = mst["cpu_s_attach"] * 1000 / att if att and "cpu_s_attach" in mst else None
    connected = res.get("rss_kb_connected") or mst.get("rss_kb_end")
    if att and connected and "rss_kb_start" in mst:
        d["rss_kb_worker"] = (connected - mst["rss_kb_start"]) / att
    else:
        d["rss_kb_worker"] = None
    if att and "rss_kb_peak" in mst:
        d["rss_kb_peak_worker"] = (mst["rss_kb_peak"] - mst["rss_kb_start"]) / att
    else:
        d["rss_kb_peak_worker"] = None
    ka = r.get("keepalives_answered")
    d["keepalives"] = ka
    hold = res.get("hold")
    d["cpu_ms_keepalive"] = mst.get("cpu_s_hold", 0) * 1000 / ka if ka and hold else None
    d["idle_cpu_pct"] = mst.get("cpu_s_hold", 0) * 100 / hold if hold and "cpu_s_hold" in mst else None
    d["cpu_pct_per_1000"] = d["idle_cpu_pct"] * 1000 / att if d["idle_cpu_pct"] is not None and att else None
    return d


ROWS = [  # key, label, format, ratio?
    ("attached", "attached", "{:.0f}", False),
    ("never_attached", "never attached", "{:.0f}", False),
    ("refused", "refused (HTTP)", "{:.0f}", False),
    ("all_attached_s", "time to all attached, s", "{:.2f}", True),
    ("p50", "attach p50, ms", "{:.1f}", True),
    ("p99", "attach p99, ms", "{:.1f}", True),
    ("cpu_ms_attach", "master CPU per attach, ms", "{:.3f}", True),
    ("rss_kb_worker", "master RSS per connected worker, KB", "{:.1f}", True),
    ("rss_kb_peak_worker", "master peak RSS during the burst per worker, KB", "{:.1f}", True),
    ("listen_s", "start-up to listening, s", "{:.3f}", True),
    ("ready_s", "start-up to ready (log), s", "{:.3f}", True),
    ("exit_s", "SIGTERM to exit, s", "{:.3f}", True),
]
STEADY_ROWS = [
    ("attached", "attached", "{:.0f}", False),
    ("keepalives", "keepalives answered", "{:.0f}", False),
    ("cpu_ms_keepalive", "master CPU per keepalive, ms", "{:.3f}", True),
    ("idle_cpu_pct", "master CPU during hold, % of a core", "{:.2f}", False),
    ("cpu_pct_per_1000", "same, per 1,000 workers attached, %", "{:.3f}", True),
    ("rss_kb_worker", "master RSS per worker, KB", "{:.1f}", True),
]


def cell(d, key, fmt):
    if d is None:
        return None
    v = d.get(key)
    if v is None:
        if key == "exit_s" and d.get("exit"):
            return d["exit"]
        if key == "all_attached_s" and d.get("attached") is not None:
            return "not all"
        return "error" if d.get("error") else "—"
    return fmt.format(v)


def table(results, rows, title_of):
    """results: list of (title, bb_result, ym_result). Returns rows of cells."""
    out = [["load", "metric", "Buildbot", "Yardmaster", "Buildbot ÷ Yardmaster"]]
    for title, bb, ym in results:
        db, dy = derived(bb), derived(ym)
        for key, label, fmt, ratio in rows:
            cb = cell(db, key, fmt) if db else (bb or {}).get("skipped", "not run")
            cy = cell(dy, key, fmt) if dy else (ym or {}).get("skipped", "not run")
            rt = ""
            if ratio and db and dy and isinstance(db.get(key), (int, float)) \
                    and isinstance(dy.get(key), (int, float)) and dy[key] > 0:
                rt = f"{db[key] / dy[key]:.1f}×"
            out.append([title_of(title), label, cb, cy, rt])
    return out


def render_text(rows):
    w = [max(len(str(r[i])) for r in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(str(c).ljust(w[i]) for i, c in enumerate(r)) for r in rows]
    lines.insert(1, "  ".join("-" * x for x in w))
    return "\n".join(lines)


def render_md(rows):
    lines = ["| " + " | ".join(rows[0]) + " |", "|" + "---|" * len(rows[0])]
    lines += ["| " + " | ".join(str(c) for c in r) + " |" for r in rows[1:]]
    return "\n".join(lines)


def targets(load_results, steady):
    """Issue 3's targets, checked on Yardmaster's 10,000@0 load and steady run."""
    out = [["target", "Yardmaster", "result"]]
    ym = next((y for (n, rate), _, y in load_results if n == 10000 and rate == 0 and y), None)
    d = derived(ym)

    def check(name, val, limit, fmt):
        if val is None:
            out.append([name, "—", "not measured"])
        else:
            out.append([name, fmt.format(val), "pass" if val <= limit else "miss"])

    if d is None:
        out.append(["10,000 workers at once (load 10000@0)", "not run", "not measured"])
    else:
        all_ok = d["attached"] == 10000
        check(f"10,000 at once all attached within {TARGET_ALL_ATTACHED_S:g} s",
              d["all_attached_s"] if all_ok else None, TARGET_ALL_ATTACHED_S, "{:.2f} s")
        check(f"CPU per attach ≤ {TARGET_CPU_MS_PER_ATTACH} ms", d["cpu_ms_attach"],
              TARGET_CPU_MS_PER_ATTACH, "{:.3f} ms")
        check(f"RSS per connected worker ≤ {TARGET_RSS_KB_PER_WORKER:g} KB", d["rss_kb_worker"],
              TARGET_RSS_KB_PER_WORKER, "{:.1f} KB")
        check(f"start-up to listening ≤ {TARGET_LISTEN_S} s (10,000 configured)", d["listen_s"],
              TARGET_LISTEN_S, "{:.3f} s")
        check(f"SIGTERM with 10,000 attached exits ≤ {TARGET_EXIT_S:g} s", d["exit_s"],
              TARGET_EXIT_S, "{:.3f} s")
    idle = next((y for (t, _, y) in steady if t.startswith("idle") and y
                 and (y.get("loadgen") or {}).get("attached") == 10000), None)
    di = derived(idle)
    check(f"idle CPU with 10,000 attached ≤ {TARGET_IDLE_CPU_PCT:g} % (near zero)",
          di["idle_cpu_pct"] if di else None, TARGET_IDLE_CPU_PCT, "{:.2f} %")
    return out


# ---------------------------------------------------------------- main


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--build-dir", default="./build", help="CMake build folder (default ./build)")
    ap.add_argument("--loads", default=DEFAULT_LOADS,
                    help=f"comma-separated COUNT@RATE (RATE: connections/s, 0 = all at once); "
                         f"default {DEFAULT_LOADS}")
    ap.add_argument("--only", choices=["yardmaster", "buildbot", "both"], default="both")
    ap.add_argument("--timeout", type=float, default=120, help="attach timeout per load, s (default 120)")
    ap.add_argument("--smoke", action="store_true", help="one load of 200 workers at once, timeout 60 s")
    ap.add_argument("--steady", action="store_true",
                    help="steady state instead of the attach loads: keepalive CPU and idle CPU")
    ap.add_argument("--hold", type=float, default=120, help="--steady: seconds to hold (default 120)")
    ap.add_argument("--steady-n", type=int, default=10000, help="--steady: Yardmaster's N (default 10000)")
    ap.add_argument("--steady-bb-n", type=int, default=1000, help="--steady: Buildbot's N (default 1000)")
    ap.add_argument("--steady-bb-rate", type=float, default=20,
                    help="--steady: Buildbot's workers connect at this rate (default 20/s; at once "
                         "most never attach)")
    ap.add_argument("--keepalive", type=int, default=60, help="--steady: short keepalive interval, s")
    ap.add_argument("--no-retry", dest="retry", action="store_false",
                    help="workers do not reconnect after a refusal or a lost connection")
    ap.add_argument("--markdown", metavar="FILE", help="also write the tables as markdown")
    ap.add_argument("--json", metavar="FILE", help="also write every raw result as JSON")
    ap.add_argument("--keep", action="store_true", help="keep the temporary master folders")
    args = ap.parse_args()
    if args.smoke:
        args.loads, args.timeout = "200@0", min(args.timeout, 60)
    loads = parse_loads(args.loads)
    bdir = os.path.abspath(args.build_dir)
    args.yardmaster = os.path.join(bdir, "app", "yardmaster")
    args.loadgen = os.path.join(bdir, "bench", "loadgen", "ym-loadgen")
    for b in ([args.loadgen] + ([args.yardmaster] if args.only != "buildbot" else [])):
        if not os.access(b, os.X_OK):
            raise SystemExit(f"compare.py: {b} not found; build it: ninja -C {bdir} yardmaster ym-loadgen")
    kinds = ["buildbot", "yardmaster"] if args.only == "both" else [args.only]

    soft, hard = raise_fd_limit()
    biggest = max([n for n, _ in loads] + ([args.steady_n] if args.steady else []))
    if soft < biggest + 1000:
        log(f"open-file limit {soft} (hard {hard}) is low for {biggest} workers")
    os.environ[PW_ENV] = secrets.token_hex(12)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    procs = Procs()
    root = tempfile.mkdtemp(prefix="ym-bench-")
    load_results, steady = [], []
    try:
        if "buildbot" in kinds:
            log("creating the Buildbot master template (buildbot create-master)")
            args.bb_template = buildbot_template(procs, root)
        if not args.steady:
            for n, rate in loads:
                row = {}
                for k in kinds:
                    if k == "buildbot" and n > BUILDBOT_MAX_N:
                        row[k] = {"skipped": "not run: Buildbot cannot"}
                        continue
                    log(f"{k} {load_name(n, rate)} ...")
                    row[k] = measure(procs, args, root, k, n, rate)
                load_results.append(((n, rate), row.get("buildbot"), row.get("yardmaster")))
        else:
            for title, ka in (("keepalive", args.keepalive), ("idle", 3600)):
                row = {}
                for k in kinds:
                    n = args.steady_n if k == "yardmaster" else args.steady_bb_n
                    rate = 0 if k == "yardmaster" else args.steady_bb_rate
                    log(f"{k} steady ({title}, {load_name(n, rate)}, keepalive {ka} s, "
                        f"hold {args.hold:g} s) ...")
                    row[k] = measure(procs, args, root, k, n, rate, keepalive=ka, hold=args.hold)
                    row[k]["hold"] = args.hold
                    row[k]["keepalive_interval"] = ka
                steady.append((title, row.get("buildbot"), row.get("yardmaster")))
    finally:
        procs.kill_all()
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)
        else:
            log(f"kept {root}")

    sections = []
    if load_results:
        sections.append(("Attach loads (N@rate: workers @ connections per second, 0 = all at once)",
                         table(load_results, ROWS, lambda t: load_name(*t))))
    if steady:
        def st(t):
            return (f"keepalive {args.keepalive} s" if t == "keepalive" else "idle (keepalive 3600 s)")
        sections.append((f"Steady state (Buildbot {load_name(args.steady_bb_n, args.steady_bb_rate)}, "
                         f"Yardmaster {load_name(args.steady_n, 0)}, hold {args.hold:g} s)",
                         table(steady, STEADY_ROWS, st)))
    if "yardmaster" in kinds:
        sections.append(("Targets (issue 3), Yardmaster", targets(load_results, steady)))
    for title, rows in sections:
        print(f"\n{title}\n")
        print(render_text(rows))
    if args.markdown:
        with open(args.markdown, "w") as f:
            for title, rows in sections:
                f.write(f"**{title}**\n\n{render_md(rows)}\n\n")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"loads": [{"load": load_name(*t), "buildbot": b, "yardmaster": y}
                                 for t, b, y in load_results],
                       "steady": [{"mode": t, "buildbot": b, "yardmaster": y} for t, b, y in steady]},
                      f, indent=1)
    # Exit status: 0 when every load that ran attached every worker.
    ok = all((r or {}).get("skipped") or ((r or {}).get("loadgen") or {}).get("never_attached") == 0
             for _, b, y in load_results + steady for r in (b, y) if r is not None)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
