#!/usr/bin/env python3
"""read_fifo.py FIFO OUT command...: runs the command while a reader copies
what is written to FIFO into OUT, as a tool reading a pipe would."""
import subprocess
import sys
import threading


def read(fifo, out):
    with open(fifo, "rb") as source, open(out, "wb") as sink:
        sink.write(source.read())


def main():
    fifo, out, command = sys.argv[1], sys.argv[2], sys.argv[3:]
    reader = threading.Thread(target=read, args=(fifo, out), daemon=True)
    reader.start()
    status = subprocess.call(command)
    reader.join(timeout=10)
    sys.exit(status)


if __name__ == "__main__":
    main()
