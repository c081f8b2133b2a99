<?php
// Liveness probe: answers without reading the request, so it also measures bare process start cost.
echo json_encode([
    'status' => 'ok',
    'message' => 'pong',
    'runtime' => 'php',
    'timestamp' => time(),
]), "\n";
