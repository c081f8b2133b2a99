<?php
// Computes target image dimensions, either by a scale factor or by fitting into a bounding box
// (never enlarging). Invalid input is reported as JSON with exit code 1 so the caller sees a 5xx.
function fail(string $message): void
{
    echo json_encode(['error' => $message]), "\n";
    exit(1);
}

function positive_number(array $request, string $field): ?float
{
    if (!array_key_exists($field, $request)) {
        return null;
    }
    $value = $request[$field];
    if ((!is_int($value) && !is_float($value)) || $value <= 0) {
        fail("$field must be a positive number");
    }
    return (float) $value;
}

$request = json_decode(stream_get_contents(STDIN) ?: '', true);
if (!is_array($request)) {
    fail('body must be a JSON object like {"width":800,"height":600,"scale":0.5}');
}

$width = positive_number($request, 'width');
$height = positive_number($request, 'height');
if ($width === null || $height === null) {
    fail('width and height are required');
}

$scale = positive_number($request, 'scale');
$maxWidth = positive_number($request, 'maxWidth');
$maxHeight = positive_number($request, 'maxHeight');

if ($scale === null) {
    if ($maxWidth === null && $maxHeight === null) {
        fail('give either scale or maxWidth/maxHeight');
    }
    $scale = min(1.0, $maxWidth === null ? INF : $maxWidth / $width, $maxHeight === null ? INF : $maxHeight / $height);
}

echo json_encode([
    'original' => ['width' => (int) $width, 'height' => (int) $height],
    'resized' => [
        'width' => max(1, (int) round($width * $scale)),
        'height' => max(1, (int) round($height * $scale)),
    ],
    'scale' => round($scale, 6),
    'runtime' => 'php',
]), "\n";
