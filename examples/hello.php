<?php
// Greets the "name" from the JSON request body; anything unusable falls back to "World".
$body = stream_get_contents(STDIN);
$request = json_decode($body === false ? '' : $body, true);

$name = 'World';
if (is_array($request) && isset($request['name']) && is_string($request['name'])) {
    $trimmed = trim($request['name']);
    if ($trimmed !== '') {
        $name = $trimmed;
    }
}

echo json_encode([
    'message' => 'Hello, ' . $name,
    'runtime' => 'php',
    'php_version' => PHP_VERSION,
], JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES), "\n";
