<?php
// What the function sees of its call: the id the platform gave it and the caller's trace context.
echo json_encode([
    'callId' => getenv('FAAS_CALL_ID'),
    'traceparent' => getenv('HTTP_TRACEPARENT'),
    'clientHeader' => getenv('HTTP_X_CALL_ID'),
]);
