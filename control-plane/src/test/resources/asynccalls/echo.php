<?php
// What the call looked like when it ran: its attempt, id, method, query, one header and body.
echo json_encode([
    'attempt' => getenv('FAAS_ATTEMPT'),
    'callId' => getenv('FAAS_CALL_ID'),
    'method' => getenv('REQUEST_METHOD'),
    'query' => getenv('QUERY_STRING'),
    'tag' => getenv('HTTP_X_TAG'),
    'authorization' => getenv('HTTP_AUTHORIZATION'),
    'body' => file_get_contents('php://stdin'),
]);
