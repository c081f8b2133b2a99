<?php
// Echoes what the worker told us about the request through the CGI-style environment.
function env_or_empty(string $name): string
{
    $value = getenv($name);
    return $value === false ? '' : $value;
}

$query = env_or_empty('QUERY_STRING');
parse_str($query, $params);

echo json_encode([
    'runtime' => 'php',
    'php_version' => PHP_VERSION,
    'method' => env_or_empty('REQUEST_METHOD'),
    'path' => env_or_empty('PATH_INFO'),
    'query' => $query,
    'params' => (object) $params,
    'time' => date(DATE_ATOM),
], JSON_UNESCAPED_SLASHES), "\n";
