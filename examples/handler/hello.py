# Handler mode: this module is imported once per process, then main() is called for every request.
# Module globals live as long as the process (one function version, one call at a time).
import faas  # provided by the runtime: faas.Response(status, body, headers)

served = 0


def main(request):
    global served
    served += 1
    given = (request["json"] or {}).get("name") if isinstance(request["json"], dict) else None
    name = given.strip() if isinstance(given, str) and given.strip() else "World"
    if name == "teapot":
        return faas.Response(418, {"message": "I'm a teapot"}, {"X-Served": str(served)})
    # a dict is answered as JSON, like a process-mode function's JSON output
    return {"message": "Hello, " + name, "runtime": "python", "mode": "handler"}
