<?php
// Handler mode: this file is loaded once per process, then main() is called for every request.
// Globals live as long as the process (one function version, one call at a time).
$served = 0;

function main(array $request)
{
    global $served;
    $served++;
    $name = 'World';
    $given = $request['json']['name'] ?? null;
    if (is_string($given) && trim($given) !== '') {
        $name = trim($given);
    }
    if ($name === 'teapot') {
        // status and headers: faas_response(status, body, headers), provided by the runtime
        return faas_response(418, ['message' => "I'm a teapot"], ['X-Served' => (string) $served]);
    }
    // an array is answered as JSON, like a process-mode function's JSON output
    return ['message' => 'Hello, ' . $name, 'runtime' => 'php', 'mode' => 'handler'];
}
