# faasj handler-mode bootstrap for Python: python3 faas_handler.py <module> <handler>
#
# Loads the module once, then serves one request at a time until its stdin ends. The worker
# started it with descriptor 1 pointing at its stderr file and descriptor 3 as the answer pipe;
# sys.stdout is sys.stderr here, so a print joins the function's log and never corrupts an answer.
# Frames, lengths as u32 big endian: request = length + JSON head {method, path, query, headers,
# callId, attempt} + length + body; answer = length + JSON {status, headers, body, base64, raw, exception,
# error}. The module's globals live as long as the process (the documented state reuse).
import base64
import importlib.util
import json
import os
import struct
import sys
import traceback
import types
from urllib.parse import parse_qs


class Response:
    """What a handler returns to set the status and headers: faas.Response(201, {"id": 7}, {"Location": "/items/7"})."""

    def __init__(self, status=200, body="", headers=None):
        self.status = int(status)
        self.body = body
        self.headers = dict(headers or {})


def _read(stream, n):
    data = stream.read(n)
    if data is None or len(data) < n:
        return None
    return data


def _frame(stream):
    length = _read(stream, 4)
    if length is None:
        return None
    (n,) = struct.unpack(">I", length)
    return b"" if n == 0 else _read(stream, n)


def _body_of(value):
    if isinstance(value, (bytes, bytearray)):
        return bytes(value)
    if value is None:
        return b""
    if isinstance(value, str):
        return value.encode("utf-8", "surrogateescape")
    if isinstance(value, (dict, list, tuple)):
        return json.dumps(value, separators=(",", ":"), default=str).encode("utf-8")
    if isinstance(value, bool):
        return b"true" if value else b"false"
    return str(value).encode("utf-8")


def _request(head, body):
    params = {k: v[0] if len(v) == 1 else v for k, v in parse_qs(head["query"], keep_blank_values=True).items()}
    headers = head["headers"]
    decoded = None
    first = body[:64].lstrip()[:1]
    if body and (first in (b"{", b"[") or "json" in headers.get("content-type", "").lower()):
        try:
            decoded = json.loads(body)
        except ValueError:
            decoded = None
    return {
        "method": head["method"],
        "path": head["path"],
        "query": head["query"],
        "queryParams": params,
        "headers": headers,
        "body": body,
        "text": body.decode("utf-8", "replace"),
        "json": decoded,
        "callId": head["callId"],
        "attempt": head.get("attempt", 1),
    }


def _load(path, name):
    spec = importlib.util.spec_from_file_location("function", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules["function"] = module
    spec.loader.exec_module(module)
    handler = getattr(module, name, None)
    if not callable(handler):
        raise LookupError("handler function '%s' is not defined in the module" % name)
    return handler


def main():
    sys.stdout = sys.stderr
    sys.dont_write_bytecode = True
    faas = types.ModuleType("faas")
    faas.Response = Response
    sys.modules["faas"] = faas
    requests = sys.stdin.buffer
    answers = open(3, "wb")

    def send(answer):
        data = json.dumps(answer, separators=(",", ":")).encode("utf-8")
        answers.write(struct.pack(">I", len(data)) + data)
        answers.flush()

    handler, load_error = None, None
    try:
        handler = _load(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else "main")
    except BaseException as e:  # a SystemExit at import time too: the first call must still get its answer
        traceback.print_exc()
        load_error = "loading the module failed: %s: %s" % (type(e).__name__, e)
    while True:
        head = _frame(requests)
        if head is None:
            return
        body = _frame(requests)
        if body is None:
            return
        if load_error is not None:
            send({"status": 500, "exception": True, "error": load_error})
            sys.exit(1)
        head = json.loads(head)
        try:
            result = handler(_request(head, body))
        except BaseException as e:
            print("faas: call %s: uncaught exception" % head["callId"], file=sys.stderr)
            traceback.print_exc()
            send({"status": 500, "exception": True, "error": "uncaught %s in the handler" % type(e).__name__})
            sys.exit(1)  # the worker replaces this process: its state may be broken
        status, headers, raw = 200, {}, False
        if isinstance(result, Response):
            status = result.status
            headers = {str(k): str(v) for k, v in result.headers.items()}
            raw = any(k.lower() == "content-type" for k in headers)
            result = result.body
        sys.stderr.flush()  # what it printed belongs to this call's log
        out = _body_of(result)
        try:
            text, binary = out.decode("utf-8"), False
        except UnicodeDecodeError:
            text, binary = base64.b64encode(out).decode("ascii"), True
        send({"status": status, "headers": headers, "body": text, "base64": binary, "raw": raw})


if __name__ == "__main__":
    main()
