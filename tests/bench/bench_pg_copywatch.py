#!/usr/bin/env python3
"""bench_pg_copywatch.py — where a PostgreSQL backend's COPY time goes.

    bench_pg_copywatch.py POSTMASTER_PID [TIMEOUT_SECONDS]

Prints "ready" on stdout once it watches, then polls /proc (every 5 ms) for a
backend of the server POSTMASTER_PID whose process title says COPY, follows
that one COPY to its end and prints one line on stdout:

    backend PID: COPY W ms: cpu C ms, runqueue R ms, sleeping S ms

from the backend's /proc/PID/schedstat: C is its CPU time, R the time it was
ready but waited for a CPU (busy neighbours), S the rest of the wall time W,
when it slept: waiting for the client's data (or for I/O). A client that keeps
the server fed leaves S near 0. Start it just before the client, in the
background; it does not touch the client, so the client's own figures stay
clean. Linux only (needs /proc/PID/schedstat). Exit status 0; 1 when no COPY
was seen within TIMEOUT_SECONDS (default 120); 2 on bad usage.
"""
import os
import sys
import time


def read(path):
    try:
        with open(path, "rb") as f:
            return f.read()
    except OSError:
        return b""


def schedstat(pid):
    fields = read(f"/proc/{pid}/schedstat").split()
    return tuple(int(x) for x in fields[:2]) if len(fields) >= 2 else None


def title(pid):
    return read(f"/proc/{pid}/cmdline").replace(b"\0", b" ").decode(errors="replace")


def parent(pid):
    stat = read(f"/proc/{pid}/stat")
    after_name = stat[stat.rfind(b")") + 2:].split()
    return int(after_name[1]) if len(after_name) > 1 else 0


def copy_backend(postmaster):
    for name in os.listdir("/proc"):
        if name.isdigit() and parent(name) == postmaster and " COPY" in title(name):
            return int(name)
    return None


def main():
    if len(sys.argv) not in (2, 3) or not sys.argv[1].isdigit():
        print("usage: bench_pg_copywatch.py POSTMASTER_PID [TIMEOUT_SECONDS]", file=sys.stderr)
        return 2
    postmaster = int(sys.argv[1])
    deadline = time.monotonic() + (float(sys.argv[2]) if len(sys.argv) == 3 else 120.0)
    print("ready", flush=True)
    pid = None
    while pid is None:
        if time.monotonic() > deadline:
            print("no COPY seen", flush=True)
            return 1
        pid = copy_backend(postmaster)
        if pid is None:
            time.sleep(0.005)
    first, started = schedstat(pid), time.monotonic()
    last, ended = first, started
    while " COPY" in title(pid):
        sample = schedstat(pid)
        if sample:
            last, ended = sample, time.monotonic()
        time.sleep(0.005)
    if not first or not last:
        print("no COPY seen", flush=True)
        return 1
    wall = ended - started
    cpu = (last[0] - first[0]) / 1e9
    queue = (last[1] - first[1]) / 1e9
    print(f"backend {pid}: COPY {wall * 1e3:.0f} ms: cpu {cpu * 1e3:.0f} ms, "
          f"runqueue {queue * 1e3:.0f} ms, sleeping {max(0.0, wall - cpu - queue) * 1e3:.0f} ms",
          flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
