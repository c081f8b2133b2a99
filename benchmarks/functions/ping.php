<?php
// Benchmark ping: like examples/ping.php, answers without reading the request, so a call costs
// about one PHP interpreter start. The suite also runs this very file in its bare-start ceiling.
echo json_encode([
    'status' => 'ok',
    'message' => 'pong',
    'runtime' => 'php',
]), "\n";
