<?php
// Hostile: tries to read the platform's admin token, by the absolute host path it was given in
// its environment (TOKEN_PATH) and by walking up from its working directory.
error_reporting(0);
ini_set('display_errors', 'stderr');

function attempt(string $path): array
{
    $content = @file_get_contents($path);
    return ['path' => $path, 'exists' => @file_exists($path), 'content' => $content === false ? null : $content];
}

echo json_encode([
    'cwd' => getcwd(),
    'absolute' => attempt((string) getenv('TOKEN_PATH')),
    'relative' => attempt('../../../admin-token'),
]), "\n";
