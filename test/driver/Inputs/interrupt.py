#!/usr/bin/env python3
"""interrupt.py SIGNAL TMPDIR command...: starts the command (csp-tidy) with
TMPDIR set, waits until it has started a worker, sends SIGNAL to it alone
(not to its workers), and reports how it ended, whether any of the workers
it had started still runs, and which files are left in TMPDIR."""
import os
import signal
import subprocess
import sys
import time


def children(pid):
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % entry) as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(entry))
    return found


def running(pid):
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def main():
    sig, tmpdir, command = getattr(signal, sys.argv[1]), sys.argv[2], sys.argv[3:]
    env = dict(os.environ, TMPDIR=tmpdir)
    driver = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    workers = []
    deadline = time.time() + 60
    while not workers and time.time() < deadline and driver.poll() is None:
        workers = children(driver.pid)
        time.sleep(0.01)
    if not workers:
        print("no worker started")
    time.sleep(0.2)  # the workers are under way
    workers = set(workers) | set(children(driver.pid))
    driver.send_signal(sig)
    status = driver.wait(timeout=60)
    print("driver ended by %s" % (signal.Signals(-status).name if status < 0 else "exit %d" % status))
    time.sleep(0.2)
    left = [w for w in workers if running(w)]
    print("workers left running: %d" % len(left))
    for w in left:
        os.kill(w, signal.SIGKILL)
    print("files left: %s" % (sorted(os.listdir(tmpdir)) or "none"))


if __name__ == "__main__":
    main()
