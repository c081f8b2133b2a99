<?php
// Which try of its call this is, and, asked with "probe:<path>", whether the gateway's internal
// Unix socket at that path can be seen or reached from inside the sandbox.
$in = file_get_contents('php://stdin');
$probe = null;
if (str_starts_with($in, 'probe:')) {
    $path = substr($in, 6);
    $errno = 0;
    $error = '';
    $socket = @stream_socket_client('unix://' . $path, $errno, $error, 2);
    $probe = ['exists' => @file_exists($path), 'connected' => $socket !== false, 'error' => $error];
}
echo json_encode([
    'attempt' => getenv('FAAS_ATTEMPT'),
    'callId' => getenv('FAAS_CALL_ID'),
    'clientAttempt' => getenv('HTTP_X_FAAS_ATTEMPT'),
    'probe' => $probe,
]);
