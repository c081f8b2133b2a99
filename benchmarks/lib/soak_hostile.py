#!/usr/bin/env python3
"""Hostile clients for benchmarks/soak.sh, from loopback addresses other than 127.0.0.1 (all of
127/8 is local on Linux), so per-address caps do not touch the normal load from 127.0.0.1.

  soak_hostile.py --port P --idle-uploads N --slowloris N --stats OUT.json [--first-address 2]

- idle uploads: a POST /upload head (11 MB declared, no token) and one body byte, then one more
  byte every 5 s for as long as the server keeps the connection;
- slowloris: a GET head sent one byte a second, never finished.
Each connection that the server answers or closes is opened again after a second, so the number
of hostile connections stays at its target. Runs until SIGTERM/SIGINT, then writes the counts
(connections opened, answers by status, server closes, errors) as JSON to OUT.
"""
import argparse
import asyncio
import json
import resource
import signal
import time

UPLOAD_HEAD = ("POST /upload HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
               "Content-Type: multipart/form-data; boundary=soak\r\nContent-Length: 11534336\r\n\r\n-")
SLOW_HEAD = "GET / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUser-Agent: slowloris\r\nX-Padding: " + "a" * 4000


class Stats:
    def __init__(self):
        self.kinds = {}

    def count(self, kind, what, n=1):
        k = self.kinds.setdefault(kind, {})
        k[what] = k.get(what, 0) + n


async def hold(kind, port, address, stats, stop, send_plan):
    """One hostile connection slot: connect, send per plan, reconnect after the server ends it."""
    while not stop.is_set():
        try:
            reader, writer = await asyncio.wait_for(
                asyncio.open_connection("127.0.0.1", port, local_addr=(address, 0)), 10)
        except (OSError, asyncio.TimeoutError) as e:
            stats.count(kind, "connect_error:" + type(e).__name__)
            await sleep_or_stop(stop, 1)
            continue
        stats.count(kind, "opened")
        sender = asyncio.ensure_future(send_plan(writer, stop))
        try:
            first = await reader.read(64)
            if first:
                status = first.split(b" ", 2)[1].decode("ascii", "replace") if first.startswith(b"HTTP/") else "?"
                stats.count(kind, "answer:" + status)
            else:
                stats.count(kind, "closed_without_answer")
            await reader.read()  # until the server closes
        except (OSError, asyncio.IncompleteReadError):
            stats.count(kind, "reset")
        finally:
            sender.cancel()
            writer.close()
        await sleep_or_stop(stop, 1)


async def sleep_or_stop(stop, seconds):
    try:
        await asyncio.wait_for(stop.wait(), seconds)
    except asyncio.TimeoutError:
        pass


def upload_plan(port):
    async def plan(writer, stop):
        try:
            writer.write(UPLOAD_HEAD.format(port=port).encode())
            await writer.drain()
            while not stop.is_set():
                await sleep_or_stop(stop, 5)
                writer.write(b"-")
                await writer.drain()
        except OSError:
            pass
    return plan


def slowloris_plan(port):
    async def plan(writer, stop):
        try:
            for b in SLOW_HEAD.format(port=port).encode():
                if stop.is_set():
                    return
                writer.write(bytes([b]))
                await writer.drain()
                await sleep_or_stop(stop, 1)
        except OSError:
            pass
    return plan


async def main(args):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    stats = Stats()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    # 25 connections per address: well below any per-address cap a deployment would set for real users
    per_address = 25
    tasks = []
    n = 0
    for kind, count, plan in (("idle_upload", args.idle_uploads, upload_plan(args.port)),
                              ("slowloris", args.slowloris, slowloris_plan(args.port))):
        for _ in range(count):
            address = "127.0.%d.%d" % divmod(args.first_address + n // per_address, 256)
            tasks.append(asyncio.ensure_future(hold(kind, args.port, address, stats, stop, plan)))
            n += 1
            if n % 100 == 0:
                await asyncio.sleep(0.05)  # ramp up rather than 1,500 connects at once
    started = time.time()
    await stop.wait()
    await asyncio.gather(*tasks, return_exceptions=True)
    with open(args.stats, "w") as f:
        json.dump({"seconds": round(time.time() - started, 1), "idle_uploads": args.idle_uploads,
                   "slowloris": args.slowloris, "kinds": stats.kinds}, f, indent=1, sort_keys=True)


if __name__ == "__main__":
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--idle-uploads", type=int, default=500)
    p.add_argument("--slowloris", type=int, default=1000)
    p.add_argument("--first-address", type=int, default=2, help="hosts 127.0.0.<n> and up")
    p.add_argument("--stats", required=True)
    asyncio.run(main(p.parse_args()))
