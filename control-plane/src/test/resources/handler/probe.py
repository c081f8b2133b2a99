# HandlerModeIT: the Python side of the contract.
import os
import faas

calls = 0
ident = os.urandom(8).hex()


def main(request):
    global calls
    calls += 1
    print("stdout-marker-" + request["callId"])
    do = request["queryParams"].get("do")
    if do == "boom":
        raise ValueError("boom-secret-detail")
    if do == "made":
        return faas.Response(202, "<b>made</b>", {"Content-Type": "text/html", "X-Made": "yes"})
    if do == "text":
        return "just text"
    return {"id": ident, "calls": calls, "method": request["method"], "path": request["path"],
            "queryParams": request["queryParams"], "header": request["headers"].get("x-test"),
            "body": request["text"], "json": request["json"]}
