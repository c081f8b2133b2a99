<?php
// Hostile: tries to list the platform's data directory (DATA_DIR, its absolute host path) and
// what lives in it: the route database, the run directory, other functions' artifacts.
error_reporting(0);
ini_set('display_errors', 'stderr');

function listing(string $dir): ?array
{
    $names = @scandir($dir);
    return $names === false ? null : array_values(array_diff($names, ['.', '..']));
}

$data = rtrim((string) getenv('DATA_DIR'), '/');
$seed = @file_get_contents($data . '/functions/hello/1/hello.php');
echo json_encode([
    'dataDir' => listing($data),
    'functions' => listing($data . '/functions'),
    'run' => listing($data . '/run'),
    'databaseExists' => @file_exists($data . '/faas_meta.db'),
    'otherFunctionsCode' => $seed === false ? null : $seed,
]), "\n";
